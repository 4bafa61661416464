import type { FinishReason } from '../spec/index.js';

/**
 * Maps a Messages API `stop_reason`. `pause_turn` (a server tool paused a long turn) ends the
 * answer like `end_turn`; `model_context_window_exceeded` is the output running into the context
 * window, so it reads as `length`.
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}
