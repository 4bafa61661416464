import type { ZodType } from 'zod';
import type { AnyTool } from '../tools/tool.js';
import type {
  AssistantMessage,
  FinishReason,
  IncompleteToolCall,
  ProviderRequest,
  ReasoningPart,
  ToolCall,
  ToolCallDeltaPart,
  ToolSpec,
  Usage,
} from '../providers/spec/index.js';

// The adapter contract's types live in src/providers/spec/; re-exported here, where they always were.
export type {
  AssistantMessage,
  CacheControl,
  EmbedRequest,
  EmbedResult,
  FinishReason,
  GenerateResult,
  ImagePart,
  IncompleteToolCall,
  JsonSchema,
  Message,
  ProviderRequest,
  ProviderStreamPart,
  ReasoningPart,
  ResponseFormat,
  SystemMessage,
  TextPart,
  ToolCall,
  ToolCallDeltaPart,
  ToolChoice,
  ToolMessage,
  ToolSpec,
  Usage,
  UserContentPart,
  UserMessage,
} from '../providers/spec/index.js';

/**
 * The caller's shapes: what `chat()` and `stream()` take and return. The vendor-neutral shapes
 * adapters translate (messages, tools, results, stream parts) are the adapter contract, in
 * src/providers/spec/.
 */

/**
 * A request after normalization: tools are JSON Schema `ToolSpec`s. Adapters, the cache, the router
 * and the tool loop work on this shape; callers pass a `ChatRequest`.
 */
export type NormalizedChatRequest = Omit<ProviderRequest, 'model'> & {
  /** A model alias from the client's `models`, or `'auto'` for the router. */
  readonly model: string;
};

/** What a caller passes to `chat()` and `stream()`: tools may be `tool()` objects with zod schemas. */
export type ChatRequest<TObject = unknown> = Omit<NormalizedChatRequest, 'tools'> & {
  /** Tools as `tool({ … })` (zod or JSON Schema), or plain `ToolSpec`s. */
  readonly tools?: readonly (AnyTool | ToolSpec)[];
  /** A zod schema: the answer is parsed and validated into `response.object`. */
  readonly schema?: ZodType<TObject>;
  /** The name sent with the schema. @default 'response' */
  readonly schemaName?: string;
  /** How many times invalid tool arguments (or an invalid object) are sent back to be fixed. @default 2 */
  readonly maxToolRepairs?: number;
  /** When repairs run out, start over once on the next alias of the fallback chain. @default false */
  readonly escalate?: boolean;
};

export type AttemptOutcome = 'success' | 'error' | 'aborted' | 'skipped';

/** One try against one deployment. */
export type Attempt = {
  readonly alias: string;
  readonly provider: string;
  readonly model: string;
  readonly deploymentId: string;
  readonly outcome: AttemptOutcome;
  readonly errorCode?: string;
  readonly status?: number;
  readonly latencyMs: number;
  readonly timeToFirstTokenMs?: number;
  readonly usage?: Usage;
  readonly cost?: number;
  readonly startedAt: number;
  /** Set on the attempts of a tool-repair call: 1 for the first repair, 2 for the second, … */
  readonly toolRepair?: number;
};

export type CacheInfo = {
  readonly tier: 'exact' | 'semantic';
  readonly similarity: number;
  readonly ageMs: number;
};

export type RouteInfo = {
  readonly tier: string;
  readonly reason: string;
  /** Which classifier decided: your function, the LLM classifier or the built-in heuristic. */
  readonly source: string;
  /** USD of the LLM classifier's call, when one was made for this request (not on a cached label) and its price is known. */
  readonly classifierCost?: number;
  /** Tokens of the LLM classifier's call, when one was made for this request. */
  readonly classifierUsage?: Usage;
};

/** What `chat()` resolves to, and what a stream's `response` promise resolves to. */
export type ChatResponse<TObject = unknown> = {
  readonly text: string;
  readonly reasoning: readonly ReasoningPart[];
  readonly toolCalls: readonly ToolCall[];
  readonly incompleteToolCalls: readonly IncompleteToolCall[];
  readonly refusal?: string;
  readonly object?: TObject;
  readonly finishReason: FinishReason;
  readonly rawFinishReason?: string;
  readonly usage: Usage;
  /** Cost in USD of every attempt of this call, failed ones included, when prices are known. */
  readonly cost?: number;
  /** The alias, provider name and model that actually served the answer. */
  readonly alias: string;
  readonly provider: string;
  readonly model: string;
  readonly requestId?: string;
  /** The vendor's id of the answer (`chatcmpl-…`, `msg_…`), when it sent one. */
  readonly responseId?: string;
  readonly attempts: readonly Attempt[];
  readonly cached?: CacheInfo;
  /** For `model: 'auto'`: the tier the router chose and why. */
  readonly route?: RouteInfo;
  /** The assistant turn to append to `messages` to continue the conversation (keeps signatures). */
  readonly message: AssistantMessage;
};

/** One part of a stream. `<noun>-<verb>` names, discriminated on `type`. */
export type StreamPart =
  | {
      readonly type: 'start';
      readonly alias: string;
      readonly provider: string;
      readonly model: string;
      readonly deploymentId: string;
    }
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'reasoning-delta'; readonly text: string }
  | ToolCallDeltaPart
  | { readonly type: 'tool-call'; readonly toolCall: ToolCall }
  /** The structured object parsed so far (with `schema`); each part carries the whole object, not yet validated. */
  | { readonly type: 'partial-object'; readonly object: unknown }
  | { readonly type: 'reset'; readonly reason: string; readonly errorCode?: string }
  | { readonly type: 'finish'; readonly response: ChatResponse };
