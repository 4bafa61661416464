import type { Context, Span, Tracer } from '@opentelemetry/api';
import { needsToolLoop } from '../client/tool-wiring.js';
import type { ChatRequest } from '../client/types.js';
import type { OtelApi } from './otel-api.js';
import { inputMessages } from './content.js';
import * as sc from './semconv.js';

/** The prompt as `gen_ai.system_instructions` and `gen_ai.input.messages`. */
export function setPrompt(span: Span, messages: ChatRequest['messages']): void {
  const { system, input } = inputMessages(messages);
  if (system !== undefined) span.setAttribute(sc.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, system);
  span.setAttribute(sc.ATTR_GEN_AI_INPUT_MESSAGES, input);
}

/** The prompt of a call, for `captureContent`: taken by the first call span started in its context. */
export type PromptRecord = { messages: ChatRequest['messages'] | undefined };

/** A running tool loop (`chat()`/`stream()` with tools or a schema, `runTools()`). */
export type LoopRecord = {
  readonly span: Span;
  repairs: number;
  /** Set by a `tool-repair` event; the next call started in the loop is that repair. */
  pendingRepair: number | undefined;
};

let loopKey: symbol | undefined;
let promptKey: symbol | undefined;

function keyOf(api: OtelApi): symbol {
  loopKey ??= api.createContextKey('llm-resilience tool loop');
  return loopKey;
}

/** The tool loop `context` runs in, if any. */
export function loopOf(api: OtelApi, context: Context): LoopRecord | undefined {
  return loopKey === undefined ? undefined : (context.getValue(loopKey) as LoopRecord | undefined);
}

/** The prompt of the call started in `context`, once: a nested call (the router's classifier) finds it taken. */
export function takePrompt(context: Context): ChatRequest['messages'] | undefined {
  const record = promptKey === undefined ? undefined : (context.getValue(promptKey) as PromptRecord | undefined);
  const messages = record?.messages;
  if (record) record.messages = undefined;
  return messages;
}

type Methods = {
  chat: (request: ChatRequest, options?: object) => Promise<unknown>;
  stream: (request: ChatRequest, options?: object) => { readonly response: Promise<unknown> };
  runTools: (request: ChatRequest, options?: object) => Promise<unknown>;
};

/**
 * Wraps the client's `chat`, `stream` and `runTools` on the instance: a call with tools or a
 * schema runs inside a `llm_resilience.tool_loop {alias}` span, so each model call of the loop
 * (the first answer, every repair, every agent step) is its child. Plain calls pass straight
 * through. Returns the function that puts the original methods back.
 */
export function wrapToolLoops(api: OtelApi, tracer: Tracer, client: object, captureContent: boolean): () => void {
  const target = client as Methods;
  const key = keyOf(api);
  promptKey ??= api.createContextKey('llm-resilience prompt');
  const prompts = promptKey;
  /** With `captureContent`, a plain call's prompt rides in the context to its call span. */
  const withPrompt = <T>(request: ChatRequest, run: () => T): T =>
    captureContent && typeof request === 'object' && request !== null
      ? api.context.with(api.context.active().setValue(prompts, { messages: request.messages } satisfies PromptRecord), run)
      : run();
  const own = {
    chat: Object.getOwnPropertyDescriptor(client, 'chat'),
    stream: Object.getOwnPropertyDescriptor(client, 'stream'),
    runTools: Object.getOwnPropertyDescriptor(client, 'runTools'),
  };
  const originals = { chat: target.chat, stream: target.stream, runTools: target.runTools };

  const start = (request: ChatRequest): { span: Span; context: Context } => {
    const parent = api.context.active();
    const model = typeof request.model === 'string' ? request.model : '';
    const span = tracer.startSpan(`${sc.SPAN_RLLM_TOOL_LOOP} ${model}`, { kind: api.SpanKind.INTERNAL, attributes: { [sc.ATTR_GEN_AI_REQUEST_MODEL]: model } }, parent);
    if (captureContent && Array.isArray(request.messages)) setPrompt(span, request.messages);
    const record: LoopRecord = { span, repairs: 0, pendingRepair: undefined };
    return { span, context: api.trace.setSpan(parent, span).setValue(key, record) };
  };
  const settle = (span: Span, promise: Promise<unknown>): void => {
    promise.then(
      () => span.end(),
      (error: unknown) => {
        const code = (error as { code?: unknown } | undefined)?.code;
        span.setAttribute(sc.ATTR_ERROR_TYPE, typeof code === 'string' ? code : '_OTHER');
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
      },
    );
  };

  target.chat = function chat(this: unknown, request, options) {
    if (!needsToolLoop(request)) return withPrompt(request, () => originals.chat.call(this, request, options));
    const { span, context } = start(request);
    const result = api.context.with(context, () => originals.chat.call(this, request, options));
    settle(span, result);
    return result;
  };
  target.stream = function stream(this: unknown, request, options) {
    if (!needsToolLoop(request)) return withPrompt(request, () => originals.stream.call(this, request, options));
    const { span, context } = start(request);
    const result = api.context.with(context, () => originals.stream.call(this, request, options));
    settle(span, result.response);
    return result;
  };
  target.runTools = function runTools(this: unknown, request, options) {
    const { span, context } = start(request);
    const result = api.context.with(context, () => originals.runTools.call(this, request, options));
    settle(span, result);
    return result;
  };

  return () => {
    for (const name of ['chat', 'stream', 'runTools'] as const) {
      const descriptor = own[name];
      if (descriptor) Object.defineProperty(client, name, descriptor);
      else delete (client as Partial<Methods>)[name];
    }
  };
}

/** Notes a `tool-repair` on the loop that `context` runs in: an event on its span, and the number for its next call. */
export function noteRepair(
  api: OtelApi,
  context: Context,
  event: { readonly repair: number; readonly toolName: string; readonly issues: string },
  captureContent: boolean,
): void {
  const loop = loopOf(api, context);
  if (!loop) return;
  loop.repairs = event.repair;
  loop.pendingRepair = event.repair;
  loop.span.setAttribute(sc.ATTR_RLLM_TOOL_REPAIR_COUNT, event.repair);
  loop.span.addEvent(sc.EVENT_RLLM_TOOL_REPAIR, {
    [sc.ATTR_RLLM_TOOL_REPAIR]: event.repair,
    [sc.ATTR_RLLM_TOOL_NAME]: event.toolName,
    ...(captureContent ? { [sc.ATTR_RLLM_TOOL_ISSUES]: event.issues } : {}),
  });
}
