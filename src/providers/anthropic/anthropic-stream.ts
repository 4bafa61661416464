import type { ProviderStreamPart } from '../spec/index.js';
import { InvalidResponseError } from '../../errors/errors.js';
import { decodeSseBatches } from '../../transport/sse.js';
import type { TransportResponse } from '../../transport/transport.js';
import { batchedPartStream, type BatchedPartStream } from '../shared/part-batches.js';
import type {
  AnthropicErrorEnvelope,
  AnthropicResponseBlock,
  AnthropicResponseBody,
  AnthropicUsage,
} from './anthropic-wire-types.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';
import { anthropicStreamError, type AnthropicErrorSource } from './parse-anthropic-error.js';
import { parseAnthropicToolInput } from './parse-anthropic-tool-input.js';

/** One server-sent Messages API event, loosely typed: unknown fields and types are skipped. */
type AnthropicStreamEvent = AnthropicErrorEnvelope & {
  type?: string;
  index?: number;
  message?: AnthropicResponseBody;
  content_block?: AnthropicResponseBlock;
  delta?: {
    type?: string;
    text?: string;
    thinking?: string;
    signature?: string;
    partial_json?: string;
    stop_reason?: string | null;
  };
  usage?: AnthropicUsage;
};

/** A content block that started and has not stopped yet, keyed by its `index`. */
type OpenBlock =
  | { kind: 'text' }
  | { kind: 'thinking'; text: string; signature: string }
  | { kind: 'redacted'; data: string }
  | { kind: 'tool'; id: string; name: string; json: string; toolIndex: number };

const HANDLED_EVENTS = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'error',
]);

/**
 * Turns a 200 Messages API SSE body into adapter stream parts. `ping` and unknown event, block and
 * delta types are skipped; `tool_use` input is assembled per block index and parsed at
 * `content_block_stop`; usage is the cumulative `message_delta` value over `message_start`'s; the
 * `finish` part comes only at `message_stop`. A tool block still open at `message_stop` (a
 * `max_tokens` cut) is yielded as `tool-call-incomplete`. An in-band `event: error` throws the
 * typed error; a body that ends before `message_stop` or carries malformed JSON throws
 * `InvalidResponseError`. Leaving the loop early closes the response. The stream also offers its
 * parts one network read at a time to the client (see `partBatches`).
 */
export function streamAnthropicParts(response: TransportResponse, source: AnthropicErrorSource, maxEventBytes?: number): BatchedPartStream {
  return batchedPartStream(streamAnthropicBatches(response, source, maxEventBytes));
}

/** The parts of each network read together; parts read before an error are yielded before it is thrown. */
async function* streamAnthropicBatches(
  response: TransportResponse,
  source: AnthropicErrorSource,
  maxEventBytes: number | undefined,
): AsyncGenerator<ProviderStreamPart[]> {
  const requestId = response.header('request-id');
  const blocks = new Map<number, OpenBlock>();
  const usage: AnthropicUsage = {};
  let stopReason: string | null | undefined;
  let hasEmittedOutput = false;
  let hasEmittedMetadata = false;
  let toolCount = 0;
  const details = () => ({ ...source, ...(requestId !== undefined ? { requestId } : {}), hasEmittedOutput });
  let parts: ProviderStreamPart[] = [];
  try {
    for await (const batch of decodeSseBatches(response.body, maxEventBytes)) {
      for (const sse of batch) {
        const name = sse.event;
        if (name === 'ping') continue;
        if (name === 'raw') {
          // A bare JSON line outside SSE framing (a proxy's error body): act on it only if it is an error.
          const raw = tryParse(sse.data);
          if (raw?.type === 'error' && raw.error) throw anthropicStreamError(raw, details());
          continue;
        }
        if (name !== undefined && !HANDLED_EVENTS.has(name)) continue;
        const event = tryParse(sse.data);
        if (event === undefined) throw new InvalidResponseError(`malformed JSON in \`${name ?? 'message'}\` event`, details());
        switch (event.type) {
          case 'message_start': {
            const message = event.message;
            if (message?.usage) Object.assign(usage, message.usage);
            if (!hasEmittedMetadata) {
              hasEmittedMetadata = true;
              parts.push({
                type: 'response-metadata',
                ...(typeof message?.model === 'string' ? { model: message.model } : {}),
                ...(requestId !== undefined ? { requestId } : {}),
                ...(typeof message?.id === 'string' ? { responseId: message.id } : {}),
              });
            }
            // Input tokens are billed from here on: report them, in case the stream breaks.
            if (message?.usage) parts.push({ type: 'usage', usage: mapAnthropicUsage(usage) });
            break;
          }
          case 'content_block_start': {
            const block = event.content_block;
            if (typeof event.index !== 'number' || !block) break;
            switch (block.type) {
              case 'text':
                blocks.set(event.index, { kind: 'text' });
                if (block.text) {
                  hasEmittedOutput = true;
                  parts.push({ type: 'text-delta', text: block.text });
                }
                break;
              case 'thinking':
                blocks.set(event.index, { kind: 'thinking', text: block.thinking ?? '', signature: block.signature ?? '' });
                if (block.thinking) {
                  hasEmittedOutput = true;
                  parts.push({ type: 'reasoning-delta', text: block.thinking });
                }
                break;
              case 'redacted_thinking':
                blocks.set(event.index, { kind: 'redacted', data: block.data ?? '' });
                break;
              case 'tool_use': {
                // `content_block.input` is always `{}` here; the input arrives as `input_json_delta`s.
                const tool: Extract<OpenBlock, { kind: 'tool' }> = {
                  kind: 'tool',
                  id: block.id ?? '',
                  name: block.name ?? '',
                  json: '',
                  toolIndex: toolCount++,
                };
                blocks.set(event.index, tool);
                hasEmittedOutput = true;
                parts.push({ type: 'tool-call-delta', index: tool.toolIndex, id: tool.id, name: tool.name, argsTextDelta: '' });
                break;
              }
            }
            break;
          }
          case 'content_block_delta': {
            const delta = event.delta;
            const block = typeof event.index === 'number' ? blocks.get(event.index) : undefined;
            if (!delta || !block) break;
            if (delta.type === 'text_delta' && block.kind === 'text') {
              if (delta.text) {
                hasEmittedOutput = true;
                parts.push({ type: 'text-delta', text: delta.text });
              }
            } else if (delta.type === 'thinking_delta' && block.kind === 'thinking') {
              if (delta.thinking) {
                block.text += delta.thinking;
                hasEmittedOutput = true;
                parts.push({ type: 'reasoning-delta', text: delta.thinking });
              }
            } else if (delta.type === 'signature_delta' && block.kind === 'thinking') {
              block.signature += delta.signature ?? '';
            } else if (delta.type === 'input_json_delta' && block.kind === 'tool') {
              if (delta.partial_json) {
                block.json += delta.partial_json;
                parts.push({ type: 'tool-call-delta', index: block.toolIndex, id: block.id, name: block.name, argsTextDelta: delta.partial_json });
              }
            }
            break;
          }
          case 'content_block_stop': {
            if (typeof event.index !== 'number') break;
            const block = blocks.get(event.index);
            if (!block) break;
            blocks.delete(event.index);
            if (block.kind === 'tool') {
              const parsed = parseAnthropicToolInput(block.json);
              parts.push({
                type: 'tool-call',
                toolCall:
                  parsed.argsText === undefined
                    ? { id: block.id, name: block.name, args: parsed.args }
                    : { id: block.id, name: block.name, args: parsed.args, argsText: parsed.argsText },
              });
            } else if (block.kind !== 'text') {
              hasEmittedOutput = true;
              parts.push(closeReasoning(block));
            }
            break;
          }
          case 'message_delta':
            if (event.delta && event.delta.stop_reason !== undefined) stopReason = event.delta.stop_reason;
            // Cumulative: each field present replaces the earlier value.
            if (event.usage) {
              for (const key of USAGE_KEYS) {
                const value = event.usage[key];
                if (typeof value === 'number') usage[key] = value;
              }
              if (event.usage.cache_creation) usage.cache_creation = event.usage.cache_creation;
            }
            break;
          case 'message_stop':
            // The answer is complete: hand the rest of the body back so the socket can be reused.
            response.release?.();
            // Blocks never stopped were cut off (max_tokens): an open tool call is never valid.
            // A Map iterates in insertion order, which is block start order.
            for (const block of blocks.values()) {
              if (block.kind === 'tool') {
                parts.push({ type: 'tool-call-incomplete', toolCall: { id: block.id, name: block.name, argsText: block.json } });
              } else if (block.kind !== 'text') {
                parts.push(closeReasoning(block));
              }
            }
            parts.push({
              type: 'finish',
              finishReason: mapAnthropicStopReason(stopReason),
              ...(typeof stopReason === 'string' ? { rawFinishReason: stopReason } : {}),
              usage: mapAnthropicUsage(usage),
            });
            yield parts;
            return;
          case 'error':
            throw anthropicStreamError(event, details());
        }
      }
      if (parts.length > 0) {
        const ready = parts;
        parts = [];
        yield ready;
      }
    }
    throw new InvalidResponseError('stream ended before `message_stop`', details());
  } catch (error) {
    // What was read before the error reaches the consumer first, as it would part by part.
    if (parts.length > 0) yield parts;
    throw error;
  } finally {
    response.cancel();
  }
}

const USAGE_KEYS = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const;

function closeReasoning(block: Extract<OpenBlock, { kind: 'thinking' | 'redacted' }>): ProviderStreamPart {
  if (block.kind === 'redacted') {
    return { type: 'reasoning-part', reasoning: { type: 'reasoning', text: '', redactedData: block.data, provider: 'anthropic' } };
  }
  return {
    type: 'reasoning-part',
    reasoning: block.signature
      ? { type: 'reasoning', text: block.text, signature: block.signature, provider: 'anthropic' }
      : { type: 'reasoning', text: block.text, provider: 'anthropic' },
  };
}

function tryParse(data: string): AnthropicStreamEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as AnthropicStreamEvent) : undefined;
  } catch {
    return undefined;
  }
}
