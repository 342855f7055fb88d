/**
 * Servers that fail the way real ones do, for the tests of bounded network calls: one that
 * accepts TCP and never says a word (a frozen process, a black-holing load balancer), a port
 * where nothing listens, and an HTTP server that answers forever. Each is closed by `close()`.
 */
import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';

export interface TestServer {
  port: number;
  close(): void;
}

/** Accepts TCP connections and never answers. */
export async function silentServer(): Promise<TestServer> {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A port on 127.0.0.1 where nothing listens: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An HTTP server whose every answer is 200 and never ends: `prefix`, then `chunk` forever. */
export async function endlessServer(
  prefix: string,
  chunk: string,
): Promise<TestServer & { bytesSent(): number }> {
  let sent = 0;
  const body = Buffer.from(chunk.repeat(Math.max(1, Math.floor(65536 / chunk.length))));
  const server = createServer((_req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(prefix);
    const pump = (): void => {
      let more = true;
      while (more && !res.destroyed) {
        more = res.write(body);
        sent += body.length;
      }
    };
    res.on('drain', pump);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    bytesSent: () => sent,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** An HTTP server that waits `delayMs` before each answer (which it then gives with `answer`). */
export async function slowServer(
  delayMs: number,
  answer: string,
): Promise<TestServer & { requests(): number }> {
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((_req, res) => {
    requests++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    close: () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close();
    },
  };
}
