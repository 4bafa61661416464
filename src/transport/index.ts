export type { Transport, TransportRequest, TransportResponse } from './transport.js';
export { UndiciTransport, type UndiciTransportOptions } from './undici-transport.js';
export { FetchTransport, fetchTransport, type FetchTransportOptions } from './fetch-transport.js';
export { decodeSse, decodeSseBatches, type SseEvent } from './sse.js';
export { DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_RESPONSE_BYTES, type ResponseLimits } from './response-limits.js';
export type { TransportCloseOptions } from './transport.js';
