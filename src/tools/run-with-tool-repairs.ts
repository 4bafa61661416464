import type { z } from 'zod';
import type { NormalizedChatRequest as ChatRequest, ChatResponse, Message, ToolCall, ToolSpec } from '../client/types.js';
import { InvalidArgumentError, TimeoutError, ToolRepairError, type ToolInputInvalidError, type ToolRepairAttempt } from '../errors/errors.js';
import { checkResponse } from './check-response.js';
import { mergeRepairResponses } from './merge-responses.js';
import { applyStructuredOutput, structuredOutput, type StructuredOutput } from './structured-output.js';
import { toToolSpec } from './to-tool-spec.js';
import { isTool, type AnyTool, type ToolCallFor } from './tool.js';
import { toolFromSpec } from './tool-from-spec.js';
import { indexTools } from './validate-tool-call.js';

/** What the loop tells `call` about the call it asks for. */
export type ToolRepairCallInfo = {
  /** 0 for the first call, then 1, 2, … for each repair. */
  readonly repair: number;
  /** Set once repairs ran out and `escalate` is on: send this call to the next alias of the fallback chain. */
  readonly escalateTo?: 'next';
};

/** Reported before each repair call. */
export type ToolRepairEvent = {
  /** The number of the call about to be made (1 for the first repair). */
  readonly repair: number;
  /** Whether the next call escalates to the next alias. */
  readonly isEscalated: boolean;
  /** The names of the tools (or the schema name) whose input was invalid. */
  readonly toolNames: readonly string[];
  readonly errors: readonly ToolInputInvalidError[];
  /** The issues on one line each, as the `tool-repair` event's `issues`. */
  readonly issues: string;
  /** The answer that failed validation. */
  readonly response: ChatResponse;
};

export type RunWithToolRepairsOptions<TTools extends readonly (AnyTool | ToolSpec)[], TObject> = {
  /** The request, without the tools (they come from `tools`). */
  readonly request: ChatRequest;
  /** Tools made by `tool()`; plain `ToolSpec`s are accepted and validated through their JSON Schema. */
  readonly tools?: TTools;
  /** A zod schema for structured output; the answer's `object` is validated against it. */
  readonly schema?: z.ZodType<TObject> | StructuredOutput<TObject>;
  /** Names the structured output (response format name, Anthropic forced tool). @default 'response' */
  readonly schemaName?: string;
  /** Repair calls after the first answer, per model. @default 2 */
  readonly maxToolRepairs?: number;
  /** When repairs run out, start over on the next alias of the fallback chain (with its own repairs). @default false */
  readonly escalate?: boolean;
  /** The adapter kind serving the call, to pick the native structured mode (see `structuredOutputMode`). @default undefined (response format plus an instruction) */
  readonly vendorKind?: string;
  /** Makes one model call (with retries and fallbacks: the client's pipeline). */
  readonly call: (request: ChatRequest, info: ToolRepairCallInfo) => Promise<ChatResponse>;
  /** Called before each repair call. */
  readonly onRepair?: (event: ToolRepairEvent) => void;
  /** The call's deadline on `clock`; no repair starts after it. */
  readonly deadlineAt?: number;
  /** The total budget in ms, for the `TimeoutError` when the deadline stops the loop. */
  readonly deadlineMs?: number;
  /** @default performance.now-based */
  readonly clock?: { now(): number };
};

/** A response whose tool calls are typed by the tools given and whose `object` is typed by the schema. */
export type ValidatedChatResponse<TTools extends readonly (AnyTool | ToolSpec)[], TObject> = Omit<ChatResponse<TObject>, 'toolCalls'> & {
  readonly toolCalls: readonly (ToolCallFor<Extract<TTools[number], AnyTool>> | (Exclude<TTools[number], AnyTool> extends never ? never : ToolCall))[];
};

/** Turns a plain `ToolSpec` into a tool validated through its JSON Schema. */
export function normalizeTools(tools: readonly (AnyTool | ToolSpec)[]): AnyTool[] {
  return tools.map((item) => (isTool(item) ? item : toolFromSpec(item)));
}

/**
 * Builds the request the vendor gets: tools as `ToolSpec`s (strict where asked) and, with an
 * `output`, the native structured mode for `vendorKind`.
 */
export function prepareToolRequest(
  request: ChatRequest,
  tools: readonly AnyTool[],
  output: StructuredOutput | undefined,
  vendorKind: string | undefined,
): ChatRequest {
  const withTools: ChatRequest = tools.length > 0 ? { ...request, tools: tools.map((item) => toToolSpec(item, vendorKind === undefined ? {} : { vendor: vendorKind })) } : request;
  return output ? applyStructuredOutput(withTools, output, vendorKind) : withTools;
}

function isStructuredOutput(value: unknown): value is StructuredOutput {
  return typeof value === 'object' && value !== null && 'jsonSchema' in value && 'schema' in value && 'name' in value;
}

/**
 * Calls the model, validates every tool call (and the structured object), and on a failure
 * appends the model's turn plus a precise error per call and asks again, up to `maxToolRepairs`
 * times; then, with `escalate`, starts over once on the next alias (`info.escalateTo: 'next'`)
 * with the same number of repairs. Returns the validated response with usage, cost and attempts
 * of every call summed (repair attempts carry `toolRepair`), or throws `ToolRepairError`
 * carrying every call. Errors of `call` itself propagate unchanged.
 */
export async function runWithToolRepairs<const TTools extends readonly (AnyTool | ToolSpec)[] = [], TObject = unknown>(
  options: RunWithToolRepairsOptions<TTools, TObject>,
): Promise<ValidatedChatResponse<TTools, TObject>> {
  const maxToolRepairs = options.maxToolRepairs ?? 2;
  if (!Number.isInteger(maxToolRepairs) || maxToolRepairs < 0) {
    throw new InvalidArgumentError('maxToolRepairs', `Expected \`maxToolRepairs\` to be a non-negative integer, got ${String(maxToolRepairs)}.`);
  }
  const tools = normalizeTools(options.tools ?? []);
  const toolsByName = indexTools(tools);
  const output =
    options.schema === undefined
      ? undefined
      : isStructuredOutput(options.schema)
        ? options.schema
        : structuredOutput(options.schema, options.schemaName !== undefined ? { name: options.schemaName } : {});
  const clock = options.clock ?? performance;
  const prepared = prepareToolRequest(options.request, tools, output, options.vendorKind);
  const history: ToolRepairAttempt[] = [];
  const responses: ChatResponse[] = [];
  let messages: readonly Message[] = prepared.messages;
  let repair = 0;
  let roundRepairs = 0;
  let isEscalated = false;

  for (;;) {
    const info: ToolRepairCallInfo = isEscalated ? { repair, escalateTo: 'next' } : { repair };
    const response = await options.call(repair === 0 ? prepared : { ...prepared, messages }, info);
    const check = checkResponse(response, toolsByName, output);
    if (check.isValid) return mergeRepairResponses(responses, check.response) as unknown as ValidatedChatResponse<TTools, TObject>;
    responses.push(response);
    history.push({ repair, isEscalated, response, errors: check.errors });

    if (roundRepairs < maxToolRepairs) {
      roundRepairs++;
      messages = [...messages, ...check.repairMessages];
    } else if (options.escalate === true && !isEscalated) {
      isEscalated = true;
      roundRepairs = 0;
      // A fresh start: the next model does not inherit the failed model's mistakes.
      messages = prepared.messages;
    } else {
      throw new ToolRepairError(history, 'repairs-exhausted', { provider: response.provider, model: response.model });
    }
    repair++;
    if (options.deadlineAt !== undefined && clock.now() >= options.deadlineAt) {
      throw new ToolRepairError(history, 'deadline', {
        provider: response.provider,
        model: response.model,
        cause: new TimeoutError('total', options.deadlineMs ?? 0),
      });
    }
    if (options.onRepair) {
      options.onRepair({
        repair,
        isEscalated,
        toolNames: [...new Set(check.errors.map((error) => error.toolName))],
        errors: check.errors,
        issues: check.errors.flatMap((error) => error.issues.map((item) => `${error.toolName}: ${item.message}`)).join('\n'),
        response,
      });
    }
  }
}
