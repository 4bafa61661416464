import type { Attempt } from '../client/types.js';

/** Stable error codes, one per failure kind. Codes never change once released. */
export type ErrorCode =
  | 'RLLM_INVALID_ARGUMENT'
  | 'RLLM_RATE_LIMITED'
  | 'RLLM_QUOTA_EXCEEDED'
  | 'RLLM_OVERLOADED'
  | 'RLLM_SERVER_ERROR'
  | 'RLLM_TIMEOUT'
  | 'RLLM_CONNECTION'
  | 'RLLM_AUTHENTICATION'
  | 'RLLM_PERMISSION_DENIED'
  | 'RLLM_BAD_REQUEST'
  | 'RLLM_NOT_FOUND'
  | 'RLLM_CONTEXT_WINDOW_EXCEEDED'
  | 'RLLM_CONTENT_FILTERED'
  | 'RLLM_INVALID_RESPONSE'
  | 'RLLM_STREAM_INTERRUPTED'
  | 'RLLM_CIRCUIT_OPEN'
  | 'RLLM_ALL_DEPLOYMENTS_FAILED'
  | 'RLLM_TOOL_INPUT_INVALID'
  | 'RLLM_TOOL_REPAIR_EXHAUSTED'
  | 'RLLM_BUDGET_EXCEEDED'
  | 'RLLM_PROVIDER_ERROR'
  | 'RLLM_TENANT_QUOTA'
  | 'RLLM_STATE_STORE_UNAVAILABLE'
  | 'RLLM_MISSING_PEER_DEPENDENCY'
  | 'RLLM_CLIENT_CLOSED'
  | 'RLLM_SHED';

/** Fields every error may carry. All are data, never prose to parse. */
export type ErrorDetails = {
  readonly provider?: string;
  readonly model?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  /** The vendor's own error type or code (`overloaded_error`, `rate_limit_exceeded`, …). */
  readonly providerCode?: string;
  /** True when a stream had already emitted content before it failed. */
  readonly hasEmittedOutput?: boolean;
  readonly cause?: unknown;
};

const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,})/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /(bearer\s+)[^\s"',]+/gi,
  /((?:x-api-key|x-goog-api-key|api[-_]?key|authorization)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /([?&]key=)[^&\s"']+/gi,
];

const registeredSecrets = new Set<string>();

/**
 * Registers a secret (an API key) so it is scrubbed from every error message and `toJSON()`.
 * Adapters call this with the keys they are given.
 */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6) registeredSecrets.add(secret);
}

/** Removes registered secrets and anything shaped like a key or auth header from `text`. */
export function redact(text: string): string {
  let result = text;
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match, prefix: string) =>
      prefix && prefix !== match ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return result;
}

/** The base class of every error this library throws. Switch on `code`, not on the class name. */
export class ResilientLLMError extends Error {
  override readonly name: string = 'ResilientLLMError';
  readonly code: ErrorCode;
  /** Whether trying the same deployment again may succeed. */
  readonly isRetryable: boolean;
  readonly provider?: string;
  readonly model?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  readonly providerCode?: string;
  readonly hasEmittedOutput?: boolean;
  /** Set (not initialized, so errors stay plain) by `withAttempts`. */
  declare private callAttempts?: readonly Attempt[];

  constructor(code: ErrorCode, message: string, isRetryable: boolean, details: ErrorDetails = {}) {
    super(redact(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.isRetryable = isRetryable;
    if (details.provider !== undefined) this.provider = details.provider;
    if (details.model !== undefined) this.model = details.model;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.providerCode !== undefined) this.providerCode = details.providerCode;
    if (details.hasEmittedOutput !== undefined) this.hasEmittedOutput = details.hasEmittedOutput;
  }

  /** Every attempt of the call, on the error a failed call throws; undefined on an adapter's own error. */
  get attempts(): readonly Attempt[] | undefined {
    return this.callAttempts;
  }

  /** Attaches the call's attempts (the client does, to the error a failed call throws). */
  withAttempts(attempts: readonly Attempt[]): this {
    this.callAttempts = attempts;
    return this;
  }

  /** A plain, log-safe object: no keys, no auth headers, no request bodies. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
      isRetryable: this.isRetryable,
    };
    for (const key of ['provider', 'model', 'status', 'retryAfterMs', 'requestId', 'providerCode', 'hasEmittedOutput'] as const) {
      if (this[key] !== undefined) json[key] = this[key];
    }
    const cause = (this as { cause?: unknown }).cause;
    if (cause !== undefined) {
      json.cause =
        cause instanceof ResilientLLMError
          ? cause.toJSON()
          : cause instanceof Error
            ? { name: cause.name, message: redact(cause.message) }
            : redact(String(cause));
    }
    return json;
  }
}

/** Builds the standard message `"<provider>/<model>: <what> (HTTP <status>)"`. */
export function describe(details: ErrorDetails, what: string): string {
  const where = details.provider ? `${details.provider}${details.model ? `/${details.model}` : ''}: ` : '';
  const status = details.status !== undefined ? ` (HTTP ${details.status})` : '';
  return `${where}${what}${status}`;
}
