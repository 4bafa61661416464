import type { LanguageModelV4, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { CallOptions } from '../client/client-options.js';
import type { StreamResult } from '../client/stream-result.js';
import type { ChatResponse, NormalizedChatRequest, StreamPart } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { convertFromAiSdkCall } from './convert-from-ai-sdk-call.js';
import { convertToAiSdkResult } from './convert-to-ai-sdk-result.js';
import { createAiSdkStreamWriter } from './convert-to-ai-sdk-stream.js';
import type { LanguageModelOptions, RestartMode } from './language-model-options.js';

/** The two client methods a language model calls. */
export type LanguageModelHost = {
  chat(request: NormalizedChatRequest, options: CallOptions): Promise<ChatResponse>;
  stream(request: NormalizedChatRequest, options: CallOptions): StreamResult;
};

const RESTART_MODES: readonly RestartMode[] = ['error', 'surface', 'buffer'];

/**
 * The client as an AI SDK `LanguageModelV4` for one alias (or `'auto'`): a plain object whose
 * `doGenerate` and `doStream` run through the client's fallbacks, watchdogs, pools, cache,
 * budgets and events. Types only come from `@ai-sdk/provider`; nothing of it loads at run time.
 */
export function toLanguageModel(host: LanguageModelHost, alias: string, options: LanguageModelOptions = {}): LanguageModelV4 {
  if (typeof alias !== 'string' || alias.length === 0) {
    throw new InvalidArgumentError('alias', `Expected \`alias\` to be a model alias or "auto", got ${JSON.stringify(alias)}.`);
  }
  const mode = options.onRestart ?? 'error';
  if (!RESTART_MODES.includes(mode)) {
    throw new InvalidArgumentError('onRestart', `Expected \`onRestart\` to be "error", "surface" or "buffer", got ${JSON.stringify(mode)}.`);
  }
  const defaults = options.callOptions;
  return {
    specificationVersion: 'v4',
    provider: 'llm-resilience',
    modelId: alias,
    // https image URLs go to the vendor as they are; the AI SDK downloads anything else.
    supportedUrls: { 'image/*': [/^https:\/\//] },

    async doGenerate(call) {
      const { request, options: callOptions, warnings } = convertFromAiSdkCall(call, alias, defaults);
      return convertToAiSdkResult(await host.chat(request, callOptions), warnings);
    },

    async doStream(call) {
      const { request, options: callOptions, warnings } = convertFromAiSdkCall(call, alias, defaults);
      const parts = host.stream(request, callOptions)[Symbol.asyncIterator]();
      // Waits for the first content (or the end): a call that fails before any output rejects here.
      const early: StreamPart[] = [];
      let isDone = false;
      for (;;) {
        const next = await parts.next();
        if (next.done) {
          isDone = true;
          break;
        }
        early.push(next.value);
        if (next.value.type !== 'start') break;
      }
      let writer: ReturnType<typeof createAiSdkStreamWriter>;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          writer = createAiSdkStreamWriter(mode, (part) => controller.enqueue(part));
          controller.enqueue({ type: 'stream-start', warnings });
          for (const part of early) {
            if (!writer.write(part)) {
              isDone = true;
              if (part.type !== 'finish') void parts.return?.();
              break;
            }
          }
          if (isDone) controller.close();
        },
        async pull(controller) {
          try {
            for (;;) {
              const next = await parts.next();
              if (next.done) break;
              if (!writer.write(next.value)) {
                // A restart the AI SDK cannot be shown: stop the call rather than pay for an unseen answer.
                if (next.value.type !== 'finish') await parts.return?.();
                break;
              }
              if (controller.desiredSize === null || controller.desiredSize <= 0) return;
            }
          } catch (error) {
            writer.fail(error);
          }
          controller.close();
        },
        async cancel() {
          await parts.return?.();
        },
      });
      return { stream };
    },
  };
}
