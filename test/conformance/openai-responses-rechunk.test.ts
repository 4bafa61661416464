import { openaiResponses } from '../../src/providers/openai-responses/openai-responses-adapter.js';
import { describeRechunkSuite } from './rechunk-suite.js';

describeRechunkSuite({
  title: 'OpenAI Responses conformance',
  folder: 'openai-responses',
  fixtureCount: 10,
  nonAsciiFixture: 'openai-responses/pydantic-ai/stream-web-search-cached-tokens.0.response.sse',
  adapter: () => openaiResponses({ apiKey: 'sk-test-rechunk-key', baseURL: 'http://127.0.0.1:9/v1' }),
  model: 'gpt-5',
  splitsPerVariant: 100,
});
