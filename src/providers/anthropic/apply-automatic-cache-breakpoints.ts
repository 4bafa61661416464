import { InvalidArgumentError } from '../../errors/errors.js';
import type { AnthropicCacheControl, AnthropicMessage, AnthropicRequestBody } from './anthropic-wire-types.js';

/** Anthropic accepts at most this many `cache_control` breakpoints in one request. */
export const MAX_CACHE_BREAKPOINTS = 4;

type Markable = { type?: string; cache_control?: AnthropicCacheControl };

/** The breakpoints a body already has (tools, system blocks, message blocks). */
export function countCacheBreakpoints(body: AnthropicRequestBody): number {
  let count = 0;
  for (const tool of body.tools ?? []) if (tool.cache_control) count++;
  if (Array.isArray(body.system)) for (const block of body.system) if (block.cache_control) count++;
  for (const message of body.messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content as Markable[]) if (block.cache_control) count++;
  }
  return count;
}

/**
 * Automatic prompt caching: marks the longest stable prefix of the prompt within Anthropic's
 * limit of four breakpoints, counting the ones the caller set. Anthropic caches in the order
 * tools → system → messages, and a breakpoint caches everything before it, so the marks go, while
 * breakpoints are left and in this order of value:
 * 1. the end of the earlier turns (the last markable block before the final user turn), which
 *    covers tools, system and history, and is what the next turn of the conversation reads;
 * 2. the end of the system prompt (shared by every conversation with the same tools and system);
 * 3. the last tool definition (shared even when the system prompt differs).
 * A block already marked is left as it is. Prefixes shorter than the model's minimum (1,024 or
 * 2,048 tokens) are simply not cached by the API; marking them costs nothing.
 */
export function applyAutomaticCacheBreakpoints(body: AnthropicRequestBody, ttl: '5m' | '1h'): void {
  checkCacheBreakpoints(body);
  const marker: AnthropicCacheControl = ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  let available = MAX_CACHE_BREAKPOINTS - countCacheBreakpoints(body);
  const mark = (block: Markable | undefined): void => {
    if (available <= 0 || block === undefined || block.cache_control !== undefined) return;
    block.cache_control = marker;
    available--;
  };
  mark(lastBlockOfEarlierTurns(body.messages));
  if (typeof body.system === 'string' && body.system !== '') body.system = [{ type: 'text', text: body.system }];
  if (Array.isArray(body.system)) mark(body.system[body.system.length - 1]);
  if (body.tools && body.tools.length > 0) mark(body.tools[body.tools.length - 1]);
}

/** Throws `InvalidArgumentError` when the caller's own markers exceed Anthropic's limit. */
export function checkCacheBreakpoints(body: AnthropicRequestBody): void {
  const count = countCacheBreakpoints(body);
  if (count > MAX_CACHE_BREAKPOINTS) {
    throw new InvalidArgumentError(
      'messages',
      `Expected at most ${MAX_CACHE_BREAKPOINTS} \`cacheControl\` markers (Anthropic's limit) across tools, system and messages, got ${count}.`,
    );
  }
}

function lastBlockOfEarlierTurns(messages: readonly AnthropicMessage[]): Markable | undefined {
  // The final user turn is the new question; everything before it is stable history.
  let end = messages.length;
  if (messages[end - 1]?.role === 'user') end--;
  for (let index = end - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (typeof message.content === 'string') {
      const block = { type: 'text' as const, text: message.content };
      (message as { content: unknown }).content = [block];
      return block;
    }
    const blocks = message.content as Markable[];
    for (let blockIndex = blocks.length - 1; blockIndex >= 0; blockIndex--) {
      const block = blocks[blockIndex]!;
      if (block.type !== 'thinking' && block.type !== 'redacted_thinking') return block;
    }
  }
  return undefined;
}
