/** A fragment of a tool call's argument text, keyed by the call's position in the answer. */
export type ToolCallDeltaPart = {
  readonly type: 'tool-call-delta';
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly argsTextDelta: string;
};
