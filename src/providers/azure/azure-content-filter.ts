import { ContentFilterError } from '../../errors/errors.js';
import type { OpenAIErrorContext } from '../openai/parse-openai-error.js';

type FilterResults = Readonly<Record<string, { readonly filtered?: unknown; readonly severity?: unknown } | null | undefined>>;
type PromptFilterResult = { readonly prompt_index?: unknown; readonly content_filter_results?: FilterResults | null };

/** The categories (`hate`, `jailbreak`, …) whose filter fired, as `category (severity)`. */
function filteredCategories(results: FilterResults | null | undefined): string[] {
  const categories: string[] = [];
  if (typeof results !== 'object' || results === null) return categories;
  for (const [category, result] of Object.entries(results)) {
    if (result?.filtered === true) categories.push(typeof result.severity === 'string' ? `${category} (${result.severity})` : category);
  }
  return categories;
}

/**
 * Azure OpenAI annotates a Chat Completions answer (and the first chunk of a stream) with
 * `prompt_filter_results`. When one of them says the prompt was `filtered`, the answer is not an
 * answer: this returns the `ContentFilterError` to throw (not retryable; the chain may fail over
 * to a deployment with another filter policy), else undefined.
 */
export function azurePromptFilterError(
  value: unknown,
  context: OpenAIErrorContext,
  details: { readonly requestId: string | undefined; readonly hasEmittedOutput: boolean },
): ContentFilterError | undefined {
  const results = (value as { prompt_filter_results?: unknown } | null)?.prompt_filter_results;
  if (!Array.isArray(results)) return undefined;
  const categories = results.flatMap((result: PromptFilterResult) => filteredCategories(result?.content_filter_results));
  if (categories.length === 0) return undefined;
  return new ContentFilterError(`the prompt was filtered by Azure's content filter: ${categories.join(', ')}`, {
    provider: context.provider,
    model: context.model,
    status: 200,
    providerCode: 'content_filter',
    hasEmittedOutput: details.hasEmittedOutput,
    ...(details.requestId !== undefined ? { requestId: details.requestId } : {}),
  });
}
