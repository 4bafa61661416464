import { createHash } from 'node:crypto';
import type { NormalizedChatRequest as ChatRequest, Message } from '../client/types.js';
import { normalizeWhitespace } from './question-text.js';

/** Where an entry lives: its partition (a store namespace) and its id within it. */
export type CacheKey = {
  /** Hash of everything that changes the answer except the last user turn. */
  readonly partition: string;
  /** Hash of the last user turn, whitespace-normalized; the exact tier looks this up. */
  readonly id: string;
  /** The last user turn, whitespace-normalized; undefined when the request ends on another turn. */
  readonly question: string | undefined;
};

/**
 * Splits a request into a partition (alias, namespace, embedder, every earlier turn including the
 * system prompt, tools, tool choice, response format, sampling parameters, provider options) and
 * the question. Two requests share a partition only when all of those are equal.
 */
export function cacheKeyOf(request: ChatRequest, namespace: string, embedderId: string): CacheKey {
  const messages = request.messages;
  const last = messages[messages.length - 1];
  const question = last?.role === 'user' ? textOf(last) : undefined;
  const earlier = question === undefined ? messages : messages.slice(0, -1);
  let partition = `v1${JSON.stringify([namespace, embedderId, request.model])}\u0000`;
  partition += canonical(earlier);
  partition += `\u0000${canonical(request.tools)}\u0000${canonical(request.toolChoice)}\u0000${canonical(request.responseFormat)}`;
  partition += `\u0000${canonical(request.temperature)}\u0000${canonical(request.topP)}\u0000${canonical(request.maxTokens)}`;
  partition += `\u0000${canonical(request.stop)}\u0000${canonical(request.seed)}\u0000${canonical(request.providerOptions)}`;
  return {
    partition: hash(partition),
    id: question === undefined ? 'conversation' : hash(question),
    question,
  };
}

/** Whether the last user turn holds anything but text (images are not cached). */
export function hasNonTextInput(request: ChatRequest): boolean {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'user' && typeof last.content !== 'string' && last.content.some((part) => part.type !== 'text');
}

function textOf(message: Extract<Message, { role: 'user' }>): string {
  if (typeof message.content === 'string') return normalizeWhitespace(message.content);
  let text = '';
  for (const part of message.content) if (part.type === 'text') text += (text ? '\n' : '') + part.text;
  return normalizeWhitespace(text);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** JSON with sorted keys, bytes as base64 and `undefined` members left out: equal values, equal text. */
export function canonical(value: unknown): string {
  if (value === undefined) return '';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? '';
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) text += (index ? ',' : '') + (canonical(value[index]) || 'null');
    return `${text}]`;
  }
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  let isFirst = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    text += `${isFirst ? '' : ','}${JSON.stringify(key)}:${canonical(member)}`;
    isFirst = false;
  }
  return `${text}}`;
}
