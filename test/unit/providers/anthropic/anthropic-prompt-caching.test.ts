import { describe, expect, it, onTestFinished } from 'vitest';
import type { ProviderRequest } from '../../../../src/client/types.js';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';
import { anthropic, type AnthropicOptions } from '../../../../src/providers/anthropic/anthropic-adapter.js';
import { systemClock } from '../../../../src/providers/provider.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
import { startReplayServer } from '../../../helpers/replay-server.js';

const ANSWER = JSON.stringify({
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'Done.' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 12, cache_creation_input_tokens: 3000, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 3000 }, output_tokens: 3 },
});

/** Sends `request` over loopback and returns the body the server received, and the usage. */
async function send(request: ProviderRequest, options: Partial<AnthropicOptions> = {}) {
  const server = await startReplayServer([{ headers: { 'content-type': 'application/json' }, chunks: [ANSWER] }]);
  const transport = new UndiciTransport();
  onTestFinished(async () => {
    await transport.close();
    await server.close();
  });
  const adapter = anthropic({ apiKey: 'sk-ant-caching-test', baseURL: `${server.url}/v1`, ...options });
  const result = await adapter.doGenerate(request, { signal: new AbortController().signal, transport, clock: systemClock });
  return { sent: JSON.parse(server.requests[0]!.body) as Record<string, any>, result };
}

const TOOLS = [
  { name: 'search', parameters: { type: 'object' } },
  { name: 'fetch', parameters: { type: 'object' } },
];

const CONVERSATION: ProviderRequest = {
  model: 'claude-sonnet-4-5',
  tools: TOOLS,
  messages: [
    { role: 'system', content: 'You are a careful librarian. <long catalogue>' },
    { role: 'user', content: 'Find the atlas.' },
    { role: 'assistant', content: 'It is on shelf 4.' },
    { role: 'user', content: 'And the dictionary?' },
  ],
};

describe('anthropic prompt caching: cacheControl markers', () => {
  it('sends cache_control on the system prompt, a message and a tool where the caller marked them', async () => {
    const { sent } = await send({
      model: 'claude-sonnet-4-5',
      tools: [TOOLS[0]!, { ...TOOLS[1]!, cacheControl: {} }],
      messages: [
        { role: 'system', content: 'Rules.', cacheControl: { ttl: '1h' } },
        { role: 'system', content: 'More rules.' },
        { role: 'user', content: 'Long document…', cacheControl: {} },
        { role: 'assistant', content: 'Read it.', toolCalls: [{ id: 'toolu_1', name: 'search', args: {} }], cacheControl: { ttl: '5m' } },
        { role: 'tool', toolCallId: 'toolu_1', content: 'hits', cacheControl: {} },
        { role: 'user', content: 'Summarize.' },
      ],
    });
    expect(sent.system).toEqual([
      { type: 'text', text: 'Rules.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'More rules.' },
    ]);
    expect(sent.tools[1]).toEqual({ name: 'fetch', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } });
    expect(sent.tools[0].cache_control).toBeUndefined();
    expect(sent.messages[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Long document…', cache_control: { type: 'ephemeral' } }] });
    // The marker goes on the last block of the turn: the tool_use, not the text.
    expect(sent.messages[1].content.map((block: { cache_control?: unknown }) => block.cache_control)).toEqual([undefined, { type: 'ephemeral' }]);
    // The tool result keeps its own marker when merged into the next user turn.
    expect(sent.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: 'hits', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Summarize.' },
    ]);
  });

  it('sends no cache_control without markers and with caching off', async () => {
    const { sent } = await send(CONVERSATION);
    expect(JSON.stringify(sent)).not.toContain('cache_control');
    expect(sent.system).toBe('You are a careful librarian. <long catalogue>');
  });

  it('reports cache writes with their 1-hour part in usage', async () => {
    const { result } = await send(CONVERSATION);
    expect(result.usage).toEqual({ inputTokens: 3012, outputTokens: 3, totalTokens: 3015, cachedInputTokens: 0, cacheWriteInputTokens: 3000, cacheWrite1hInputTokens: 3000 });
  });
});

describe("anthropic prompt caching: promptCaching: 'auto'", () => {
  it('marks the end of the earlier turns, the system prompt and the last tool', async () => {
    const { sent } = await send(CONVERSATION, { promptCaching: 'auto' });
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'It is on shelf 4.', cache_control: { type: 'ephemeral' } }] });
    expect(sent.messages[2]).toEqual({ role: 'user', content: 'And the dictionary?' });
    expect(sent.system).toEqual([{ type: 'text', text: 'You are a careful librarian. <long catalogue>', cache_control: { type: 'ephemeral' } }]);
    expect(sent.tools[1].cache_control).toEqual({ type: 'ephemeral' });
    expect(sent.tools[0].cache_control).toBeUndefined();
  });

  it('uses the 1-hour TTL when asked', async () => {
    const { sent } = await send(CONVERSATION, { promptCaching: { mode: 'auto', ttl: '1h' } });
    expect(sent.system[0].cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
  });

  it("stays within Anthropic's four breakpoints, keeping the longest prefix first", async () => {
    const { sent } = await send(
      {
        ...CONVERSATION,
        messages: [
          { role: 'system', content: 'System.' },
          { role: 'user', content: 'a', cacheControl: {} },
          { role: 'assistant', content: 'b', cacheControl: {} },
          { role: 'user', content: 'c', cacheControl: {} },
          { role: 'assistant', content: 'd' },
          { role: 'user', content: 'e' },
        ],
      },
      { promptCaching: 'auto' },
    );
    const serialized = JSON.stringify(sent);
    expect(serialized.match(/cache_control/g)).toHaveLength(4);
    // The one slot left goes to the end of the history, not to the system prompt or tools.
    expect(sent.messages[3].content[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(sent.system).toEqual([{ type: 'text', text: 'System.' }]);
  });

  it('marks only the system prompt and tools on a first turn', async () => {
    const { sent } = await send({ ...CONVERSATION, messages: CONVERSATION.messages.slice(0, 2) }, { promptCaching: 'auto' });
    expect(sent.messages[0].content).toBe('Find the atlas.');
    expect(sent.system[0].cache_control).toEqual({ type: 'ephemeral' });
  });

  it('rejects more than four markers, and bad promptCaching options, with InvalidArgumentError', async () => {
    const tooMany: ProviderRequest = {
      model: 'claude-sonnet-4-5',
      messages: ['a', 'b', 'c', 'd', 'e'].map((content, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content, cacheControl: {} }) as const),
    };
    await expect(send(tooMany, { promptCaching: 'auto' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => anthropic({ apiKey: 'sk-ant-caching-test', promptCaching: 'always' as never })).toThrow(/promptCaching/);
    expect(() => anthropic({ apiKey: 'sk-ant-caching-test', promptCaching: { mode: 'auto', ttl: '2h' as never } })).toThrow(/promptCaching\.ttl/);
  });
});
