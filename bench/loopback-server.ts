/**
 * The benchmark's provider: a plain node:http server on 127.0.0.1 that answers Chat Completions
 * with a fixed body, or a stream of `BENCH_CHUNKS` deltas (all at once, or one every
 * `BENCH_CHUNK_INTERVAL_MS`). Runs in its own process so the client's CPU
 * time is measured alone. Prints its port on stdout.
 */
import { createServer } from 'node:http';

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 100);
/** With a positive value, streams send one event every this many ms instead of all at once. */
const CHUNK_INTERVAL_MS = Number(process.env.BENCH_CHUNK_INTERVAL_MS ?? 0);
const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1727346166,
  model: 'gpt-bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The capital of France is Paris.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 },
});
const head = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1727346166, model: 'gpt-bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
let stream = head({ role: 'assistant', content: '' });
for (let index = 0; index < CHUNKS; index++) stream += head({ content: ` tok${index}` });
stream += head({}, 'stop');
stream += `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1727346166, model: 'gpt-bench', choices: [], usage: { prompt_tokens: 14, completion_tokens: CHUNKS, total_tokens: 14 + CHUNKS } })}\n\n`;
stream += 'data: [DONE]\n\n';
// Each event is written separately so the client sees many reads, as with a real stream.
const events = stream.split(/(?<=\n\n)/);

const server = createServer((request, response) => {
  const parts: Buffer[] = [];
  request.on('data', (chunk: Buffer) => parts.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(parts).toString();
    if (body.includes('"stream":true') && CHUNK_INTERVAL_MS > 0) {
      // A slow stream: one event every CHUNK_INTERVAL_MS, as a model generating tokens.
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' });
      let index = 0;
      const timer = setInterval(() => {
        response.write(events[index++]);
        if (index === events.length) {
          clearInterval(timer);
          response.end();
        }
      }, CHUNK_INTERVAL_MS);
      response.on('close', () => clearInterval(timer));
    } else if (body.includes('"stream":true')) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' });
      let index = 0;
      const writeSome = () => {
        while (index < events.length) {
          const isOk = response.write(events[index++]);
          if (index % 10 === 0) {
            setImmediate(writeSome);
            return;
          }
          if (!isOk) {
            response.once('drain', writeSome);
            return;
          }
        }
        response.end();
      };
      writeSome();
    } else {
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench', 'content-length': Buffer.byteLength(completion) });
      response.end(completion);
    }
  });
});
server.keepAliveTimeout = 60_000;
let connections = 0;
server.on('connection', () => connections++);
// A deep backlog: the stream-scale bench opens 1,000 connections at once.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('message', (message) => {
  if (message === 'stop') {
    if (process.env.BENCH_DEBUG) process.stderr.write(`server saw ${connections} connections\n`);
    server.close(() => process.exit(0));
  }
});
