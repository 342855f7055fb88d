/**
 * Raw JSON requests to the API server with the kubeconfig's credentials. hindsight lists
 * objects as plain JSON rather than client-node's typed models: the analyses read plain
 * objects, and skipping model conversion keeps lists of 100k pods fast and small.
 */

import { request as httpRequest } from 'node:http';
import { Agent, type RequestOptions, request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface ApiResult {
  status: number;
  body: string;
}

export class ClusterClient {
  readonly server: string;
  private readonly kc: KubeConfig;
  private agent: Agent | undefined;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/$/, '');
  }

  async get(path: string, accept = 'application/json'): Promise<ApiResult> {
    const url = new URL(this.server + path);
    const options: RequestOptions = { method: 'GET', headers: { accept } };
    // Credentials may change between calls (exec plugins refresh tokens), so apply them each time.
    await this.kc.applyToHTTPSOptions(options);
    if (!this.agent) {
      this.agent = new Agent({
        keepAlive: true,
        maxSockets: 8,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.cert ? { cert: options.cert } : {}),
        ...(options.key ? { key: options.key } : {}),
        ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      });
    }
    const send = url.protocol === 'http:' ? httpRequest : request;
    return new Promise((resolveResult, reject) => {
      const req = send(
        url,
        { ...options, agent: url.protocol === 'http:' ? undefined : this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolveResult({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`timed out after 60 s: GET ${path}`)));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent?.destroy();
  }
}
