// The browser entry (`llm-resilience/browser`): no Node built-ins, no undici.
export { readStream, type ReadStreamOptions } from './read-stream.js';
export { RelayConnectionError } from './relay-connection-error.js';
export type { WebSocketConstructor } from './read-websocket.js';
export type { WirePart, WirePartType, WireUsage } from '../relay/wire-part.js';
export { isTerminalPart } from '../relay/wire-part.js';
