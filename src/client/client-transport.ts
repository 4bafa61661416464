import { FetchTransport } from '../transport/fetch-transport.js';
import type { Transport } from '../transport/transport.js';
import { UndiciTransport } from '../transport/undici-transport.js';
import type { ClientOptions } from './client-options.js';

function isTransport(value: unknown): value is Transport {
  return typeof value === 'object' && value !== null && typeof (value as Transport).request === 'function';
}

/**
 * The client's transport: over `fetch` when given, the caller's own `Transport`, or undici with
 * the given options. `isOwned`: the client made it, so `close()` closes it.
 */
export function clientTransport(options: ClientOptions): { readonly transport: Transport; readonly isOwned: boolean } {
  if (options.fetch) return { transport: new FetchTransport({ fetch: options.fetch }), isOwned: true };
  if (isTransport(options.transport)) return { transport: options.transport, isOwned: false };
  return { transport: new UndiciTransport(options.transport ?? {}), isOwned: true };
}
