/**
 * Finding and loading the kubeconfig the way kubectl does ($KUBECONFIG list, then
 * ~/.kube/config, or the in-cluster service account), through @kubernetes/client-node so every
 * auth method it knows (client certificates, tokens, exec plugins such as `aws eks get-token`)
 * works. Unlike client-node's default, a missing kubeconfig is an error, never localhost:8080.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../../core/errors.ts';

export interface KubeconfigOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  env: NodeJS.ProcessEnv;
}

export function loadKubeconfig(options: KubeconfigOptions): KubeConfig {
  const kc = new KubeConfig();
  const fromEnv = (options.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  const home = join(options.env.HOME ?? homedir(), '.kube', 'config');
  try {
    if (options.kubeconfig) {
      if (!existsSync(options.kubeconfig))
        throw new ConfigError(`kubeconfig ${options.kubeconfig} does not exist`);
      kc.loadFromFile(options.kubeconfig);
    } else if (fromEnv.some((f) => existsSync(f))) {
      // Merge the $KUBECONFIG list as kubectl does: the first file that sets a value wins.
      const files = fromEnv.filter((f) => existsSync(f));
      kc.loadFromFile(files[0] as string);
      for (const file of files.slice(1)) {
        const other = new KubeConfig();
        other.loadFromFile(file);
        kc.mergeConfig(other, true);
      }
    } else if (existsSync(home)) {
      kc.loadFromFile(home);
    } else if (options.env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
    } else {
      throw new ConfigError(
        'no kubeconfig: set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config (aws eks update-kubeconfig --name <cluster>); ' +
          'to scan files instead, give paths: hindsight scan ./manifests',
      );
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot read kubeconfig: ${(error as Error).message}`, { cause: error });
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new ConfigError(
        `context ${options.context} is not in the kubeconfig (contexts: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ConfigError(
      `kubeconfig has no cluster for context "${kc.getCurrentContext()}"; pass --context`,
    );
  }
  return kc;
}
