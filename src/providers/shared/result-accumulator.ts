import type {
  FinishReason,
  GenerateResult,
  IncompleteToolCall,
  ProviderStreamPart,
  ReasoningPart,
  ToolCall,
  Usage,
} from '../spec/index.js';

const EMPTY_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

/** Folds an adapter's stream parts into the same `GenerateResult` that `doGenerate` returns. */
export class ResultAccumulator {
  private text = '';
  private refusal = '';
  private reasoningText = '';
  private readonly reasoning: ReasoningPart[] = [];
  private readonly toolCalls: ToolCall[] = [];
  private readonly incompleteToolCalls: IncompleteToolCall[] = [];
  private finishReason: FinishReason | undefined;
  private rawFinishReason: string | undefined;
  private usage: Usage = EMPTY_USAGE;
  private model: string | undefined;
  private requestId: string | undefined;
  private responseId: string | undefined;
  private messageMetadata: Readonly<Record<string, unknown>> | undefined;
  /** True once any content (text, reasoning, tool call) arrived. */
  hasContent = false;

  add(part: ProviderStreamPart): void {
    switch (part.type) {
      case 'text-delta':
        this.text += part.text;
        this.hasContent = true;
        break;
      case 'reasoning-delta':
        this.reasoningText += part.text;
        this.hasContent = true;
        break;
      case 'reasoning-part':
        this.reasoning.push(part.reasoning);
        this.reasoningText = '';
        this.hasContent = true;
        break;
      case 'tool-call-delta':
        this.hasContent = true;
        break;
      case 'tool-call':
        this.toolCalls.push(part.toolCall);
        this.hasContent = true;
        break;
      case 'tool-call-incomplete':
        this.incompleteToolCalls.push(part.toolCall);
        this.hasContent = true;
        break;
      case 'refusal-delta':
        this.refusal += part.text;
        this.hasContent = true;
        break;
      case 'response-metadata':
        if (part.model !== undefined) this.model = part.model;
        if (part.requestId !== undefined) this.requestId = part.requestId;
        if (part.responseId !== undefined) this.responseId = part.responseId;
        if (part.messageMetadata !== undefined) this.messageMetadata = part.messageMetadata;
        break;
      case 'usage':
        this.usage = part.usage;
        break;
      case 'finish':
        this.finishReason = part.finishReason;
        if (part.rawFinishReason !== undefined) this.rawFinishReason = part.rawFinishReason;
        this.usage = part.usage;
        break;
    }
  }

  get isFinished(): boolean {
    return this.finishReason !== undefined;
  }

  /** The latest usage a stream reported, finished or not; undefined when it reported none. */
  get reportedUsage(): Usage | undefined {
    return this.usage === EMPTY_USAGE ? undefined : this.usage;
  }

  /** The text streamed so far (for `StreamInterruptedError.partialText`). */
  get partialText(): string {
    return this.text;
  }

  result(): GenerateResult {
    const reasoning =
      this.reasoningText.length > 0 ? [...this.reasoning, { type: 'reasoning' as const, text: this.reasoningText }] : this.reasoning;
    return {
      text: this.text,
      reasoning,
      toolCalls: this.toolCalls,
      ...(this.incompleteToolCalls.length > 0 ? { incompleteToolCalls: this.incompleteToolCalls } : {}),
      ...(this.refusal.length > 0 ? { refusal: this.refusal } : {}),
      finishReason: this.finishReason ?? 'other',
      ...(this.rawFinishReason !== undefined ? { rawFinishReason: this.rawFinishReason } : {}),
      usage: this.usage,
      ...(this.model !== undefined ? { model: this.model } : {}),
      ...(this.requestId !== undefined ? { requestId: this.requestId } : {}),
      ...(this.responseId !== undefined ? { responseId: this.responseId } : {}),
      ...(this.messageMetadata !== undefined ? { messageMetadata: this.messageMetadata } : {}),
    };
  }
}
