import type { FinishReason } from '../../client/types.js';
import {
  argsObject,
  lastOf,
  type WireContent,
  type WireErrorKind,
  type WireErrorOptions,
  type WireProtocol,
  type WireReply,
} from './wire-protocol.js';

/** Builds Gemini's error body (`google.rpc.Status`), pretty-printed as the API does. */
export function geminiErrorBody(fields: {
  readonly code: number;
  readonly message: string;
  readonly status: string;
  readonly details?: readonly unknown[];
}): string {
  return JSON.stringify(
    { error: { code: fields.code, message: fields.message, status: fields.status, ...(fields.details ? { details: fields.details } : {}) } },
    null,
    2,
  );
}

/**
 * Serializes like Gemini's stream chunks: `": "` after keys, nothing after commas
 * (`{"candidates": [{"content": {"parts": [{"text": "The"}],"role": "model"}}]}`).
 */
export function googleJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(googleJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields: string[] = [];
    for (const [key, field] of Object.entries(value)) {
      if (field !== undefined) fields.push(`${JSON.stringify(key)}: ${googleJson(field)}`);
    }
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}

const FINISH_REASONS: Record<FinishReason, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  // Gemini has no tool-call finish reason: calls end with STOP.
  'tool-calls': 'STOP',
  'content-filter': 'SAFETY',
  error: 'OTHER',
  other: 'OTHER',
};

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function usageMetadata(content: WireContent, isFinal: boolean): Record<string, unknown> {
  const { inputTokens, outputTokens, reasoningTokens } = content.usage;
  const promptTokensDetails = [{ modality: 'TEXT', tokenCount: inputTokens }];
  // Early chunks carry only the prompt count; the last one has the full snapshot.
  if (!isFinal) return { promptTokenCount: inputTokens, totalTokenCount: inputTokens, promptTokensDetails };
  const candidates = Math.max(0, outputTokens - reasoningTokens);
  return {
    promptTokenCount: inputTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: inputTokens + outputTokens,
    promptTokensDetails,
    candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: candidates }],
    ...(reasoningTokens > 0 ? { thoughtsTokenCount: reasoningTokens } : {}),
  };
}

function functionCallParts(content: WireContent): Record<string, unknown>[] {
  return content.toolCalls.map((call) => ({
    functionCall: {
      name: call.name,
      args: argsObject(call.argsText),
      ...(content.hasExplicitToolIds ? { id: call.id } : {}),
    },
  }));
}

function response(content: WireContent, parts: readonly unknown[], isFinal: boolean): Record<string, unknown> {
  return {
    candidates: [
      {
        content: { parts, role: 'model' },
        ...(isFinal ? { finishReason: FINISH_REASONS[content.finishReason] } : {}),
      },
    ],
    usageMetadata: usageMetadata(content, isFinal),
    modelVersion: content.model,
    responseId: content.responseId,
  };
}

function errorFields(kind: WireErrorKind, options: WireErrorOptions): { code: number; message: string; details?: unknown[] } {
  switch (kind) {
    case 'rate-limit': {
      const delayMs = options.retryAfterMs ?? (options.retryAfterSeconds !== undefined ? options.retryAfterSeconds * 1000 : undefined);
      const details: unknown[] = [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }],
        },
      ];
      if (delayMs !== undefined) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${delayMs / 1000}s` });
      return {
        code: 429,
        message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
        details,
      };
    }
    case 'server':
      return { code: options.status ?? 500, message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting' };
    case 'overloaded':
      return { code: options.status ?? 503, message: 'The model is overloaded. Please try again later.' };
    case 'context-length':
      return { code: 400, message: 'The input token count (1250000) exceeds the maximum number of tokens allowed (1048576).' };
    case 'content-policy':
      return { code: 400, message: 'The request was blocked because it violates the content policy (PROHIBITED_CONTENT).' };
    case 'prefill':
      return { code: 400, message: 'Please ensure that multiturn requests end with a user role or a function response.' };
    case 'status': {
      const code = options.status ?? 500;
      return { code, message: options.message ?? (code >= 500 ? 'Internal error encountered.' : 'Request contains an invalid argument.') };
    }
  }
}

/** Gemini API (`generateContent`, `streamGenerateContent?alt=sse`), as generativelanguage.googleapis.com sends it. */
export const geminiWire: WireProtocol = {
  name: 'gemini',
  toolIdPrefix: 'fc_',

  streamHeaders(content) {
    return { 'content-type': content.isSse ? 'text/event-stream' : 'application/json; charset=UTF-8', 'cache-control': 'no-cache' };
  },

  streamFrames(content) {
    const chunks: unknown[][] = [];
    for (const text of content.reasoningChunks) chunks.push([{ text, thought: true }]);
    for (const text of content.textChunks) chunks.push([{ text }]);
    // Gemini sends function calls whole, all in one chunk.
    if (content.toolCalls.length > 0) chunks.push(functionCallParts(content));
    if (chunks.length === 0) chunks.push([{ text: '' }]);
    return chunks.map((parts, index) => {
      const json = googleJson(response(content, parts, index === chunks.length - 1));
      if (content.isSse) return { data: `data: ${json}\r\n\r\n`, kind: 'content' };
      // Without alt=sse the endpoint streams one JSON array.
      const prefix = index === 0 ? '[' : ',\r\n';
      const suffix = index === chunks.length - 1 ? ']' : '';
      return { data: `${prefix}${json}${suffix}`, kind: 'content' };
    });
  },

  dropTerminator() {
    // Gemini ends on EOF, so a missing end is an empty body right after the headers.
    return [];
  },

  jsonHeaders() {
    return { 'content-type': 'application/json; charset=UTF-8' };
  },

  jsonBody(content) {
    const parts: unknown[] = [];
    const reasoning = content.reasoningChunks.join('');
    if (reasoning) parts.push({ text: reasoning, thought: true });
    const text = content.textChunks.join('');
    if (text || content.toolCalls.length === 0) parts.push({ text });
    parts.push(...functionCallParts(content));
    return JSON.stringify(response(content, parts, true), null, 2);
  },

  error(kind, options): WireReply {
    const { code, message, details } = errorFields(kind, options);
    return {
      status: code,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: geminiErrorBody({ code, message, status: STATUS_NAMES[code] ?? (code >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT'), ...(details ? { details } : {}) }),
    };
  },

  inBandError(type, options) {
    const kind = type === 'rate_limit' ? 'rate-limit' : type === 'server' ? 'server' : 'overloaded';
    const { code, message } = errorFields(kind, options);
    // A bare JSON object with no `data:` framing, as the API sends it after a 200.
    return `${geminiErrorBody({ code, message, status: STATUS_NAMES[code] ?? 'INTERNAL' })}\n`;
  },

  malformedFrame() {
    return 'data: {"candidates": [{"content": {"parts": [{"text": \r\n\r\n';
  },

  endsWithAssistant(body) {
    return lastOf((body as { contents?: unknown } | null)?.contents)?.role === 'model';
  },
};
