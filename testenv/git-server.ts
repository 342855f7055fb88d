/**
 * A real Git server on 127.0.0.1 for the GitOps tests: git's own smart-HTTP CGI program
 * (`git http-backend`) behind node:http, serving the bare repositories under one directory —
 * what Flux's source-controller clones from. Pushes go through the same server.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitServer {
  /** e.g. http://127.0.0.1:41234 — a repository `x.git` under the root is `${url}/x.git`. */
  url: string;
  close(): Promise<void>;
}

/** git's CGI program: `git --exec-path` holds it on Debian (/usr/lib/git-core). */
export function httpBackendPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.HINDSIGHT_GIT_HTTP_BACKEND, '/usr/lib/git-core/git-http-backend'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** Serves every bare repository under `root` (read and push, no authentication). */
export async function startGitServer(root: string, backend = httpBackendPath()): Promise<GitServer> {
  if (!backend)
    throw new Error('git http-backend not found (install git, or set HINDSIGHT_GIT_HTTP_BACKEND)');
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn(backend, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        // Pushes over HTTP are refused unless a user is known; the tests push anonymously.
        REMOTE_USER: 'test',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: req.headers['content-length'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      res.write(head.subarray(end + 4));
    });
    let stderr = '';
    cgi.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    cgi.on('close', (code) => {
      if (!headDone) {
        res.statusCode = 500;
        res.end(`git http-backend exited ${code}: ${stderr}`);
        return;
      }
      res.end();
    });
    cgi.on('error', (error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
