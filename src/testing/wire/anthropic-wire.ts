import type { FinishReason } from '../../client/types.js';
import {
  argsObject,
  lastOf,
  type Frame,
  type WireContent,
  type WireErrorKind,
  type WireErrorOptions,
  type WireProtocol,
  type WireReply,
} from './wire-protocol.js';

/** Builds Anthropic's error body: `{"type":"error","error":{"type":…,"message":…},"request_id":…}`. */
export function anthropicErrorBody(fields: { readonly type: string; readonly message: string; readonly requestId?: string }): string {
  return JSON.stringify({
    type: 'error',
    error: { type: fields.type, message: fields.message },
    ...(fields.requestId !== undefined ? { request_id: fields.requestId } : {}),
  });
}

const STOP_REASONS: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
  error: 'end_turn',
  other: 'end_turn',
};

function frame(event: string, payload: unknown, kind: Frame['kind']): Frame {
  return { data: `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`, kind };
}

// The API writes ping with a space after the colon, unlike every other event.
const PING: Frame = { data: 'event: ping\ndata: {"type": "ping"}\n\n', kind: 'preamble' };
const MESSAGE_STOP = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

/** An opaque thinking signature, stable for a given response id. */
function signatureFor(content: WireContent): string {
  return Buffer.from(`provider-server-signature:${content.responseId}`).toString('base64');
}

function errorFields(kind: WireErrorKind, options: WireErrorOptions): { status: number; type: string; message: string } {
  switch (kind) {
    case 'rate-limit':
      return {
        status: 429,
        type: 'rate_limit_error',
        message: 'Number of requests has exceeded your per-minute rate limit (https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. Please try again later.',
      };
    case 'server':
      return { status: options.status ?? 500, type: 'api_error', message: 'Internal server error' };
    case 'overloaded':
      return { status: options.status ?? 529, type: 'overloaded_error', message: 'Overloaded' };
    case 'context-length':
      return { status: 400, type: 'invalid_request_error', message: 'prompt is too long: 215043 tokens > 200000 maximum' };
    case 'content-policy':
      return { status: 400, type: 'invalid_request_error', message: 'Output blocked by content filtering policy' };
    case 'prefill':
      return {
        status: 400,
        type: 'invalid_request_error',
        message: 'This model does not support assistant message prefill. The conversation must end with a user message.',
      };
    case 'status': {
      const status = options.status ?? 500;
      return { status, type: statusType(status), message: options.message ?? statusMessage(status) };
    }
  }
}

function statusType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

function statusMessage(status: number): string {
  if (status === 401) return 'invalid x-api-key';
  if (status === 404) return 'model: not found';
  if (status === 503 || status === 529) return 'Overloaded';
  return status >= 500 ? 'Internal server error' : 'Invalid request';
}

/** Anthropic Messages, as api.anthropic.com sends it. */
export const anthropicWire: WireProtocol = {
  name: 'anthropic',
  toolIdPrefix: 'toolu_01',

  streamHeaders(content) {
    return {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': content.requestId,
      'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
    };
  },

  streamFrames(content) {
    const frames: Frame[] = [
      frame(
        'message_start',
        {
          type: 'message_start',
          message: {
            id: content.responseId,
            type: 'message',
            role: 'assistant',
            model: content.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: content.usage.inputTokens,
              cache_creation_input_tokens: 0,
              cache_read_input_tokens: 0,
              output_tokens: 1,
              service_tier: 'standard',
            },
          },
        },
        'preamble',
      ),
    ];
    let index = 0;
    const startBlock = (block: Record<string, unknown>, kind: Frame['kind']) => {
      frames.push(frame('content_block_start', { type: 'content_block_start', index, content_block: block }, kind));
      if (index === 0) frames.push(PING);
    };
    const delta = (value: Record<string, unknown>, kind: Frame['kind']) =>
      frames.push(frame('content_block_delta', { type: 'content_block_delta', index, delta: value }, kind));
    const stopBlock = () => {
      frames.push(frame('content_block_stop', { type: 'content_block_stop', index }, 'structure'));
      index++;
    };
    if (content.reasoningChunks.length > 0) {
      startBlock({ type: 'thinking', thinking: '', signature: '' }, index === 0 ? 'preamble' : 'structure');
      for (const thinking of content.reasoningChunks) delta({ type: 'thinking_delta', thinking }, 'content');
      delta({ type: 'signature_delta', signature: signatureFor(content) }, 'structure');
      stopBlock();
    }
    if (content.textChunks.length > 0 || content.toolCalls.length === 0) {
      startBlock({ type: 'text', text: '' }, index === 0 ? 'preamble' : 'structure');
      for (const text of content.textChunks) delta({ type: 'text_delta', text }, 'content');
      stopBlock();
    }
    content.toolCalls.forEach((call, position) => {
      startBlock({ type: 'tool_use', id: call.id, name: call.name, input: {} }, 'content');
      delta({ type: 'input_json_delta', partial_json: '' }, 'structure');
      for (const partial of call.argsChunks) delta({ type: 'input_json_delta', partial_json: partial }, 'content');
      // A max_tokens cut inside a tool call leaves its block open, as the API does.
      const isCut = content.finishReason === 'length' && position === content.toolCalls.length - 1;
      if (!isCut) stopBlock();
    });
    frames.push(
      frame(
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: STOP_REASONS[content.finishReason], stop_sequence: null },
          usage: { output_tokens: content.usage.outputTokens },
        },
        'closing',
      ),
    );
    frames.push({ data: MESSAGE_STOP, kind: 'closing' });
    return frames;
  },

  dropTerminator(frames) {
    return frames.filter((candidate) => candidate.data !== MESSAGE_STOP);
  },

  jsonHeaders(content) {
    return {
      'content-type': 'application/json',
      'request-id': content.requestId,
      'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
    };
  },

  jsonBody(content) {
    const blocks: unknown[] = [];
    if (content.reasoningChunks.length > 0) {
      blocks.push({ type: 'thinking', thinking: content.reasoningChunks.join(''), signature: signatureFor(content) });
    }
    const text = content.textChunks.join('');
    if (text !== '' || content.toolCalls.length === 0) blocks.push({ type: 'text', text });
    for (const call of content.toolCalls) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: argsObject(call.argsText) });
    return JSON.stringify({
      model: content.model,
      id: content.responseId,
      type: 'message',
      role: 'assistant',
      content: blocks,
      stop_reason: STOP_REASONS[content.finishReason],
      stop_sequence: null,
      usage: {
        input_tokens: content.usage.inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: content.usage.outputTokens,
        service_tier: 'standard',
      },
    });
  },

  error(kind, options): WireReply {
    const { status, type, message } = errorFields(kind, options);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': options.requestId };
    if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
    if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(options.retryAfterMs);
    if (options.resetMs !== undefined) {
      headers['anthropic-ratelimit-requests-limit'] = '50';
      headers['anthropic-ratelimit-requests-remaining'] = '0';
      headers['anthropic-ratelimit-requests-reset'] = new Date(Date.now() + options.resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    return { status, headers, body: anthropicErrorBody({ type, message, requestId: options.requestId }) };
  },

  inBandError(type, options) {
    const { type: errorType, message } = errorFields(type === 'rate_limit' ? 'rate-limit' : type === 'server' ? 'server' : 'overloaded', options);
    // As captured from the API: `details: null` and whitespace padding before the last brace, then EOF.
    const payload = JSON.stringify({ type: 'error', error: { details: null, type: errorType, message } });
    return `event: error\ndata: ${payload.slice(0, -1)}              }\n\n`;
  },

  malformedFrame() {
    return 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\n\n';
  },

  endsWithAssistant(body) {
    return lastOf((body as { messages?: unknown } | null)?.messages)?.role === 'assistant';
  },
};
