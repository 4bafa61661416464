import type {
  EmbedRequest,
  EmbedResult,
  GenerateResult,
  IncompleteToolCall,
  ProviderRequest,
  ProviderStreamPart,
  ReasoningPart,
  ToolCall,
} from '../client/types.js';
import { InvalidResponseError } from '../errors/errors.js';
import type { ProviderAdapter, ProviderCallContext, ProviderCapabilities } from '../providers/provider.js';
import { abortableDelay } from './abortable-delay.js';
import { hashEmbedding } from './hash-embedding.js';
import { hasContent, isContentPart, missingFinishError, partsForStep, toMockError, type MockStep } from './mock-step.js';

/** One recorded call to `doGenerate` or `doStream`. */
export type MockCall = {
  /** 0-based position among all chat calls; the index passed to `respond`. */
  readonly index: number;
  readonly request: ProviderRequest;
  readonly isStream: boolean;
  /** `context.clock.now()` when the call arrived. */
  readonly time: number;
  readonly headers?: Readonly<Record<string, string>>;
};

/** One recorded call to `embed`. */
export type MockEmbedCall = { readonly request: EmbedRequest; readonly time: number };

export type MockProviderOptions = {
  /** Scripted answers, one per call in order. @default [{ text: 'mock response' }] */
  readonly steps?: readonly MockStep[];
  /** Computes the answer per call instead of `steps`. */
  readonly respond?: (request: ProviderRequest, callIndex: number) => MockStep;
  /** Whether the last step answers every later call; with `false`, a call past the script throws. @default true */
  readonly repeat?: boolean;
  /** What the mock claims to support. @default every capability, embeddings included */
  readonly capabilities?: ProviderCapabilities;
  /** Length of the hash-based embedding vectors. @default 64 */
  readonly embeddingDimensions?: number;
  /** Scripted vectors by input text, or a function computing them; other texts get hash-based vectors. */
  readonly embeddings?: Readonly<Record<string, readonly number[]>> | ((text: string) => readonly number[]);
};

/** A scripted `ProviderAdapter` for unit tests that records every call. */
export type MockProvider = ProviderAdapter & {
  readonly calls: readonly MockCall[];
  readonly lastRequest: ProviderRequest | undefined;
  readonly embedCalls: readonly MockEmbedCall[];
  /** Forgets recorded calls and rewinds the script. */
  reset(): void;
};

const DEFAULT_STEP: MockStep = { text: 'mock response' };

class MockProviderAdapter implements MockProvider {
  readonly specificationVersion = 'v1' as const;
  readonly kind = 'mock';
  readonly capabilities: ProviderCapabilities;
  private readonly options: MockProviderOptions;
  private readonly recordedCalls: MockCall[] = [];
  private readonly recordedEmbedCalls: MockEmbedCall[] = [];

  constructor(options: MockProviderOptions) {
    if (options.steps !== undefined && !Array.isArray(options.steps)) {
      throw new TypeError(`Expected \`steps\` to be an array, got ${typeof options.steps}.`);
    }
    const dimensions = options.embeddingDimensions;
    if (dimensions !== undefined && (!Number.isInteger(dimensions) || dimensions < 1)) {
      throw new RangeError(`Expected \`embeddingDimensions\` to be a positive integer, got ${dimensions}.`);
    }
    this.options = options;
    this.capabilities = options.capabilities ?? { tools: true, images: true, jsonOutput: true, prefill: true, embeddings: true };
  }

  get calls(): readonly MockCall[] {
    return this.recordedCalls;
  }

  get lastRequest(): ProviderRequest | undefined {
    return this.recordedCalls[this.recordedCalls.length - 1]?.request;
  }

  get embedCalls(): readonly MockEmbedCall[] {
    return this.recordedEmbedCalls;
  }

  reset(): void {
    this.recordedCalls.length = 0;
    this.recordedEmbedCalls.length = 0;
  }

  private nextStep(request: ProviderRequest, index: number): MockStep {
    if (this.options.respond) return this.options.respond(request, index);
    const steps = this.options.steps ?? [DEFAULT_STEP];
    if (index < steps.length) return steps[index]!;
    if (this.options.repeat === false || steps.length === 0) {
      throw new Error(`mockProvider: call #${index + 1} has no scripted step (${steps.length} step(s), repeat: false).`);
    }
    return steps[steps.length - 1]!;
  }

  async doStream(request: ProviderRequest, context: ProviderCallContext): Promise<AsyncIterable<ProviderStreamPart>> {
    const index = this.recordedCalls.length;
    this.recordedCalls.push({
      index,
      request,
      isStream: true,
      time: context.clock.now(),
      ...(context.headers ? { headers: context.headers } : {}),
    });
    return this.start(request, context, index);
  }

  async doGenerate(request: ProviderRequest, context: ProviderCallContext): Promise<GenerateResult> {
    const index = this.recordedCalls.length;
    this.recordedCalls.push({
      index,
      request,
      isStream: false,
      time: context.clock.now(),
      ...(context.headers ? { headers: context.headers } : {}),
    });
    return assemble(await this.start(request, context, index));
  }

  private async start(
    request: ProviderRequest,
    context: ProviderCallContext,
    index: number,
  ): Promise<AsyncIterable<ProviderStreamPart>> {
    if (context.signal.aborted) throw context.signal.reason;
    const step = this.nextStep(request, index);
    await abortableDelay(step.delayMs ?? 0, context.signal, context.clock);
    const model = step.model ?? request.model;
    if (step.error && !hasContent(step)) throw toMockError(step.error, model, false);
    return streamStep(step, partsForStep(step, request, index), model, context);
  }

  async embed(request: EmbedRequest, context: ProviderCallContext): Promise<EmbedResult> {
    this.recordedEmbedCalls.push({ request, time: context.clock.now() });
    if (context.signal.aborted) throw context.signal.reason;
    const scripted = this.options.embeddings;
    const dimensions = request.dimensions ?? this.options.embeddingDimensions ?? 64;
    const embeddings = request.input.map((text) => {
      const vector = typeof scripted === 'function' ? scripted(text) : scripted?.[text];
      return vector ? Float32Array.from(vector) : hashEmbedding(text, dimensions);
    });
    let characters = 0;
    for (const text of request.input) characters += text.length;
    return { embeddings, model: request.model, usage: { inputTokens: Math.ceil(characters / 4) } };
  }
}

async function* streamStep(
  step: MockStep,
  parts: readonly ProviderStreamPart[],
  model: string,
  context: ProviderCallContext,
): AsyncGenerator<ProviderStreamPart> {
  let hasEmittedOutput = false;
  let hasFinished = false;
  for (const part of parts) {
    if (context.signal.aborted) throw context.signal.reason;
    if (isContentPart(part)) {
      const delayMs = hasEmittedOutput ? step.chunkDelayMs : step.firstTokenDelayMs;
      await abortableDelay(delayMs ?? 0, context.signal, context.clock);
    }
    // An in-band error replaces the finish part: it arrives after the content, never after the end.
    if (part.type === 'finish' && step.error) throw toMockError(step.error, model, hasEmittedOutput);
    yield part;
    if (isContentPart(part)) hasEmittedOutput = true;
    if (part.type === 'finish') {
      hasFinished = true;
      break;
    }
  }
  if (step.error) throw toMockError(step.error, model, hasEmittedOutput);
  if (!hasFinished) throw missingFinishError(model, hasEmittedOutput);
}

/** Builds the `GenerateResult` a non-streaming call returns from the parts the stream would yield. */
async function assemble(stream: AsyncIterable<ProviderStreamPart>): Promise<GenerateResult> {
  let text = '';
  let refusal: string | undefined;
  let reasoningText = '';
  const reasoning: ReasoningPart[] = [];
  const toolCalls: ToolCall[] = [];
  const incompleteToolCalls: IncompleteToolCall[] = [];
  let metadata: { model?: string; requestId?: string; responseId?: string } = {};
  for await (const part of stream) {
    switch (part.type) {
      case 'response-metadata':
        metadata = part;
        break;
      case 'text-delta':
        text += part.text;
        break;
      case 'refusal-delta':
        refusal = (refusal ?? '') + part.text;
        break;
      case 'reasoning-delta':
        reasoningText += part.text;
        break;
      case 'reasoning-part':
        reasoning.push(part.reasoning);
        break;
      case 'tool-call':
        toolCalls.push(part.toolCall);
        break;
      case 'tool-call-incomplete':
        incompleteToolCalls.push(part.toolCall);
        break;
      case 'tool-call-delta':
        break;
      case 'finish':
        if (reasoning.length === 0 && reasoningText) reasoning.push({ type: 'reasoning', text: reasoningText, provider: 'mock' });
        return {
          text,
          reasoning,
          toolCalls,
          ...(incompleteToolCalls.length > 0 ? { incompleteToolCalls } : {}),
          ...(refusal !== undefined ? { refusal } : {}),
          finishReason: part.finishReason,
          ...(part.rawFinishReason !== undefined ? { rawFinishReason: part.rawFinishReason } : {}),
          usage: part.usage,
          ...(metadata.model !== undefined ? { model: metadata.model } : {}),
          ...(metadata.requestId !== undefined ? { requestId: metadata.requestId } : {}),
          ...(metadata.responseId !== undefined ? { responseId: metadata.responseId } : {}),
        };
    }
  }
  throw new InvalidResponseError('stream ended without a finish part', { provider: 'mock' });
}

/**
 * A scripted provider adapter for unit tests: pass steps (`[{ text: 'hi' }, { error: … }]`) or
 * options. Register it like any adapter: `providers: { mock: mockProvider([...]) }`.
 */
export function mockProvider(options: readonly MockStep[] | MockProviderOptions = {}): MockProvider {
  return new MockProviderAdapter(Array.isArray(options) ? { steps: options as readonly MockStep[] } : (options as MockProviderOptions));
}
