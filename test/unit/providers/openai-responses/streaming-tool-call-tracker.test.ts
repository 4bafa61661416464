import { describe, expect, it } from 'vitest';
import { StreamingToolCallTracker } from '../../../../src/providers/openai-responses/streaming-tool-call-tracker.js';

describe('StreamingToolCallTracker', () => {
  it('assembles fragments by item id into numbered calls with their call ids and item ids', () => {
    const tracker = new StreamingToolCallTracker();
    expect(tracker.start({ id: 'fc_a', type: 'function_call', call_id: 'call_a', name: 'get_capital', arguments: '' }, 0)).toBeUndefined();
    expect(tracker.appendArguments('fc_a', 0, '{"')).toEqual({ type: 'tool-call-delta', index: 0, id: 'call_a', name: 'get_capital', argsTextDelta: '{"' });
    tracker.appendArguments('fc_a', 0, 'country":"France"}');
    tracker.start({ id: 'fc_b', type: 'function_call', call_id: 'call_b', name: 'get_time', arguments: '' }, 1);
    expect(tracker.appendArguments('fc_b', 1, '{}')).toMatchObject({ index: 1, id: 'call_b' });
    expect(tracker.finish(false)).toEqual({
      toolCalls: [
        { id: 'call_a', name: 'get_capital', args: { country: 'France' }, providerMetadata: { openaiItemId: 'fc_a' } },
        { id: 'call_b', name: 'get_time', args: {}, providerMetadata: { openaiItemId: 'fc_b' } },
      ],
      incompleteToolCalls: [],
    });
  });

  it('finds a call by output_index when a gateway leaves out item_id', () => {
    const tracker = new StreamingToolCallTracker();
    tracker.start({ id: 'fc_a', call_id: 'call_a', name: 'f' }, 3);
    expect(tracker.appendArguments(undefined, 3, '{"x":1}')).toMatchObject({ argsTextDelta: '{"x":1}' });
    expect(tracker.finish(false).toolCalls[0]!.args).toEqual({ x: 1 });
  });

  it('sends the text missing from the fragments as one last fragment when .done has more', () => {
    const tracker = new StreamingToolCallTracker();
    tracker.start({ id: 'fc_a', call_id: 'call_a', name: 'f' }, 0);
    tracker.appendArguments('fc_a', 0, '{"a"');
    expect(tracker.finishArguments('fc_a', 0, '{"a":2}')).toMatchObject({ argsTextDelta: ':2}' });
    // Later fragments and the finished item change nothing.
    expect(tracker.appendArguments('fc_a', 0, 'junk')).toBeUndefined();
    expect(tracker.finishItem({ id: 'fc_a', name: 'f', arguments: '{"a":2}' }, 0)).toBeUndefined();
    expect(tracker.finish(false).toolCalls[0]!.args).toEqual({ a: 2 });
  });

  it('lets the complete text of .done win over fragments that disagree', () => {
    const tracker = new StreamingToolCallTracker();
    tracker.start({ id: 'fc_a', call_id: 'call_a', name: 'f' }, 0);
    tracker.appendArguments('fc_a', 0, '{"a":9');
    expect(tracker.finishArguments('fc_a', 0, '{"b":1}')).toBeUndefined();
    expect(tracker.finish(false).toolCalls[0]!.args).toEqual({ b: 1 });
  });

  it('reports invalid arguments as incomplete when the answer was cut, else with the raw text for repair', () => {
    const cut = new StreamingToolCallTracker();
    cut.start({ id: 'fc_a', call_id: 'call_a', name: 'f' }, 0);
    cut.appendArguments('fc_a', 0, '{"a":');
    expect(cut.finish(true)).toEqual({ toolCalls: [], incompleteToolCalls: [{ id: 'call_a', name: 'f', argsText: '{"a":' }] });
    const bad = new StreamingToolCallTracker();
    bad.start({ id: 'fc_a', call_id: 'call_a', name: 'f' }, 0);
    bad.finishArguments('fc_a', 0, 'not json');
    expect(bad.finish(false).toolCalls[0]).toMatchObject({ args: {}, argsText: 'not json' });
  });

  it('ignores fragments for an unknown item', () => {
    const tracker = new StreamingToolCallTracker();
    expect(tracker.appendArguments('fc_missing', 7, '{}')).toBeUndefined();
    expect(tracker.size).toBe(0);
  });
});
