import { describe, expect, it } from 'vitest';
import { mapGeminiFinishReason } from '../../../../src/providers/gemini/map-gemini-finish-reason.js';

describe('mapGeminiFinishReason', () => {
  it('maps STOP to stop, or to tool-calls when a function call was seen', () => {
    expect(mapGeminiFinishReason('STOP', false)).toBe('stop');
    expect(mapGeminiFinishReason('STOP', true)).toBe('tool-calls');
  });

  it('maps MAX_TOKENS to length even with function calls', () => {
    expect(mapGeminiFinishReason('MAX_TOKENS', true)).toBe('length');
  });

  it('maps every safety and image block reason to content-filter', () => {
    for (const reason of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION', 'IMAGE_OTHER']) {
      expect(mapGeminiFinishReason(reason, false), reason).toBe('content-filter');
    }
  });

  it('maps failed tool calls to error', () => {
    for (const reason of ['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']) {
      expect(mapGeminiFinishReason(reason, false), reason).toBe('error');
    }
  });

  it('maps OTHER, LANGUAGE, unspecified and unknown values to other', () => {
    for (const reason of ['OTHER', 'LANGUAGE', 'NO_IMAGE', 'FINISH_REASON_UNSPECIFIED', 'FAKE_ENUM']) {
      expect(mapGeminiFinishReason(reason, false), reason).toBe('other');
    }
  });
});
