import { createServer } from 'node:http';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { AbortToken } from '../../../src/transport/abort-token.js';
import { listenOnLoopback } from '../../helpers/listen-on-loopback.js';

// Counts how often undici is actually loaded: the transport imports it on first use, not at import.
// (vitest runs the factory once per file, so only the file's first test sees the load itself.)
const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock('undici', async (importOriginal) => {
  loads.count++;
  return importOriginal();
});

/** A fresh copy of the transport module (and of the errors it throws), whose undici is not loaded yet. */
async function freshTransportModule() {
  vi.resetModules();
  const { UndiciTransport } = await import('../../../src/transport/undici-transport.js');
  const { ConnectionError } = await import('../../../src/errors/errors.js');
  return { UndiciTransport, ConnectionError };
}

async function okServer() {
  let connections = 0;
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  const listener = await listenOnLoopback(server, () => connections++);
  onTestFinished(() => listener.close());
  return { url: listener.url, bodies, connections: () => connections };
}

describe('UndiciTransport loads undici lazily', () => {
  it('loads undici at the first request, not when its module is imported nor when a transport is made', async () => {
    const { UndiciTransport } = await freshTransportModule();
    const server = await okServer();
    const transport = new UndiciTransport();
    onTestFinished(() => transport.close({ graceMs: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(loads.count).toBe(0);
    const response = await transport.request({ url: `${server.url}/v1/chat`, method: 'POST', headers: {}, body: '{}', signal: new AbortToken() });
    await response.text();
    expect(loads.count).toBe(1);
  });

  it('sends a request made right after construction, once undici has loaded', async () => {
    const { UndiciTransport } = await freshTransportModule();
    const server = await okServer();
    const transport = new UndiciTransport();
    onTestFinished(() => transport.close({ graceMs: 0 }));
    const response = await transport.request({
      url: `${server.url}/v1/chat`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"hello":"world"}',
      signal: new AbortToken(),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"ok":true}');
    expect(server.bodies).toEqual(['{"hello":"world"}']);
  });

  it('refuses a request that was waiting for undici when the transport closed meanwhile, opening no socket', async () => {
    const { UndiciTransport, ConnectionError } = await freshTransportModule();
    const server = await okServer();
    const transport = new UndiciTransport();
    const pending = transport.request({ url: `${server.url}/v1/chat`, method: 'POST', headers: {}, body: '{}', signal: new AbortToken() });
    await transport.close({ graceMs: 0 });
    await expect(pending).rejects.toBeInstanceOf(ConnectionError);
    expect(server.connections()).toBe(0);
  });

  it('warms up connections before any request has loaded undici', async () => {
    const { UndiciTransport } = await freshTransportModule();
    const server = await okServer();
    const transport = new UndiciTransport({ warmupConnections: 2 });
    onTestFinished(() => transport.close({ graceMs: 0 }));
    await transport.warmup([`${server.url}/v1`]);
    expect(server.connections()).toBe(2);
  });
});
