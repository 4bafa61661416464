import type { FinishReason } from '../../client/types.js';
import { lastOf, type Frame, type WireContent, type WireErrorKind, type WireErrorOptions, type WireProtocol, type WireReply } from './wire-protocol.js';

/** The fields of OpenAI's error envelope `{"error":{message,type,param,code}}`. */
export type OpenAIErrorFields = {
  readonly message: string;
  readonly type: string;
  readonly param?: string | null;
  readonly code?: string | null;
};

/** Builds OpenAI's error body: `{"error":{"message":…,"type":…,"param":…,"code":…}}`, pretty-printed as the API does. */
export function openaiErrorBody(fields: OpenAIErrorFields): string {
  return JSON.stringify(
    { error: { message: fields.message, type: fields.type, param: fields.param ?? null, code: fields.code ?? null } },
    null,
    2,
  );
}

const FINISH_REASONS: Record<FinishReason, string> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
};

const SYSTEM_FINGERPRINT = 'fp_7e1c4d2a90';

function frame(payload: unknown, kind: Frame['kind']): Frame {
  return { data: `data: ${JSON.stringify(payload)}\n\n`, kind };
}

function usageObject(content: WireContent): Record<string, unknown> {
  const { inputTokens, outputTokens, reasoningTokens } = content.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function errorFields(kind: WireErrorKind, options: WireErrorOptions): { status: number; fields: OpenAIErrorFields } {
  switch (kind) {
    case 'rate-limit':
      return {
        status: 429,
        fields: {
          message: `Rate limit reached for ${options.model} in organization org-provider-server on requests per min (RPM): Limit 500, Used 500, Requested 1. Visit https://platform.openai.com/account/rate-limits to learn more.`,
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
      };
    case 'server':
      return {
        status: options.status ?? 500,
        fields: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error' },
      };
    case 'overloaded':
      return {
        status: options.status ?? 503,
        fields: {
          message: 'That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
          type: 'server_error',
          code: 'server_overloaded',
        },
      };
    case 'context-length':
      return {
        status: 400,
        fields: {
          message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      };
    case 'content-policy':
      return {
        status: 400,
        fields: {
          message: 'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
          type: 'invalid_request_error',
          code: 'content_policy_violation',
        },
      };
    case 'prefill':
      return {
        status: 400,
        fields: {
          message: "This model does not support assistant message prefill. The last message must have role 'user' or 'tool'.",
          type: 'invalid_request_error',
          param: 'messages',
        },
      };
    case 'status':
      return { status: options.status ?? 500, fields: statusFields(options.status ?? 500, options) };
  }
}

function statusFields(status: number, options: WireErrorOptions): OpenAIErrorFields {
  const message = options.message;
  if (status === 401) return { message: message ?? 'Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 403) return { message: message ?? 'You are not allowed to sample from this model', type: 'invalid_request_error', code: 'model_not_allowed' };
  if (status === 404) return { message: message ?? `The model \`${options.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', code: 'model_not_found' };
  if (status === 429) return { message: message ?? 'Rate limit reached.', type: 'requests', code: 'rate_limit_exceeded' };
  if (status >= 500) return { message: message ?? 'The server had an error while processing your request. Sorry about that!', type: 'server_error' };
  return { message: message ?? 'Invalid request.', type: 'invalid_request_error' };
}

/** OpenAI Chat Completions and Embeddings, as api.openai.com sends them. */
export const openaiWire: WireProtocol = {
  name: 'openai',
  toolIdPrefix: 'call_',

  streamHeaders(content) {
    return {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': content.requestId,
      'openai-version': '2020-10-01',
      'openai-processing-ms': '12',
    };
  },

  streamFrames(content) {
    const base = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
      id: content.responseId,
      object: 'chat.completion.chunk',
      created: content.created,
      model: content.model,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...(content.includeUsage ? { usage: null } : {}),
      ...extra,
    });
    const choice = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });
    const hasText = content.textChunks.length > 0 || content.toolCalls.length === 0;
    const frames: Frame[] = [];
    // Without text, the first tool call rides on the role chunk, as the API sends it.
    if (hasText) frames.push(frame(base([choice({ role: 'assistant', content: '', refusal: null })]), 'preamble'));
    for (const text of content.textChunks) frames.push(frame(base([choice({ content: text })]), 'content'));
    content.toolCalls.forEach((call, index) => {
      const head = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
      const delta = !hasText && index === 0 ? { role: 'assistant', content: null, tool_calls: [head], refusal: null } : { tool_calls: [head] };
      frames.push(frame(base([choice(delta)]), 'content'));
      for (const argsText of call.argsChunks) {
        frames.push(frame(base([choice({ tool_calls: [{ index, function: { arguments: argsText } }] })]), 'content'));
      }
    });
    frames.push(frame(base([choice({}, FINISH_REASONS[content.finishReason])]), 'closing'));
    if (content.includeUsage) frames.push(frame({ ...base([]), usage: usageObject(content) }, 'closing'));
    frames.push({ data: 'data: [DONE]\n\n', kind: 'closing' });
    return frames;
  },

  dropTerminator(frames) {
    return frames.filter((candidate) => candidate.data !== 'data: [DONE]\n\n');
  },

  jsonHeaders(content) {
    return {
      'content-type': 'application/json',
      'x-request-id': content.requestId,
      'openai-version': '2020-10-01',
      'openai-processing-ms': '12',
    };
  },

  jsonBody(content) {
    const text = content.textChunks.join('');
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: text === '' && content.toolCalls.length > 0 ? null : text,
      refusal: null,
    };
    if (content.toolCalls.length > 0) {
      message.tool_calls = content.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.argsText },
      }));
    }
    message.annotations = [];
    return JSON.stringify(
      {
        id: content.responseId,
        object: 'chat.completion',
        created: content.created,
        model: content.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: FINISH_REASONS[content.finishReason] }],
        usage: usageObject(content),
        service_tier: 'default',
        system_fingerprint: SYSTEM_FINGERPRINT,
      },
      null,
      2,
    );
  },

  error(kind, options): WireReply {
    const { status, fields } = errorFields(kind, options);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': options.requestId,
      'openai-version': '2020-10-01',
    };
    if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
    if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(options.retryAfterMs);
    if (options.resetMs !== undefined) {
      headers['x-ratelimit-limit-requests'] = '500';
      headers['x-ratelimit-remaining-requests'] = '0';
      headers['x-ratelimit-reset-requests'] = `${options.resetMs}ms`;
    }
    return { status, headers, body: openaiErrorBody(fields) };
  },

  inBandError(type, options) {
    const { fields } = errorFields(type === 'rate_limit' ? 'rate-limit' : type === 'server' ? 'server' : 'overloaded', options);
    // As captured from the API: the error event, then the usual [DONE].
    return `data: ${JSON.stringify({ error: { message: fields.message, type: fields.type, param: fields.param ?? null, code: fields.code ?? null } })}\n\ndata: [DONE]\n\n`;
  },

  malformedFrame(content) {
    return `data: {"id":"${content.responseId}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\n\n`;
  },

  endsWithAssistant(body) {
    return lastOf((body as { messages?: unknown } | null)?.messages)?.role === 'assistant';
  },
};
