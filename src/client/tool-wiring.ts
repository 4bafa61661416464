import type { EventHub } from '../events/events.js';
import { FallbackPolicy, NO_FALLBACK } from '../policy/fallback/fallback-policy.js';
import type { Clock } from '../providers/provider.js';
import { normalizeTools, runWithToolRepairs, type ToolRepairEvent, type ValidatedChatResponse } from '../tools/run-with-tool-repairs.js';
import { runTools, type RunToolsResult } from '../tools/run-tools.js';
import { structuredOutput } from '../tools/structured-output.js';
import type { AnyTool } from '../tools/tool.js';
import { validateStream } from '../tools/validate-stream.js';
import type { CallOptions } from './client-options.js';
import { vendorKindOf, type ModelRegistry } from './model-registry.js';
import { StreamResult } from './stream-result.js';
import type { ChatRequest, ChatResponse, Message, NormalizedChatRequest, StreamPart, ToolSpec } from './types.js';

/** What the tool loops need from the client. */
export type ToolWiringHost = {
  readonly clock: Clock;
  /** The client's `deadlineMs`, shared by every call of one loop unless the call options override it. */
  readonly deadlineMs: number;
  readonly generateId: () => string;
  readonly registry: ModelRegistry;
  readonly events: EventHub;
  /** The client's fallback policy: tool-repair escalation moves to the alias after the current one. */
  readonly policy: FallbackPolicy;
  /** One whole call (validated, routed, cached, executed) inside the loop's deadline. */
  call(request: NormalizedChatRequest, options: CallOptions, deadlineAt: number): Promise<ChatResponse>;
  /** One streaming call inside the loop's deadline. */
  stream(request: NormalizedChatRequest, options: CallOptions, deadlineAt: number): StreamResult;
};

/** True when a request needs the tool-repair loop: it has tools or a schema. */
export function needsToolLoop(request: ChatRequest<unknown>): boolean {
  // A request that is not an object is left to validation, which rejects it with a clear message.
  if (typeof request !== 'object' || request === null) return false;
  if (request.schema !== undefined) return true;
  const tools = request.tools;
  return tools !== undefined && tools.length > 0;
}

/**
 * The client's calls with tools or a schema: validated tool calls and objects with the
 * self-correction loop (`chat`, `stream`), and the agent loop (`runTools`). Every model call of a
 * loop goes through the client and shares one deadline.
 */
export class ToolWiring {
  private readonly host: ToolWiringHost;

  constructor(host: ToolWiringHost) {
    this.host = host;
  }

  /** `chat()` with tools or a schema: invalid calls or objects are sent back to the model to fix. */
  async chat<const TTools extends readonly (AnyTool | ToolSpec)[], TObject>(
    request: ChatRequest<TObject> & { readonly tools?: TTools },
    options: CallOptions,
  ): Promise<ValidatedChatResponse<TTools, TObject>> {
    const { tools, schema, schemaName, maxToolRepairs, escalate, ...base } = request;
    const loop = this.toolLoop(base.model, options, { schemaName, maxToolRepairs, escalate });
    return runWithToolRepairs<TTools, TObject>({
      ...loop.options,
      request: base as NormalizedChatRequest,
      ...(tools ? { tools } : {}),
      ...(schema ? { schema } : {}),
      call: this.repairCall(base.model, options, loop.deadlineAt),
    });
  }

  /** The agent loop behind `llm.runTools()`. */
  async runTools<TObject>(
    request: Omit<ChatRequest<TObject>, 'tools'> & { readonly tools: readonly AnyTool[]; readonly maxSteps?: number },
    options: CallOptions,
  ): Promise<RunToolsResult> {
    const { tools, maxSteps, messages, schema, schemaName, maxToolRepairs, escalate, ...base } = request;
    const loop = this.toolLoop(base.model, options, { schemaName, maxToolRepairs, escalate });
    return runTools<TObject>({
      ...loop.options,
      messages: messages as readonly Message[],
      tools,
      request: base as Omit<NormalizedChatRequest, 'messages' | 'tools'>,
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(schema ? { schema } : {}),
      call: this.repairCall(base.model, options, loop.deadlineAt),
    });
  }

  /**
   * A stream with tools or a schema: each tool call is validated as it completes (an invalid one
   * is never shown as valid), `partial-object` parts carry the object as it grows, and when the
   * answer is invalid the repair loop asks again: a `reset` part, then the corrected answer.
   */
  stream<TObject>(request: ChatRequest<TObject>, options: CallOptions): StreamResult<TObject> {
    const { tools, schema, schemaName, maxToolRepairs, escalate, ...base } = request;
    const alias = base.model;
    const normalizedTools = normalizeTools(tools ?? []);
    const output = schema ? structuredOutput(schema, schemaName !== undefined ? { name: schemaName } : {}) : undefined;
    const validation = { tools: normalizedTools, ...(output ? { output } : {}) };
    const loop = this.toolLoop(alias, options, { maxToolRepairs, escalate });
    const deadlineAt = loop.deadlineAt;
    let outer: StreamResult<TObject> | undefined;
    const early: StreamPart[] = [];
    const emit = (part: StreamPart) => {
      if (outer) outer.push(part);
      else early.push(part);
    };
    let current: StreamResult | undefined;
    let cancelled: { reason: unknown } | undefined;
    let calls = 0;
    const response = Promise.resolve()
      .then(() =>
        runWithToolRepairs<readonly (AnyTool | ToolSpec)[], TObject>({
          ...loop.options,
          request: base as NormalizedChatRequest,
          tools: normalizedTools,
          ...(output ? { schema: output } : {}),
          call: async (next, info) => {
            if (cancelled) throw cancelled.reason;
            if (calls++ > 0) emit({ type: 'reset', reason: 'invalid tool call or object: asking the model again' });
            const inner = this.host.stream(info.escalateTo === 'next' ? { ...next, model: this.nextAlias(alias, options) } : next, options, deadlineAt);
            current = inner;
            try {
              for await (const part of validateStream(inner, validation)) if (part.type !== 'finish') emit(part);
            } catch (error) {
              // An invalid final answer is the repair loop's to handle; anything else is the call's error.
              if ((error as { code?: string }).code !== 'RLLM_TOOL_REPAIR_EXHAUSTED') throw error;
            }
            return inner.response;
          },
        }),
      )
      .then((final) => {
        const validated = final as unknown as ChatResponse<TObject>;
        emit({ type: 'finish', response: validated as ChatResponse });
        return validated;
      });
    outer = new StreamResult<TObject>(response, (reason) => {
      cancelled = { reason: reason ?? new DOMException('The stream was cancelled by its consumer', 'AbortError') };
      current?.cancel(cancelled.reason);
    });
    for (const part of early) outer.push(part);
    return outer;
  }

  /** What every tool-repair loop of one call shares: the deadline, the vendor, the repair events. */
  private toolLoop(
    alias: string,
    options: CallOptions,
    fields: { readonly schemaName?: string | undefined; readonly maxToolRepairs?: number | undefined; readonly escalate?: boolean | undefined },
  ) {
    const { clock, registry } = this.host;
    const deadlineMs = options.deadlineMs ?? this.host.deadlineMs;
    const deadlineAt = clock.now() + deadlineMs;
    const loopId = this.host.generateId();
    const vendorKind = vendorKindOf(registry, alias);
    return {
      deadlineAt,
      options: {
        ...(fields.schemaName !== undefined ? { schemaName: fields.schemaName } : {}),
        ...(fields.maxToolRepairs !== undefined ? { maxToolRepairs: fields.maxToolRepairs } : {}),
        ...(fields.escalate !== undefined ? { escalate: fields.escalate } : {}),
        ...(vendorKind !== undefined ? { vendorKind } : {}),
        deadlineAt,
        deadlineMs,
        clock,
        onRepair: (event: ToolRepairEvent) => this.emitRepair(loopId, event),
      },
    };
  }

  /** One model call of a tool-repair loop: the shared deadline; escalation moves to the next alias. */
  private repairCall(alias: string, options: CallOptions, deadlineAt: number) {
    return (next: NormalizedChatRequest, info: { readonly escalateTo?: 'next' }): Promise<ChatResponse> =>
      this.host.call(info.escalateTo === 'next' ? { ...next, model: this.nextAlias(alias, options) } : next, options, deadlineAt);
  }

  /** The alias after `alias` in the fallback chain, for tool-repair escalation. */
  private nextAlias(alias: string, options: CallOptions): string {
    const policy = options.fallback === false ? NO_FALLBACK : options.fallback instanceof FallbackPolicy ? options.fallback : this.host.policy;
    return policy.chainFor(alias)[1] ?? alias;
  }

  private emitRepair(requestId: string, event: ToolRepairEvent): void {
    const events = this.host.events;
    if (events.has('tool-repair')) {
      events.emit('tool-repair', { requestId, repair: event.repair, toolName: event.toolNames.join(','), issues: event.issues });
    }
  }
}
