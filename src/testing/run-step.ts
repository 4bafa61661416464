import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashEmbedding } from './hash-embedding.js';
import { isFaultStep, isHttpErrorStep, type FaultStep, type HttpErrorStep, type ReplyStep, type ServerStep } from './server-steps.js';
import { estimateTokens, splitText } from './split-text.js';
import { embeddingDimensions, embeddingInputs, geminiEmbeddingBody, openaiEmbeddingBody } from './wire/embedding-wire.js';
import { inBandStatus, type Frame, type WireContent, type WireErrorKind, type WireProtocol } from './wire/wire-protocol.js';

/** The text a reply without `text`, `reasoning` or `toolCalls` answers with. */
export const DEFAULT_REPLY_TEXT = 'Hello from the provider server. This answer is scripted.';

/** Faults that change how an otherwise healthy answer is delivered. */
type DeliveryFault = Extract<FaultStep, { fault: 'cut-mid-stream' | 'stall' | 'malformed-chunk' | 'missing-terminator' | 'in-band-error' }>;

/** Deterministic vendor-looking ids. */
export type IdSource = { make(prefix: string, length: number): string };

/** One request being answered. */
export type StepRun = {
  readonly wire: WireProtocol;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly body: unknown;
  readonly bodyText: string;
  readonly model: string;
  readonly operation: 'chat' | 'embed' | 'batch-embed';
  readonly isStream: boolean;
  readonly isSse: boolean;
  readonly includeUsage: boolean;
  readonly ids: IdSource;
  /** Whether a `down-for` step is still down for this request. */
  readonly isDown: boolean;
  /** Waits `ms`; resolves false when the response closed or the server is closing meanwhile. */
  wait(ms: number): Promise<boolean>;
  /** Marks that the server itself ends this exchange abnormally (so it is not counted as a client close). */
  markServerEnded(): void;
};

function write(response: ServerResponse, data: string): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => response.write(data, (error) => resolve(!error)));
}

function send(run: StepRun, status: number, headers: Record<string, string>, body: string): void {
  if (run.response.destroyed) return;
  run.response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  run.response.end(body);
}

function sendWireError(run: StepRun, kind: WireErrorKind, options: { status?: number; retryAfterSeconds?: number; retryAfterMs?: number; resetMs?: number } = {}): void {
  const reply = run.wire.error(kind, { ...options, model: run.model, requestId: run.ids.make('req_', 24) });
  send(run, reply.status, reply.headers, reply.body);
}

function buildContent(run: StepRun, reply: ReplyStep): WireContent {
  const hasNoContent = reply.text === undefined && reply.chunks === undefined && reply.reasoning === undefined && reply.toolCalls === undefined;
  const text = reply.text ?? reply.chunks?.join('') ?? (hasNoContent ? DEFAULT_REPLY_TEXT : '');
  const reasoning = reply.reasoning ?? '';
  const toolCalls = (reply.toolCalls ?? []).map((call) => {
    const argsText = call.argsText ?? JSON.stringify(call.args ?? {});
    return {
      id: call.id ?? run.ids.make(run.wire.toolIdPrefix, 24),
      name: call.name,
      argsText,
      argsChunks: splitText(argsText, reply.chunkSize ?? 8),
    };
  });
  const reasoningTokens = reply.usage?.reasoningTokens ?? estimateTokens(reasoning);
  const generated = text + toolCalls.map((call) => call.name + call.argsText).join('');
  const protocol = run.wire.name;
  return {
    model: reply.model ?? run.model,
    responseId:
      protocol === 'openai'
        ? run.ids.make('chatcmpl-', 29)
        : protocol === 'openai-responses'
          ? run.ids.make('resp_', 48)
          : protocol === 'anthropic'
            ? run.ids.make('msg_01', 22)
            : run.ids.make('', 22),
    requestId: protocol === 'anthropic' ? run.ids.make('req_011C', 20) : run.ids.make('req_', 24),
    created: Math.floor(Date.now() / 1000),
    textChunks: reply.chunks ?? splitText(text, reply.chunkSize),
    reasoningChunks: splitText(reasoning, reply.chunkSize),
    toolCalls,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop'),
    usage: {
      inputTokens: reply.usage?.inputTokens ?? estimateTokens(run.bodyText),
      outputTokens: reply.usage?.outputTokens ?? reasoningTokens + estimateTokens(generated),
      reasoningTokens,
    },
    includeUsage: run.includeUsage,
    isSse: run.isSse,
    hasExplicitToolIds: (reply.toolCalls ?? []).some((call) => call.id !== undefined),
  };
}

/** Sends a whole (non-streaming) body, or the non-streaming form of a delivery fault. */
async function sendBody(run: StepRun, headers: Record<string, string>, body: string, fault?: DeliveryFault): Promise<void> {
  const { response } = run;
  if (!fault) return send(run, 200, headers, body);
  const half = body.slice(0, Math.floor(body.length / 2));
  switch (fault.fault) {
    case 'cut-mid-stream':
      response.writeHead(200, headers);
      run.markServerEnded();
      await write(response, half);
      response.destroy();
      return;
    case 'stall':
      response.writeHead(200, headers);
      await write(response, half);
      return;
    case 'malformed-chunk':
      return send(run, 200, headers, half);
    case 'missing-terminator':
      return send(run, 200, headers, '');
    case 'in-band-error':
      return sendWireError(run, fault.type === 'rate_limit' ? 'rate-limit' : fault.type === 'server' ? 'server' : 'overloaded', {
        status: inBandStatus(fault.type, run.wire.name),
      });
  }
}

/** Streams frames with the reply's delays, applying a delivery fault at its chunk. */
async function streamFrames(run: StepRun, content: WireContent, reply: ReplyStep, headers: Record<string, string>, fault?: DeliveryFault): Promise<void> {
  const { response, wire } = run;
  let frames: Frame[] = wire.streamFrames(content);
  if (fault?.fault === 'missing-terminator') frames = wire.dropTerminator(frames);
  response.writeHead(200, headers);
  response.flushHeaders();
  const afterChunks = fault && fault.fault !== 'missing-terminator' ? fault.afterChunks : Number.POSITIVE_INFINITY;
  let contentWritten = 0;
  let hasFired = false;
  // Returns true when the fault ends the stream here.
  const fire = async (): Promise<boolean> => {
    hasFired = true;
    switch (fault?.fault) {
      case 'cut-mid-stream':
        run.markServerEnded();
        response.destroy();
        return true;
      case 'stall':
        return true;
      case 'malformed-chunk':
        await write(response, wire.malformedFrame(content));
        return false;
      case 'in-band-error':
        await write(response, wire.inBandError(fault.type, { model: run.model, requestId: content.requestId }));
        response.end();
        return true;
      default:
        return false;
    }
  };
  for (const frame of frames) {
    const isTrigger = frame.kind === 'content' || frame.kind === 'closing';
    if (!hasFired && isTrigger && contentWritten >= afterChunks && (await fire())) return;
    if (frame.kind === 'content') {
      const delayMs = contentWritten === 0 ? reply.firstChunkDelayMs : reply.chunkDelayMs;
      if (delayMs && !(await run.wait(delayMs))) return;
    }
    if (!(await write(response, frame.data))) return;
    if (frame.kind === 'content') contentWritten++;
  }
  // Gemini has no closing frame: a fault past the last chunk fires at the end.
  if (!hasFired && fault && fault.fault !== 'missing-terminator' && (await fire())) return;
  response.end();
}

async function sendEmbeddings(run: StepRun, reply: ReplyStep, fault?: DeliveryFault): Promise<void> {
  const protocol = run.wire.name === 'gemini' ? 'gemini' : 'openai';
  const inputs = embeddingInputs(protocol, run.body);
  const dimensions = embeddingDimensions(protocol, run.body) ?? 64;
  const vectors = reply.embeddings ?? inputs.map((text) => Array.from(hashEmbedding(text, dimensions)));
  if (!(await run.wait(reply.delayMs ?? 0))) return;
  const inputTokens = estimateTokens(inputs.join(''));
  const body =
    protocol === 'openai'
      ? openaiEmbeddingBody(run.body, vectors, reply.model ?? run.model, inputTokens)
      : geminiEmbeddingBody(run.operation === 'batch-embed', vectors);
  const headers = { 'content-type': protocol === 'openai' ? 'application/json' : 'application/json; charset=UTF-8', ...reply.headers };
  return sendBody(run, headers, body, fault);
}

async function sendReply(run: StepRun, reply: ReplyStep, fault?: DeliveryFault): Promise<void> {
  if (run.operation !== 'chat') return sendEmbeddings(run, reply, fault);
  const content = buildContent(run, reply);
  if (!(await run.wait(reply.delayMs ?? 0))) return;
  if (run.isStream) {
    return streamFrames(run, content, reply, { ...run.wire.streamHeaders(content), ...reply.headers }, fault);
  }
  // A non-streaming answer is sent when the whole answer would have been generated.
  const chunkCount = content.textChunks.length + content.reasoningChunks.length + content.toolCalls.length;
  const generationMs = (reply.firstChunkDelayMs ?? 0) + (reply.chunkDelayMs ?? 0) * Math.max(0, chunkCount - 1);
  if (!(await run.wait(generationMs))) return;
  return sendBody(run, { ...run.wire.jsonHeaders(content), ...reply.headers }, run.wire.jsonBody(content), fault);
}

async function sendHttpError(run: StepRun, step: HttpErrorStep): Promise<void> {
  if (!(await run.wait(step.delayMs ?? 0))) return;
  if (step.body === undefined) {
    const reply = run.wire.error('status', {
      status: step.status,
      ...(step.message !== undefined ? { message: step.message } : {}),
      model: run.model,
      requestId: run.ids.make('req_', 24),
    });
    return send(run, reply.status, { ...reply.headers, ...step.headers }, reply.body);
  }
  const isText = typeof step.body === 'string';
  const body = isText ? (step.body as string) : JSON.stringify(step.body);
  return send(run, step.status, { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json', ...step.headers }, body);
}

async function runFault(run: StepRun, step: FaultStep): Promise<void> {
  switch (step.fault) {
    case 'rate-limit':
      return sendWireError(run, 'rate-limit', step);
    case 'server-error':
      return sendWireError(run, 'server', { status: step.status });
    case 'overloaded':
      return sendWireError(run, 'overloaded', step.status !== undefined ? { status: step.status } : {});
    case 'context-length-exceeded':
      return sendWireError(run, 'context-length');
    case 'content-policy':
      return sendWireError(run, 'content-policy');
    case 'reset-before-headers':
      run.markServerEnded();
      run.request.socket.resetAndDestroy();
      return;
    case 'never-answer':
      return;
    case 'raw-body':
      return run.isStream
        ? send(run, 200, { 'content-type': 'text/event-stream' }, step.sse)
        : send(run, 200, { 'content-type': 'application/json' }, step.json);
    case 'reject-prefill':
      if (run.wire.endsWithAssistant(run.body)) return sendWireError(run, 'prefill');
      return sendReply(run, step.reply ?? {});
    case 'down-for':
      if (run.isDown) return sendWireError(run, 'overloaded', { status: step.status });
      return sendReply(run, step.reply ?? {});
    default:
      return sendReply(run, step.reply ?? {}, step);
  }
}

/** Answers one request with one scripted step. */
export function runStep(run: StepRun, step: ServerStep): Promise<void> {
  if (isFaultStep(step)) return runFault(run, step);
  if (isHttpErrorStep(step)) return sendHttpError(run, step);
  return sendReply(run, step);
}

/** A short name for what a step does, recorded with each request. */
export function stepName(step: ServerStep): string {
  if (isFaultStep(step)) return step.fault;
  if (isHttpErrorStep(step)) return 'http-error';
  return 'reply';
}
