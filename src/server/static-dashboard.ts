/**
 * The dashboard of files: `hindsight dashboard PATHS` scans manifests or a snapshot once and
 * serves the same pages `serve` does, from that one result, on loopback. Read-only, GET only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DashboardState } from '../reporters/dashboard.ts';
import { renderDashboard } from '../reporters/dashboard.ts';

export async function serveDashboard(
  state: DashboardState,
  host: string,
  port: number,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end('read-only: GET only\n');
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/api/findings') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ findings: state.findings }));
      return;
    }
    const page = renderDashboard(state, path);
    res
      .writeHead(page.status, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
        'x-content-type-options': 'nosniff',
      })
      .end(page.html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    server,
  };
}
