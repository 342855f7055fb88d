/**
 * A client for the cluster the options name, resolved in this process: for one-shot commands.
 * (Kept apart from load-cluster.ts so that `serve`, which reads the kubeconfig in a child
 * process, never loads client-node through it.)
 */
import { ClusterClient } from './api-client.ts';
import { accessOf } from './cluster-access.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import type { ClusterOptions } from './load-cluster.ts';

/** A client for the cluster the options name (kubeconfig, context), under their request limits. */
export function openClusterClient(options: ClusterOptions): ClusterClient {
  return new ClusterClient(options.access ?? accessOf(loadKubeconfig(options)), options.client);
}
