import type { z } from 'zod';
import type { NormalizedChatRequest as ChatRequest, ChatResponse, Message, ToolCall, ToolMessage, ToolSpec, Usage } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { sumCost, sumUsage } from './merge-responses.js';
import { runWithToolRepairs, type RunWithToolRepairsOptions, type ToolRepairCallInfo, type ToolRepairEvent } from './run-with-tool-repairs.js';
import type { StructuredOutput } from './structured-output.js';
import type { AnyTool } from './tool.js';
import { abortable } from '../shared/abortable.js';

/** One executed tool call of a step. */
export type ToolExecution = {
  readonly toolCall: ToolCall;
  /** What `execute` returned, or the error message when it threw. */
  readonly result: unknown;
  readonly isError: boolean;
  readonly durationMs: number;
};

/** One model call of `runTools` and the tool calls it led to. */
export type ToolStep = {
  readonly response: ChatResponse;
  readonly executions: readonly ToolExecution[];
};

/** Why `runTools` stopped. */
export type RunToolsStopReason = 'final-answer' | 'max-steps' | 'tool-without-execute';

export type RunToolsResult = {
  /** The last response: the final answer, or the call that hit `maxSteps` (its calls not executed). */
  readonly response: ChatResponse;
  readonly steps: readonly ToolStep[];
  readonly stopReason: RunToolsStopReason;
  /** The conversation including every assistant turn and tool result, ready to continue. */
  readonly messages: readonly Message[];
  /** Usage of every model call of every step, repairs included. */
  readonly usage: Usage;
  readonly cost?: number;
};

export type RunToolsOptions<TObject> = Omit<RunWithToolRepairsOptions<readonly (AnyTool | ToolSpec)[], TObject>, 'request' | 'tools' | 'onRepair'> & {
  /** The conversation so far. */
  readonly messages: readonly Message[];
  /** Every other request field (model, temperature, …). */
  readonly request: Omit<ChatRequest, 'messages' | 'tools'>;
  readonly tools: readonly AnyTool[];
  /** Model calls at most (each step is one call plus its repairs). @default 10 */
  readonly maxSteps?: number;
  /** Aborts the model call or the tools running now; `runTools` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called after each step. */
  readonly onStep?: (step: ToolStep) => void;
  readonly onRepair?: (event: ToolRepairEvent & { readonly step: number }) => void;
  readonly schema?: z.ZodType<TObject> | StructuredOutput<TObject>;
  /** @default performance */
  readonly clock?: { now(): number };
};

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}


/**
 * The agent loop: calls the model (validating and repairing tool calls as `chat()` does), runs
 * every requested tool's `execute` with its validated arguments — the calls of one turn
 * concurrently — and sends the results back, until the model answers without tool calls, a
 * tool has no `execute`, or `maxSteps` model calls were made. A tool that throws is reported to
 * the model as an error result (`isError: true`, `"<Error name>: <message>"`), not raised.
 * Aborting `signal` rejects at once with its reason, whether a model call or tools are running.
 */
export async function runTools<TObject = unknown>(options: RunToolsOptions<TObject>): Promise<RunToolsResult> {
  const maxSteps = options.maxSteps ?? 10;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new InvalidArgumentError('maxSteps', `Expected \`maxSteps\` to be a positive integer, got ${String(maxSteps)}.`);
  }
  const { signal, clock = performance, messages: initialMessages, maxSteps: _maxSteps, onStep, onRepair, tools, request, call, ...repairOptions } = options;
  const toolsByName = new Map(tools.map((item) => [item.name, item]));
  const steps: ToolStep[] = [];
  const responses: ChatResponse[] = [];
  let messages: Message[] = [...initialMessages];

  for (let stepIndex = 0; ; stepIndex++) {
    if (signal?.aborted) throw signal.reason;
    const response = await abortable(
      runWithToolRepairs({
        ...repairOptions,
        request: { ...request, messages } as ChatRequest,
        tools,
        call: (next: ChatRequest, info: ToolRepairCallInfo) => call(next, info),
        ...(onRepair ? { onRepair: (event: ToolRepairEvent) => onRepair({ ...event, step: stepIndex }) } : {}),
      }),
      signal,
    );
    responses.push(response as ChatResponse);
    messages = [...messages, response.message];
    const calls = response.toolCalls as readonly ToolCall[];
    const finish = (stopReason: RunToolsStopReason, executions: readonly ToolExecution[]): RunToolsResult => {
      const step: ToolStep = { response: response as ChatResponse, executions };
      steps.push(step);
      onStep?.(step);
      const cost = sumCost(responses);
      return { response: response as ChatResponse, steps, stopReason, messages, usage: sumUsage(responses), ...(cost !== undefined ? { cost } : {}) };
    };
    if (calls.length === 0) return finish('final-answer', []);
    if (calls.some((toolCall) => toolsByName.get(toolCall.name)?.execute === undefined)) return finish('tool-without-execute', []);
    if (stepIndex + 1 >= maxSteps) return finish('max-steps', []);

    const context = messages.slice();
    const executions = await abortable(
      Promise.all(
        calls.map(async (toolCall): Promise<ToolExecution> => {
          const startedAt = clock.now();
          const execute = toolsByName.get(toolCall.name)!.execute!;
          try {
            const result: unknown = await execute(toolCall.args, {
              toolCallId: toolCall.id,
              signal: signal ?? new AbortController().signal,
              messages: context,
            });
            return { toolCall, result, isError: false, durationMs: clock.now() - startedAt };
          } catch (error) {
            if (signal?.aborted) throw signal.reason;
            return { toolCall, result: errorText(error), isError: true, durationMs: clock.now() - startedAt };
          }
        }),
      ),
      signal,
    );
    const results: ToolMessage[] = executions.map((execution) => ({
      role: 'tool',
      toolCallId: execution.toolCall.id,
      toolName: execution.toolCall.name,
      content: execution.result === undefined ? null : execution.result,
      ...(execution.isError ? { isError: true } : {}),
    }));
    messages = [...messages, ...results];
    const step: ToolStep = { response: response as ChatResponse, executions };
    steps.push(step);
    onStep?.(step);
  }
}
