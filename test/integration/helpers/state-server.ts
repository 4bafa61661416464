import { createServer } from 'node:http';
import { request } from 'undici';
import type { StateBackend, StateEntry, StateWrite } from '../../../src/state/synced-state-store.js';
import { MemoryStateBackend } from '../../../src/testing/index.js';
import { listenOnLoopback } from '../../helpers/listen-on-loopback.js';

/** A `MemoryStateBackend` served over HTTP on 127.0.0.1, standing in for Redis between processes. */
export type StateServer = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly backend: MemoryStateBackend;
  /** Destroys every socket and resolves once the server is closed. */
  close(): Promise<void>;
};

type SyncBody = { readonly writes: readonly StateWrite[]; readonly keys: readonly string[] };

/** Serves `POST /sync` with `{ writes, keys }` → the entries of `keys` (JSON; an absent key is `null`). */
export async function startStateServer(backend = new MemoryStateBackend()): Promise<StateServer> {
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      if (incoming.method !== 'POST' || incoming.url !== '/sync') {
        outgoing.writeHead(404).end();
        return;
      }
      let body: SyncBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SyncBody;
      } catch {
        outgoing.writeHead(400).end();
        return;
      }
      backend.sync(body.writes, body.keys).then(
        (entries) => {
          outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(entries.map((entry) => entry ?? null)));
        },
        (error: unknown) => {
          outgoing.writeHead(503, { 'content-type': 'text/plain' }).end(String(error));
        },
      );
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, backend, close };
}

/** A `StateBackend` that syncs with a `startStateServer` at `url` (loopback only). */
export function httpStateBackend(url: string): StateBackend {
  const target = new URL('/sync', url);
  if (target.hostname !== '127.0.0.1') throw new Error(`Expected a 127.0.0.1 state server, got ${url}.`);
  return {
    async sync(writes, keys) {
      const response = await request(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ writes, keys }),
      });
      if (response.statusCode !== 200) {
        const text = await response.body.text();
        throw new Error(`state server: ${text} (HTTP ${response.statusCode})`);
      }
      const entries = (await response.body.json()) as readonly (StateEntry | null)[];
      return entries.map((entry) => entry ?? undefined);
    },
  };
}
