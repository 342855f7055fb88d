/**
 * The child process `serve` resolves its kubeconfig in (ADR 0025): loads it with client-node,
 * prints the current context's {@link ClusterAccess} as JSON and exits, so that the server's own
 * process never loads client-node. Its one argument: `{"kubeconfig"?, "context"?}`.
 */
import { type AccessReply, accessOf } from './cluster-access.ts';
import { loadKubeconfig } from './kubeconfig.ts';

const request = JSON.parse(process.argv[2] ?? '{}') as { kubeconfig?: string; context?: string };
let reply: AccessReply;
try {
  reply = { access: accessOf(loadKubeconfig({ ...request, env: process.env })) };
} catch (error) {
  reply = { error: (error as Error).message };
}
process.stdout.write(JSON.stringify(reply));
