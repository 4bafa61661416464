/** A tool call that the stream cut before its arguments were complete; never a valid call. */
export type IncompleteToolCall = {
  readonly id: string;
  readonly name: string;
  readonly argsText: string;
};
