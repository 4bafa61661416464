/**
 * The relay wire format, shared by the server helpers and the browser reader (docs/relay.md).
 * This file imports nothing, so the browser entry can use it without Node built-ins.
 *
 * Every part is one JSON object with an `id`: `"<seq>"` for a plain relay, `"<streamId>:<seq>"` for
 * a resumable one, `seq` counting up from 1 per stream. SSE sends it on the `id:` line as well, so
 * `Last-Event-ID` resumes.
 */

/** Token counts of a finished answer. */
export type WireUsage = {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  readonly cachedInputTokens?: number;
  readonly reasoningTokens?: number;
};

/** One part on the wire. `reset` means: drop the text shown so far, the answer restarts. */
export type WirePart =
  | { readonly id: string; readonly type: 'start'; readonly alias: string; readonly provider: string; readonly model: string }
  | { readonly id: string; readonly type: 'text-delta'; readonly text: string }
  | { readonly id: string; readonly type: 'reasoning-delta'; readonly text: string }
  | {
      readonly id: string;
      readonly type: 'tool-call';
      readonly toolCall: { readonly id: string; readonly name: string; readonly args: unknown };
    }
  | { readonly id: string; readonly type: 'reset'; readonly reason: string; readonly errorCode?: string }
  | {
      readonly id: string;
      readonly type: 'finish';
      readonly finishReason: string;
      readonly usage: WireUsage;
      /** USD, when the price is known. */
      readonly cost?: number;
      readonly alias: string;
      readonly provider: string;
      readonly model: string;
    }
  /** The call failed: a stable `code` (`RLLM_*`) and a message with no key and no stack. */
  | { readonly id: string; readonly type: 'error'; readonly code: string; readonly message: string };

export type WirePartType = WirePart['type'];

/** Whether a part ends its stream (`finish` or `error`). */
export function isTerminalPart(part: { readonly type: string }): boolean {
  return part.type === 'finish' || part.type === 'error';
}

/** Splits a part id into its stream id (`''` for a plain relay) and its sequence number; undefined when malformed. */
export function splitPartId(id: string): { readonly streamId: string; readonly seq: number } | undefined {
  const colon = id.lastIndexOf(':');
  const seq = Number(colon < 0 ? id : id.slice(colon + 1));
  if (!Number.isInteger(seq) || seq < 1) return undefined;
  return { streamId: colon < 0 ? '' : id.slice(0, colon), seq };
}
