import { MissingPeerDependencyError } from '../errors/errors.js';
import type { RelaySocket } from './write-websocket.js';

/** The parts of `ws`'s `WebSocketServer` the relay uses. */
export type WebSocketServerLike = {
  on(event: 'connection', listener: (socket: RelaySocket, request: { url?: string; headers: Record<string, string | string[] | undefined> }) => void): unknown;
  close(callback?: (error?: Error) => void): void;
  readonly clients: Iterable<{ terminate(): void }>;
};

type WsModule = {
  WebSocketServer: new (options: { server?: unknown; noServer?: boolean; path?: string }) => WebSocketServerLike;
};

const packageName = 'ws';

/**
 * Loads `ws`, an optional peer dependency, on first use; a `MissingPeerDependencyError` naming the
 * package when it is not installed. Never imported statically, so the main entry does not need it.
 */
export async function loadWs(feature = 'WebSocket relay'): Promise<WsModule> {
  try {
    const loaded = (await import(packageName)) as WsModule & { default?: WsModule };
    return loaded.WebSocketServer ? loaded : loaded.default!;
  } catch (error) {
    throw new MissingPeerDependencyError(packageName, feature, error);
  }
}

/**
 * A `ws` WebSocketServer on an existing `node:http` server (upgrades on `path`); `ws` is loaded
 * lazily. Relay each connection with `stream.relayWebSocket(socket)` or a `StreamRelay`.
 */
export async function createWebSocketServer(options: { readonly server: unknown; readonly path?: string }): Promise<WebSocketServerLike> {
  const { WebSocketServer } = await loadWs('createWebSocketServer()');
  return new WebSocketServer({ server: options.server, ...(options.path !== undefined ? { path: options.path } : {}) });
}
