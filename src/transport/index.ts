export type { Transport, TransportRequest, TransportResponse } from './transport.js';
export { UndiciTransport, type UndiciTransportOptions } from './undici-transport.js';
export { FetchTransport, fetchTransport, type FetchTransportOptions } from './fetch-transport.js';
export { decodeSse, decodeSseBatches, type SseEvent } from './sse.js';
