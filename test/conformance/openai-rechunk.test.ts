import { openai } from '../../src/providers/openai/openai-adapter.js';
import { describeRechunkSuite } from './rechunk-suite.js';

describeRechunkSuite({
  title: 'OpenAI conformance',
  folder: 'openai',
  fixtureCount: 14,
  nonAsciiFixture: 'openai/openai-python__json-schema-long-stream.sse',
  adapter: () => openai({ apiKey: 'sk-test-rechunk-key', baseURL: 'http://127.0.0.1:9/v1' }),
  model: 'gpt-4o',
  splitsPerVariant: 200,
});
