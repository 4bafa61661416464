#!/usr/bin/env bash
# Packs the library, installs the tarball into a fresh project, and checks that both `import`
# and `require` work and that a real call to a local provider server succeeds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "./$tarball" >/dev/null
cat > esm.mjs <<'JS'
import { ResilientLLM, openai } from 'llm-resilience';
import { createProviderServer } from 'llm-resilience/testing';
const server = await createProviderServer({ script: { default: [{ text: 'Hello from ESM' }] } });
const llm = new ResilientLLM({
  providers: { local: openai({ apiKey: 'sk-smoke-test-key', baseURL: `${server.url}/v1` }) },
  models: { main: { provider: 'local', model: 'gpt-smoke' } },
});
const answer = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'hi' }] });
let streamed = '';
for await (const text of llm.stream({ model: 'main', messages: [{ role: 'user', content: 'hi' }] }).textStream) streamed += text;
await llm.close();
await server.close();
if (answer.text !== 'Hello from ESM' || streamed !== 'Hello from ESM') throw new Error(`unexpected: ${answer.text} / ${streamed}`);
const browser = await import('llm-resilience/browser');
if (typeof browser.readStream !== 'function') throw new Error('llm-resilience/browser has no readStream');
console.log('esm ok:', answer.text, '| streamed:', streamed, '| browser entry ok');
JS
cat > cjs.cjs <<'JS'
const { ResilientLLM, openai, InvalidArgumentError } = require('llm-resilience');
const { createProviderServer } = require('llm-resilience/testing');
(async () => {
  const server = await createProviderServer({ script: { default: [{ text: 'Hello from CJS' }] } });
  const llm = new ResilientLLM({
    providers: { local: openai({ apiKey: 'sk-smoke-test-key', baseURL: `${server.url}/v1` }) },
    models: { main: { provider: 'local', model: 'gpt-smoke' } },
  });
  const answer = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'hi' }] });
  let invalid;
  try { await llm.chat({ model: 'main', messages: [] }); } catch (error) { invalid = error; }
  await llm.close();
  await server.close();
  if (answer.text !== 'Hello from CJS') throw new Error(`unexpected: ${answer.text}`);
  if (!(invalid instanceof InvalidArgumentError)) throw new Error('expected InvalidArgumentError');
  console.log('cjs ok:', answer.text);
})().catch((error) => { console.error(error); process.exit(1); });
JS
node esm.mjs
node cjs.cjs
