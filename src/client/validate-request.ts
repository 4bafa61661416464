import { z } from 'zod';
import { InvalidArgumentError } from '../errors/errors.js';
import { unknownKeyError } from '../policy/validate-option.js';
import type { NormalizedChatRequest as ChatRequest } from './types.js';

// Built on first use, not at import: making these ~40 schemas costs more than loading the rest of
// the client, and most requests never need them (see `isPlainChatRequest`).
function buildChatRequestSchema() {
  const jsonObject = z.record(z.string(), z.unknown());
  const cacheControl = z.object({ ttl: z.enum(['5m', '1h']).optional() });
  const text = z.object({ type: z.literal('text'), text: z.string() });
  const image = z.object({
    type: z.literal('image'),
    image: z.union([z.string().min(1), z.instanceof(Uint8Array)]),
    mediaType: z.string().optional(),
  });
  const toolCall = z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    args: z.unknown(),
    argsText: z.string().optional(),
    providerMetadata: jsonObject.optional(),
  });
  const reasoning = z.object({
    type: z.literal('reasoning'),
    text: z.string(),
    signature: z.string().optional(),
    redactedData: z.string().optional(),
    provider: z.string().optional(),
    providerMetadata: jsonObject.optional(),
  });

  const message = z.discriminatedUnion('role', [
    z.object({ role: z.literal('system'), content: z.string(), cacheControl: cacheControl.optional() }),
    z.object({
      role: z.literal('user'),
      content: z.union([z.string(), z.array(z.discriminatedUnion('type', [text, image])).min(1)]),
      cacheControl: cacheControl.optional(),
    }),
    z.object({
      role: z.literal('assistant'),
      content: z.string().nullable().optional(),
      toolCalls: z.array(toolCall).optional(),
      reasoning: z.array(reasoning).optional(),
      cacheControl: cacheControl.optional(),
      providerMetadata: jsonObject.optional(),
    }),
    z.object({
      role: z.literal('tool'),
      toolCallId: z.string().min(1),
      toolName: z.string().optional(),
      content: z.unknown(),
      isError: z.boolean().optional(),
      cacheControl: cacheControl.optional(),
    }),
  ]);

  const toolSpec = z.object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a tool name of 1-64 letters, digits, _ . or -'),
    description: z.string().optional(),
    parameters: jsonObject,
    strict: z.boolean().optional(),
    cacheControl: cacheControl.optional(),
  });

  return z.object({
    model: z.string().min(1),
    messages: z.array(message).min(1),
    tools: z.array(toolSpec).optional(),
    toolChoice: z.union([z.enum(['auto', 'none', 'required']), z.object({ name: z.string().min(1) })]).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    topP: z.number().min(0).max(1).optional(),
    stop: z.union([z.string(), z.array(z.string()).max(16)]).optional(),
    seed: z.number().int().optional(),
    responseFormat: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }),
        z.object({ type: z.literal('json') }),
        z.object({
          type: z.literal('json_schema'),
          schema: jsonObject,
          name: z.string().optional(),
          description: z.string().optional(),
          strict: z.boolean().optional(),
        }),
      ])
      .optional(),
    providerOptions: z.record(z.string(), jsonObject).optional(),
  }).strict();
}

let schema: ReturnType<typeof buildChatRequestSchema> | undefined;

/** The zod schema every request is checked against before anything is sent (made once, on first use). */
export function chatRequestSchema(): ReturnType<typeof buildChatRequestSchema> {
  return (schema ??= buildChatRequestSchema());
}

/** Top-level request fields, for the suggestion on a misspelt one (the tool-loop fields included). */
const requestFields = (): readonly string[] => [...Object.keys(chatRequestSchema().shape), 'schema', 'schemaName', 'maxToolRepairs', 'escalate'];
/** Call options put in the request by mistake: the message points to the second argument instead. */
const CALL_OPTION_NAMES: ReadonlySet<string> = new Set(['signal', 'deadlineMs', 'maxRetries', 'fallback', 'cache', 'tenant', 'hedge', 'metadata']);

const DISCRIMINATOR_VALUES: Readonly<Record<string, string>> = {
  role: 'one of "system", "user", "assistant", "tool"',
  type: 'a known part type ("text", "image"; for responseFormat "text", "json", "json_schema")',
};

function describeReceived(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Turns a zod issue into "Expected `field` to be …, got …." */
export function toInvalidArgumentError(issues: readonly z.core.$ZodIssue[], input: unknown, prefix = ''): InvalidArgumentError {
  const issue = issues[0]!;
  const field = prefix + issue.path.map(String).join('.');
  const received = describeReceived(valueAt(input, issue.path));
  let expected: string;
  switch (issue.code) {
    case 'invalid_type':
      expected = `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
      break;
    case 'invalid_value':
      expected = `one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
      break;
    case 'invalid_union':
      expected =
        'note' in issue && issue.note === 'No matching discriminator'
          ? DISCRIMINATOR_VALUES[String(issue.path[issue.path.length - 1])] ?? 'a known kind'
          : 'one of the accepted shapes';
      break;
    case 'too_small':
      expected = issue.origin === 'array' || issue.origin === 'string' ? `at least ${String(issue.minimum)} long` : `>= ${String(issue.minimum)}`;
      break;
    case 'too_big':
      expected = issue.origin === 'array' || issue.origin === 'string' ? `at most ${String(issue.maximum)} long` : `<= ${String(issue.maximum)}`;
      break;
    case 'invalid_format':
      expected = issue.message;
      break;
    case 'unrecognized_keys':
      if (issue.path.length === 0 && !CALL_OPTION_NAMES.has(issue.keys[0]!)) {
        return unknownKeyError(issue.keys[0]!, requestFields(), prefix.replace(/\.$/, ''), 'a request field');
      }
      return new InvalidArgumentError(
        prefix + [...issue.path.map(String), issue.keys[0]!].join('.'),
        `Expected no \`${issue.keys.join('`, `')}\` in the request (a typo? call options such as \`signal\` go in the second argument).`,
      );
    default:
      expected = issue.message;
  }
  return new InvalidArgumentError(field || '(root)', `Expected \`${field || 'request'}\` to be ${expected}, got ${received}.`);
}

/** Keys of the common request shape that `isPlainChatRequest` can check itself. */
const PLAIN_KEYS: ReadonlySet<string> = new Set(['model', 'messages', 'temperature', 'maxTokens', 'topP', 'stop', 'seed']);

/**
 * Whether `request` is the common plain shape (text messages without tool calls, scalar sampling
 * options) and valid. Only ever true for a request the zod schema accepts; anything else, valid or
 * not, goes to zod, so every invalid request gets zod's issue and its message.
 */
function isPlainChatRequest(request: unknown): request is ChatRequest {
  if (typeof request !== 'object' || request === null) return false;
  // The schema is strict: any other key (even one the schema knows, such as `tools`) goes to zod.
  for (const key in request) if (!PLAIN_KEYS.has(key)) return false;
  const { model, messages, temperature, maxTokens, topP, stop, seed } = request as Record<string, unknown>;
  if (typeof model !== 'string' || model === '') return false;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const message of messages as unknown[]) {
    if (typeof message !== 'object' || message === null) return false;
    const { role, content, cacheControl } = message as Record<string, unknown>;
    if (cacheControl !== undefined) return false;
    if (role === 'user' || role === 'system') {
      if (typeof content !== 'string') return false;
    } else if (role === 'assistant') {
      const { toolCalls, reasoning } = message as Record<string, unknown>;
      if (!(typeof content === 'string' || content === null || content === undefined) || toolCalls !== undefined || reasoning !== undefined) {
        return false;
      }
    } else {
      return false;
    }
  }
  return (
    (temperature === undefined || (typeof temperature === 'number' && temperature >= 0 && temperature <= 2)) &&
    (maxTokens === undefined || (Number.isSafeInteger(maxTokens) && (maxTokens as number) > 0)) &&
    (topP === undefined || (typeof topP === 'number' && topP >= 0 && topP <= 1)) &&
    (stop === undefined || typeof stop === 'string') &&
    (seed === undefined || Number.isSafeInteger(seed))
  );
}

/** Validates a request with zod; throws `InvalidArgumentError` naming the field and what was expected. */
export function validateChatRequest(request: unknown): ChatRequest {
  // Most requests are plain: checked here in a fraction of zod's time, with the same verdict.
  if (isPlainChatRequest(request)) return request;
  const result = chatRequestSchema().safeParse(request);
  if (!result.success) throw toInvalidArgumentError(result.error.issues, request);
  const value = request as ChatRequest;
  for (let index = 0; index < value.messages.length; index++) {
    const message = value.messages[index]!;
    if (message.role === 'user' && Array.isArray(message.content)) {
      for (let partIndex = 0; partIndex < message.content.length; partIndex++) {
        const part = message.content[partIndex]!;
        if (part.type === 'image' && typeof part.image !== 'string' && !part.mediaType) {
          throw new InvalidArgumentError(
            `messages.${index}.content.${partIndex}.mediaType`,
            `Expected \`messages.${index}.content.${partIndex}.mediaType\` to be set for an image given as bytes, got undefined.`,
          );
        }
      }
    }
  }
  // Return the caller's object (not zod's copy): it is not mutated, and copying costs on the hot path.
  return value;
}
