import type { IncompleteToolCall, ToolCall, ToolCallDeltaPart } from '../spec/index.js';
import { finishToolCalls } from '../openai/parse-openai-response.js';
import type { ResponsesOutputItem } from './responses-wire-types.js';

type TrackedCall = {
  readonly index: number;
  readonly itemId: string;
  readonly outputIndex: number | undefined;
  readonly callId: string;
  name: string;
  argsText: string;
  isDone: boolean;
};

/** The key under which a replayed tool call keeps its Responses API item id (`fc_…`). */
export const OPENAI_ITEM_ID = 'openaiItemId';

/**
 * Assembles the function calls of one Responses API stream. A call opens with its
 * `output_item.added` item (`id`, `call_id`, `name`); `function_call_arguments.delta` fragments
 * point at it by `item_id` (or, from gateways that omit it, by `output_index`); the `.done` event and
 * the finished item carry the whole argument text, which wins over the fragments. Each method
 * returns the `tool-call-delta` part to emit, if any; calls are numbered 0, 1, … in opening order.
 */
export class StreamingToolCallTracker {
  private readonly calls: TrackedCall[] = [];
  private readonly byItemId = new Map<string, TrackedCall>();
  private readonly byOutputIndex = new Map<number, TrackedCall>();

  get size(): number {
    return this.calls.length;
  }

  /** `response.output_item.added` with a `function_call` item. */
  start(item: ResponsesOutputItem, outputIndex: unknown): ToolCallDeltaPart | undefined {
    const index = this.calls.length;
    const callId = typeof item.call_id === 'string' && item.call_id !== '' ? item.call_id : `call_${index}`;
    const itemId = typeof item.id === 'string' && item.id !== '' ? item.id : callId;
    const call: TrackedCall = {
      index,
      itemId,
      outputIndex: typeof outputIndex === 'number' ? outputIndex : undefined,
      callId,
      name: typeof item.name === 'string' ? item.name : '',
      argsText: '',
      isDone: false,
    };
    this.calls.push(call);
    this.byItemId.set(itemId, call);
    if (call.outputIndex !== undefined) this.byOutputIndex.set(call.outputIndex, call);
    return this.append(call, typeof item.arguments === 'string' ? item.arguments : '');
  }

  /** `response.function_call_arguments.delta`. */
  appendArguments(itemId: unknown, outputIndex: unknown, delta: unknown): ToolCallDeltaPart | undefined {
    const call = this.find(itemId, outputIndex);
    if (call === undefined || call.isDone || typeof delta !== 'string') return undefined;
    return this.append(call, delta);
  }

  /** `response.function_call_arguments.done`, and `output_item.done` with the finished item: the full text. */
  finishArguments(itemId: unknown, outputIndex: unknown, argsText: unknown): ToolCallDeltaPart | undefined {
    const call = this.find(itemId, outputIndex);
    if (call === undefined || call.isDone || typeof argsText !== 'string') return undefined;
    call.isDone = true;
    // Fragments lost on the way are sent as one last fragment; text that disagrees is replaced.
    if (argsText.startsWith(call.argsText)) return this.append(call, argsText.slice(call.argsText.length));
    call.argsText = argsText;
    return undefined;
  }

  /** The finished `function_call` item (`output_item.done`): its name and arguments are final. */
  finishItem(item: ResponsesOutputItem, outputIndex: unknown): ToolCallDeltaPart | undefined {
    const call = this.find(item.id, outputIndex);
    if (call === undefined) return undefined;
    if (call.name === '' && typeof item.name === 'string') call.name = item.name;
    return this.finishArguments(call.itemId, undefined, item.arguments);
  }

  /**
   * The assembled calls. A call whose arguments are not valid JSON is incomplete when the answer
   * was cut (`isCut`), else returned with its raw text for tool repair.
   */
  finish(isCut: boolean): { toolCalls: ToolCall[]; incompleteToolCalls: IncompleteToolCall[] } {
    const finished = finishToolCalls(
      this.calls.map((call) => ({ id: call.callId, name: call.name, argsText: call.argsText })),
      isCut,
    );
    const itemIds = new Map(this.calls.map((call) => [call.callId, call.itemId]));
    return {
      toolCalls: finished.toolCalls.map((toolCall) => ({ ...toolCall, providerMetadata: { [OPENAI_ITEM_ID]: itemIds.get(toolCall.id) } })),
      incompleteToolCalls: finished.incompleteToolCalls,
    };
  }

  private find(itemId: unknown, outputIndex: unknown): TrackedCall | undefined {
    if (typeof itemId === 'string') {
      const call = this.byItemId.get(itemId);
      if (call !== undefined) return call;
    }
    return typeof outputIndex === 'number' ? this.byOutputIndex.get(outputIndex) : undefined;
  }

  private append(call: TrackedCall, delta: string): ToolCallDeltaPart | undefined {
    if (delta === '') return undefined;
    call.argsText += delta;
    return { type: 'tool-call-delta', index: call.index, id: call.callId, name: call.name, argsTextDelta: delta };
  }
}
