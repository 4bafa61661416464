import type { ProviderAdapter, ProviderCallContext } from '../../src/providers/provider.js';
import { anthropic } from '../../src/providers/anthropic/anthropic-adapter.js';
import { fetchTransport } from '../../src/transport/fetch-transport.js';
import { UndiciTransport } from '../../src/transport/undici-transport.js';
import { readJsonFixture } from '../helpers/fixtures.js';
import { startMswReplay } from '../helpers/msw-replay.js';
import { startReplayServer } from '../helpers/replay-server.js';
import { callContext, TEST_API_KEY } from '../unit/providers/anthropic/anthropic-test-helpers.js';

/** One recorded reply to play back. */
export type RecordedReply = { readonly status: number; readonly headers: Record<string, string>; readonly body: string };

export type TransportKind = 'loopback' | 'msw';

/** The two ways every fixture is replayed: undici against a real 127.0.0.1 server, and fetch under msw. */
export const TRANSPORT_KINDS: readonly TransportKind[] = ['loopback', 'msw'];

const HOP_BY_HOP = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** Recorded headers (arrays or strings) as a flat map, without the framing headers the replayer sets itself. */
export function flattenHeaders(headers: Record<string, string | readonly string[]>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    flat[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return flat;
}

/** A pydantic-ai cassette interaction's reply: status and headers from `.response-meta.json`, body from `.response.*`. */
export function cassetteReply(metaPath: string, body: string): RecordedReply {
  const meta = readJsonFixture<{ status: { code: number }; headers: Record<string, string[]> }>(metaPath);
  return { status: meta.status.code, headers: flattenHeaders(meta.headers), body };
}

/** Everything a replay run needs, and what the adapter sent. */
export type Replay = {
  readonly adapter: ProviderAdapter;
  readonly context: ProviderCallContext;
  /** Bodies the adapter posted, parsed, in order. */
  readonly sentBodies: () => Record<string, unknown>[];
  readonly sentPaths: () => string[];
  readonly close: () => Promise<void>;
};

/** Starts a replayer of `replies` (in order; the last repeats) over the given transport kind. */
export async function startReplay(kind: TransportKind, replies: readonly RecordedReply[]): Promise<Replay> {
  if (kind === 'loopback') {
    const server = await startReplayServer(replies.map((reply) => ({ status: reply.status, headers: reply.headers, chunks: [reply.body] })));
    const transport = new UndiciTransport();
    return {
      adapter: anthropic({ apiKey: TEST_API_KEY, baseURL: `${server.url}/v1` }),
      context: callContext(transport),
      sentBodies: () => server.requests.map((request) => JSON.parse(request.body) as Record<string, unknown>),
      sentPaths: () => server.requests.map((request) => request.url),
      close: async () => {
        await transport.close();
        await server.close();
      },
    };
  }
  const baseURL = 'https://api.anthropic.test/v1';
  let index = 0;
  const msw = startMswReplay(baseURL, () => {
    const reply = replies[Math.min(index++, replies.length - 1)]!;
    return { status: reply.status, headers: reply.headers, chunks: [reply.body] };
  });
  const transport = fetchTransport();
  return {
    adapter: anthropic({ apiKey: TEST_API_KEY, baseURL }),
    context: callContext(transport),
    sentBodies: () => msw.requests.map((request) => JSON.parse(request.body) as Record<string, unknown>),
    sentPaths: () => msw.requests.map((request) => new URL(request.url).pathname),
    close: async () => {
      await transport.close();
      msw.server.close();
    },
  };
}

type WireMessage = { role: string; content: string | Record<string, unknown>[] };

/**
 * A request body reduced to what carries meaning, so two bodies that the API reads the same way
 * compare equal: string content is a single text block, consecutive turns of one role are one
 * turn (the API merges them too), `tools[].type: 'custom'` is the default and `stream` absent is
 * `false`.
 */
export function canonicalAnthropicBody(body: Record<string, unknown>): Record<string, unknown> {
  const messages: WireMessage[] = [];
  for (const message of (body['messages'] as WireMessage[] | undefined) ?? []) {
    const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const last = messages[messages.length - 1];
    if (last && last.role === message.role) last.content = [...(last.content as Record<string, unknown>[]), ...blocks];
    else messages.push({ role: message.role, content: [...blocks] });
  }
  const canonical: Record<string, unknown> = { ...body, messages, stream: body['stream'] ?? false };
  if (Array.isArray(body['tools'])) {
    canonical['tools'] = (body['tools'] as Record<string, unknown>[]).map((tool) => {
      if (tool['type'] !== 'custom') return tool;
      const { type: _type, ...rest } = tool;
      return rest;
    });
  }
  return canonical;
}
