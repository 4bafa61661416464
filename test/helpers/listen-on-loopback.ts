import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A server listening on 127.0.0.1 at a free port. */
export type LoopbackListener = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Destroys every open socket and resolves once the server is closed. */
  close(): Promise<void>;
};

/** Starts `server` on 127.0.0.1:0, keeping its sockets so that `close()` never waits on keep-alive. */
export async function listenOnLoopback(server: Server, onConnection?: (socket: Socket) => void): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    onConnection?.(socket);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
