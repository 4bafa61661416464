import { openaiWire } from './openai-wire.js';
import { lastOf, type Frame, type WireContent, type WireProtocol } from './wire-protocol.js';

/** Item ids derived from the response id, so one answer's ids stay consistent. */
function itemId(content: WireContent, prefix: string, index: number): string {
  return `${prefix}_${content.responseId.slice(5)}${index.toString(16).padStart(4, '0')}`;
}

function usageObject(content: WireContent): Record<string, unknown> {
  const { inputTokens, outputTokens, reasoningTokens } = content.usage;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
}

/** The finished output items, as `response.completed` and a non-streaming body list them. */
function outputItems(content: WireContent): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  const reasoning = content.reasoningChunks.join('');
  if (reasoning !== '') {
    items.push({
      id: itemId(content, 'rs', 0),
      type: 'reasoning',
      encrypted_content: `gAAAAAB${Buffer.from(reasoning).toString('base64url').slice(0, 48)}`,
      summary: [{ type: 'summary_text', text: reasoning }],
    });
  }
  const text = content.textChunks.join('');
  if (text !== '' || content.toolCalls.length === 0) {
    items.push({
      id: itemId(content, 'msg', 1),
      type: 'message',
      status: 'completed',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text }],
      role: 'assistant',
    });
  }
  content.toolCalls.forEach((call, index) => {
    items.push({ id: itemId(content, 'fc', 2 + index), type: 'function_call', status: 'completed', arguments: call.argsText, call_id: call.id, name: call.name });
  });
  return items;
}

function responseObject(content: WireContent, status: string, output: unknown[], usage: unknown): Record<string, unknown> {
  const incomplete = status === 'incomplete' ? { reason: content.finishReason === 'content-filter' ? 'content_filter' : 'max_output_tokens' } : null;
  return {
    id: content.responseId,
    object: 'response',
    created_at: content.created,
    status,
    background: false,
    error: null,
    incomplete_details: incomplete,
    model: content.model,
    output,
    parallel_tool_calls: true,
    store: true,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    usage,
  };
}

function finalStatus(content: WireContent): string {
  return content.finishReason === 'length' || content.finishReason === 'content-filter' ? 'incomplete' : 'completed';
}

/** OpenAI Responses API (`POST /v1/responses`), as api.openai.com sends it: `event:` + one-line `data:` JSON, no `[DONE]`. */
export const openaiResponsesWire: WireProtocol = {
  name: 'openai-responses',
  toolIdPrefix: 'call_',

  streamHeaders(content) {
    return { ...openaiWire.streamHeaders(content), 'content-type': 'text/event-stream; charset=utf-8' };
  },

  streamFrames(content) {
    let sequence = 0;
    const frames: Frame[] = [];
    const push = (payload: Record<string, unknown>, kind: Frame['kind']) => {
      const event = { type: payload.type, sequence_number: sequence++, ...payload };
      frames.push({ data: `event: ${String(payload.type)}\ndata: ${JSON.stringify(event)}\n\n`, kind });
    };
    const snapshot = responseObject(content, 'in_progress', [], null);
    push({ type: 'response.created', response: snapshot }, 'preamble');
    push({ type: 'response.in_progress', response: snapshot }, 'preamble');
    const items = outputItems(content);
    items.forEach((item, outputIndex) => {
      const id = item.id as string;
      if (item.type === 'reasoning') {
        push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, summary: [] } }, 'structure');
        push({ type: 'response.reasoning_summary_part.added', item_id: id, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } }, 'structure');
        for (const delta of content.reasoningChunks) {
          push({ type: 'response.reasoning_summary_text.delta', item_id: id, output_index: outputIndex, summary_index: 0, delta }, 'content');
        }
        const text = content.reasoningChunks.join('');
        push({ type: 'response.reasoning_summary_text.done', item_id: id, output_index: outputIndex, summary_index: 0, text }, 'structure');
        push({ type: 'response.reasoning_summary_part.done', item_id: id, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text } }, 'structure');
      } else if (item.type === 'message') {
        push({ type: 'response.output_item.added', output_index: outputIndex, item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } }, 'structure');
        const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
        push({ type: 'response.content_part.added', item_id: id, output_index: outputIndex, content_index: 0, part }, 'structure');
        for (const delta of content.textChunks) {
          push({ type: 'response.output_text.delta', item_id: id, output_index: outputIndex, content_index: 0, delta, logprobs: [] }, 'content');
        }
        const text = content.textChunks.join('');
        push({ type: 'response.output_text.done', item_id: id, output_index: outputIndex, content_index: 0, text, logprobs: [] }, 'structure');
        push({ type: 'response.content_part.done', item_id: id, output_index: outputIndex, content_index: 0, part: { ...part, text } }, 'structure');
      } else {
        const call = content.toolCalls[outputIndex - items.findIndex((candidate) => candidate.type === 'function_call')]!;
        push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } }, 'content');
        for (const delta of call.argsChunks) {
          push({ type: 'response.function_call_arguments.delta', item_id: id, output_index: outputIndex, delta }, 'content');
        }
        push({ type: 'response.function_call_arguments.done', item_id: id, output_index: outputIndex, arguments: call.argsText }, 'structure');
      }
      push({ type: 'response.output_item.done', output_index: outputIndex, item }, 'structure');
    });
    const status = finalStatus(content);
    push({ type: `response.${status}`, response: responseObject(content, status, items, usageObject(content)) }, 'closing');
    return frames;
  },

  dropTerminator(frames) {
    return frames.filter((frame) => !frame.data.startsWith('event: response.completed') && !frame.data.startsWith('event: response.incomplete'));
  },

  jsonHeaders(content) {
    return openaiWire.jsonHeaders(content);
  },

  jsonBody(content) {
    return JSON.stringify(responseObject(content, finalStatus(content), outputItems(content), usageObject(content)), null, 2);
  },

  error(kind, options) {
    return openaiWire.error(kind, options);
  },

  inBandError(type, options) {
    // A rate limit arrives as an `error` event; a server failure or overload as `response.failed`.
    if (type === 'rate_limit') {
      const event = { type: 'error', sequence_number: 2, code: 'rate_limit_exceeded', message: `Rate limit reached for ${options.model}.`, param: null };
      return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
    }
    const code = type === 'server' ? 'server_error' : 'server_is_overloaded';
    const message = type === 'server' ? 'The server had an error while processing your request.' : 'The model is currently overloaded.';
    const event = { type: 'response.failed', sequence_number: 2, response: { id: `resp_${options.requestId.slice(4)}`, object: 'response', status: 'failed', error: { code, message }, output: [], usage: null } };
    return `event: response.failed\ndata: ${JSON.stringify(event)}\n\n`;
  },

  malformedFrame(content) {
    return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"${itemId(content, 'msg', 1)}","delta":"\n\n`;
  },

  endsWithAssistant(body) {
    return lastOf((body as { input?: unknown } | null)?.input)?.role === 'assistant';
  },
};
