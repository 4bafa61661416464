import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

type SetupServerApi = ReturnType<typeof setupServer>;

/** An msw handler replying to POSTs under `baseURL` with a status, headers and body chunks. */
export function startMswReplay(
  baseURL: string,
  reply: (request: { url: string; body: string; headers: Headers }) => {
    status?: number;
    headers?: Record<string, string>;
    chunks: readonly (string | Uint8Array)[];
  },
): { server: SetupServerApi; requests: { url: string; body: string; headers: Headers }[] } {
  const requests: { url: string; body: string; headers: Headers }[] = [];
  const server = setupServer(
    http.all(`${baseURL}/*`, async ({ request }) => {
      const recorded = { url: request.url, body: await request.text(), headers: request.headers };
      requests.push(recorded);
      const scripted = reply(recorded);
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of scripted.chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
          controller.close();
        },
      });
      return new HttpResponse(stream, {
        status: scripted.status ?? 200,
        headers: scripted.headers ?? { 'content-type': 'text/event-stream' },
      });
    }),
  );
  server.listen({ onUnhandledRequest: 'error' });
  return { server, requests };
}
