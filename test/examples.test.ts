import { describe, expect, it } from 'vitest';
import { main as runDemo } from '../examples/demo.js';
import { main as runFallbackChain } from '../examples/fallback-chain.js';
import { main as runQuickStart } from '../examples/quick-start.js';
import { main as runStreaming } from '../examples/streaming.js';

/** Every example runs here, so none of them can rot. Each talks to its own local provider server. */

const ANSI_ESCAPE = /\u001b\[\d+m/;
const ANSI_ESCAPES = new RegExp(ANSI_ESCAPE.source, 'g');

describe('examples/quick-start.ts', () => {
  it('answers a chat() through the OpenAI adapter and sends the request as given', async () => {
    const lines: string[] = [];
    const result = await runQuickStart((line) => lines.push(line));

    expect(result.text).toBe('Hello! I am answering from a local server.');
    expect(result.model).toBe('gpt-4o-mini');
    expect(result.usage.totalTokens).toBe(result.usage.inputTokens + result.usage.outputTokens);
    expect(result.cost).toBeGreaterThan(0);
    expect(result.sentBody).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello.' },
      ],
      temperature: 0.2,
    });
    expect(lines[0]).toBe(result.text);
  });
});

describe('examples/fallback-chain.ts', () => {
  it('retries the overloaded primary, leaves the long rate limit at once, and is answered by the third vendor', async () => {
    const result = await runFallbackChain(() => undefined);

    expect(result.alias).toBe('flash');
    expect(result.text).toBe('Answered by the third vendor in the chain.');
    expect(result.attempts).toEqual([
      { alias: 'mini', provider: 'openai', outcome: 'error', errorCode: 'RLLM_OVERLOADED', status: 503 },
      { alias: 'mini', provider: 'openai', outcome: 'error', errorCode: 'RLLM_OVERLOADED', status: 503 },
      { alias: 'mini', provider: 'openai', outcome: 'error', errorCode: 'RLLM_OVERLOADED', status: 503 },
      // Retry-After: 120 s is more than the call will wait: no retry on this deployment.
      { alias: 'haiku', provider: 'claude', outcome: 'error', errorCode: 'RLLM_RATE_LIMITED', status: 429 },
      { alias: 'flash', provider: 'google', outcome: 'success' },
    ]);
    expect(result.requests).toEqual({ 'gpt-4o-mini': 3, 'claude-haiku-4-5': 1, 'gemini-2.5-flash': 1 });
    expect(result.configError).toContain('unknown alias "hiaku"');
  });
});

describe('examples/streaming.ts', () => {
  it('streams parts, text and a ReadableStream, and closes the socket when the consumer stops', async () => {
    const written: string[] = [];
    const result = await runStreaming((text) => written.push(text));

    const poem = 'Tokens arrive one by one, and the answer builds up on the screen as the model writes it.';
    expect(result.text).toBe(poem);
    expect(result.textStreamText).toBe(poem);
    expect(result.readableText).toBe(poem);
    expect(result.partTypes[0]).toBe('start');
    expect(result.partTypes.at(-1)).toBe('finish');
    expect(result.partTypes.filter((type) => type === 'text-delta').length).toBeGreaterThan(5);
    expect(result.stoppedText).toBe('word word word word word');
    expect(result.stoppedError).toBe('AbortError');
    expect(result.closedEarly).toBe(1);
    expect(written.join('')).toContain(`[claude/claude-haiku-4-5] ${poem}`);
  });
});

describe('examples/demo.ts', () => {
  it('shows chat, stream, an outage with retries, failover and the breaker, a mid-stream reset and the costs', async () => {
    let output = '';
    const startedAt = performance.now();
    const result = await runDemo({ write: (text) => (output += text), color: true });
    const elapsedMs = performance.now() - startedAt;

    // (a) chat() and stream()
    expect(result.chat).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(result.stream.text).toBe(result.chat.text);
    expect(result.stream.deltas).toBeGreaterThan(5);

    // (b) the outage: the first call goes 429 → 503 → 503 → breaker opens → backup answers.
    const { outage } = result;
    expect(outage.answers[0]).toMatchObject({ alias: 'backup', attempts: 4 });
    const firstCall = outage.timeline.slice(0, outage.timeline.findIndex((entry) => entry.type === 'attempt-end') + 1).map((entry) => entry.type);
    expect(firstCall).toEqual([
      'attempt-start',
      'attempt-error',
      'cooldown',
      'retry',
      'attempt-start',
      'attempt-error',
      'retry',
      'attempt-start',
      'circuit-state',
      'attempt-error',
      'fallback',
      'attempt-start',
      'attempt-end',
    ]);
    expect(outage.timeline[1]!.text).toContain('RLLM_RATE_LIMITED HTTP 429');
    expect(outage.timeline[3]!.text).toContain('Retry-After honoured');
    // The retry after the 429 waited for Retry-After (250 ms).
    const retryGap = outage.timeline[4]!.atMs - outage.timeline[1]!.atMs;
    expect(retryGap).toBeGreaterThanOrEqual(240);
    expect(outage.circuit[0]).toBe('closed→open');
    // The primary recovered, and the breaker closed again: the last call was served by it.
    expect(outage.circuit.at(-1)).toBe('half-open→closed');
    expect(outage.answers.at(-1)).toMatchObject({ alias: 'primary', text: 'The primary is back and answering again.', attempts: 1 });
    expect(outage.answers.slice(0, -1).every((answer) => answer.alias === 'backup')).toBe(true);
    expect(outage.backupRequests).toBe(outage.answers.length - 1);

    // (c) a mid-stream cut: one reset, and the answer restarted in full on the Gemini backup.
    expect(result.midStream).toMatchObject({ resets: 1, alias: 'writer-backup', provider: 'gemini' });
    expect(result.midStream.visible).toBe(result.midStream.text);
    expect(result.midStream.text).toMatch(/^The primary model started the answer, .* from the top\.$/);

    // (d) costs and attempts
    expect(result.usage.total.errors).toBe(result.usage.byAlias['primary']!.errors + result.usage.byAlias['writer']!.errors);
    expect(result.usage.byAlias['writer']).toMatchObject({ requests: 1, errors: 1 });
    expect(result.usage.total.cost).toBeGreaterThan(0);

    // The narrative: coloured when asked, and readable once the colour is stripped.
    expect(output).toMatch(ANSI_ESCAPE);
    const plain = output.replace(ANSI_ESCAPES, '');
    expect(plain).toContain('━━ 1. chat() and stream()');
    expect(plain).toContain(`stream() → ${result.chat.text}`);
    expect(plain).toContain('closed → OPEN (consecutive-failures)');
    expect(plain).toContain('half-open → CLOSED (probes-succeeded)');
    expect(plain).toMatch(/✂ reset: restarting after RLLM_\w+\. The text above is void\./);
    expect(plain).toMatch(/^total\s+\d+\s+\d+\s+\d+\/\d+\s+\$\d+\.\d{6}$/m);
    // examples/tools-repair.ts runs last, as its own section.
    expect(result.toolsRepair).toBeDefined();
    expect(plain).toContain('━━ 5. Tool calls validated with zod, and repaired by the model');
    expect(elapsedMs).toBeLessThan(10_000);
  });
});
