import type { ProviderStreamPart, ToolCall, Usage } from '../spec/index.js';
import { ContentFilterError } from '../../errors/errors.js';
import type { GeminiCandidate, GeminiResponse, GeminiResponsePart, GeminiUsageMetadata } from './gemini-wire-types.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';
import type { GeminiErrorContext } from './parse-gemini-error.js';

type FinishPart = Extract<ProviderStreamPart, { type: 'finish' }>;

/**
 * Reads `GenerateContentResponse`s (one for `generateContent`, one per chunk for a stream) into
 * provider stream parts. Keeps what spans chunks: the last finish reason and usage snapshot,
 * whether a function call was seen, tool-call ids, and thought text waiting for its signature.
 */
export class GeminiResponseReader {
  /** Whether a text, reasoning or tool-call part was produced. */
  hasEmittedOutput = false;
  /** Whether any response carried a candidate. */
  hasCandidate = false;
  /** The last `finishReason` seen (old models repeat `STOP` on every chunk; the last one wins). */
  rawFinishReason: string | undefined;
  private hasFunctionCall = false;
  private hasMetadata = false;
  private usage: GeminiUsageMetadata | undefined;
  private reportedUsage: GeminiUsageMetadata | undefined;
  private pendingThought = '';
  private toolCallIds: Set<string> | undefined;
  private readonly generateId: () => string;
  private readonly context: GeminiErrorContext;

  constructor(context: GeminiErrorContext, generateId: () => string) {
    this.context = context;
    this.generateId = generateId;
  }

  /** Reads one response and appends its parts to `out`. Throws `ContentFilterError` for a blocked prompt. */
  read(response: GeminiResponse, out: ProviderStreamPart[]): void {
    if (!this.hasMetadata) this.readMetadata(response, out);
    // Usage is a running snapshot that may even shrink: keep the last, never add.
    if (response.usageMetadata) this.usage = response.usageMetadata;
    const candidate = firstCandidate(response.candidates);
    if (!candidate) {
      const feedback = response.promptFeedback;
      if (feedback && (feedback.blockReason !== undefined || feedback.blockReasonMessage !== undefined)) {
        const reason = typeof feedback.blockReason === 'string' ? feedback.blockReason : undefined;
        const detail = typeof feedback.blockReasonMessage === 'string' ? `: ${feedback.blockReasonMessage}` : '';
        throw new ContentFilterError(`prompt blocked (${reason ?? 'no reason given'})${detail}`, {
          ...this.context,
          ...(reason !== undefined ? { providerCode: reason } : {}),
          hasEmittedOutput: this.hasEmittedOutput,
        });
      }
      return;
    }
    this.hasCandidate = true;
    const parts = candidate.content?.parts;
    if (parts) for (const part of parts) this.readPart(part, out);
    if (typeof candidate.finishReason === 'string') this.rawFinishReason = candidate.finishReason;
  }

  /**
   * The usage to report now: the latest `usageMetadata` mapped, when it is the first one seen or
   * one of its counts changed since the last call; otherwise undefined. Gemini repeats the same
   * snapshot on every chunk, so this compares a few numbers instead of reporting each repeat.
   */
  takeUsageUpdate(): Usage | undefined {
    const usage = this.usage;
    const reported = this.reportedUsage;
    if (usage === undefined || usage === reported) return undefined;
    this.reportedUsage = usage;
    if (reported !== undefined && hasSameCounts(reported, usage)) return undefined;
    return mapGeminiUsage(usage);
  }

  /** Appends what is left (thought text without a signature) and returns the `finish` part. */
  finish(out: ProviderStreamPart[]): FinishPart {
    if (this.pendingThought !== '') this.flushReasoning(undefined, out);
    const finish: FinishPart = {
      type: 'finish',
      finishReason: mapGeminiFinishReason(this.rawFinishReason, this.hasFunctionCall),
      ...(this.rawFinishReason !== undefined ? { rawFinishReason: this.rawFinishReason } : {}),
      usage: mapGeminiUsage(this.usage),
    };
    out.push(finish);
    return finish;
  }

  private readMetadata(response: GeminiResponse, out: ProviderStreamPart[]): void {
    const model = typeof response.modelVersion === 'string' ? response.modelVersion : undefined;
    const responseId = typeof response.responseId === 'string' ? response.responseId : undefined;
    if (model === undefined && responseId === undefined) return;
    this.hasMetadata = true;
    out.push({
      type: 'response-metadata',
      ...(model !== undefined ? { model } : {}),
      ...(responseId !== undefined ? { responseId } : {}),
    });
  }

  private readPart(part: GeminiResponsePart, out: ProviderStreamPart[]): void {
    const signature = typeof part.thoughtSignature === 'string' && part.thoughtSignature !== '' ? part.thoughtSignature : undefined;
    if (part.functionCall) {
      this.readFunctionCall(part.functionCall, signature, out);
      return;
    }
    const text = part.text;
    if (typeof text === 'string' && text !== '') {
      this.hasEmittedOutput = true;
      if (part.thought === true) {
        this.pendingThought += text;
        out.push({ type: 'reasoning-delta', text });
      } else {
        out.push({ type: 'text-delta', text });
      }
    }
    // A signature on a thought, text or empty part closes the reasoning before it; kept as a
    // reasoning part so it can be replayed (an empty text part may carry only a signature).
    if (signature !== undefined) this.flushReasoning(signature, out);
  }

  private readFunctionCall(call: NonNullable<GeminiResponsePart['functionCall']>, signature: string | undefined, out: ProviderStreamPart[]): void {
    // Vertex's streamed-argument fragments and terminators carry no name; the Developer API
    // always sends whole calls.
    if (typeof call.name !== 'string' || call.name === '') return;
    this.hasFunctionCall = true;
    this.hasEmittedOutput = true;
    const ids = (this.toolCallIds ??= new Set());
    // Gemini 2.x sends no ids, and parallel calls can be identical: every part gets its own id.
    let id = typeof call.id === 'string' && call.id !== '' && !ids.has(call.id) ? call.id : this.generateId();
    while (ids.has(id)) id = this.generateId();
    ids.add(id);
    const args = call.args ?? {};
    const isObject = typeof args === 'object' && !Array.isArray(args);
    const toolCall: ToolCall = {
      id,
      name: call.name,
      args: isObject ? (args as Record<string, unknown>) : {},
      ...(isObject ? {} : { argsText: JSON.stringify(args) }),
      ...(signature !== undefined ? { providerMetadata: { thoughtSignature: signature } } : {}),
    };
    out.push({ type: 'tool-call', toolCall });
  }

  private flushReasoning(signature: string | undefined, out: ProviderStreamPart[]): void {
    out.push({
      type: 'reasoning-part',
      reasoning: {
        type: 'reasoning',
        text: this.pendingThought,
        provider: 'gemini',
        ...(signature !== undefined ? { signature } : {}),
      },
    });
    this.pendingThought = '';
  }
}

/** Whether two snapshots carry the counts `mapGeminiUsage` reads (`totalTokenCount` is derived, so ignored). */
function hasSameCounts(left: GeminiUsageMetadata, right: GeminiUsageMetadata): boolean {
  return (
    left.promptTokenCount === right.promptTokenCount &&
    left.candidatesTokenCount === right.candidatesTokenCount &&
    left.thoughtsTokenCount === right.thoughtsTokenCount &&
    left.toolUsePromptTokenCount === right.toolUsePromptTokenCount &&
    left.cachedContentTokenCount === right.cachedContentTokenCount
  );
}

/** The candidate with index 0 (`index` is often absent, meaning 0). */
function firstCandidate(candidates: readonly GeminiCandidate[] | null | undefined): GeminiCandidate | undefined {
  if (!candidates) return undefined;
  for (const candidate of candidates) {
    if (candidate && (candidate.index === undefined || candidate.index === 0)) return candidate;
  }
  return undefined;
}
