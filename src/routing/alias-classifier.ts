import type { CallOptions } from '../client/client-options.js';
import type { ChatResponse, NormalizedChatRequest } from '../client/types.js';
import { buildClassifierPrompt } from './classifier-prompt.js';
import type { LlmClassify } from './llm-classifier.js';

/** How the router sends a request to a model alias: the client passes its own `chat()`. */
export type RouterChat = (request: NormalizedChatRequest, options: CallOptions) => Promise<ChatResponse>;

/** Options for {@link aliasClassifier}. */
export type AliasClassifierOptions = {
  /** The model alias that labels requests (a cheap, fast, non-reasoning model). */
  readonly alias: string;
  /** Tier names, cheapest first. */
  readonly tiers: readonly string[];
  readonly descriptions?: Readonly<Record<string, string>>;
  readonly maxPromptChars?: number;
  readonly chat: RouterChat;
};

/** `metadata.purpose` of the classification calls, as `request-start` events show it. */
export const CLASSIFIER_PURPOSE = 'route-classifier';

/** A tier name is one short word or two; 8 tokens is room for it plus a stray full stop. */
const LABEL_MAX_TOKENS = 8;

/**
 * The built-in LLM classifier: asks `alias`, through the client's own `chat()` (so fallbacks,
 * retries, cost and usage totals apply), for one tier name. The call skips the response cache,
 * is charged to the routed request's tenant and is tagged `metadata.purpose: 'route-classifier'`.
 */
export function aliasClassifier(options: AliasClassifierOptions): LlmClassify {
  const { alias, chat } = options;
  return async (request, signal, context) => {
    const response = await chat(
      {
        model: alias,
        messages: buildClassifierPrompt(request.messages, options),
        maxTokens: LABEL_MAX_TOKENS,
        temperature: 0,
      },
      {
        signal,
        cache: false,
        ...(context?.tenant !== undefined ? { tenant: context.tenant } : {}),
        metadata: { purpose: CLASSIFIER_PURPOSE, ...(context?.requestId !== undefined ? { routedRequestId: context.requestId } : {}) },
      },
    );
    return { text: response.text, usage: response.usage, ...(response.cost !== undefined ? { cost: response.cost } : {}) };
  };
}
