/**
 * What a client needs of a kubeconfig, as plain data: the current context's cluster and user.
 *
 * client-node finds and parses the kubeconfig (kubectl's rules, every auth method); the requests
 * then need only this. `serve` resolves it in a short-lived child process (ADR 0025) so that the
 * long-running process never loads @kubernetes/client-node, whose import alone holds about
 * 80 MiB of RSS; one-shot commands resolve it in their own process.
 */
import { execFile } from 'node:child_process';
import type { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../../core/errors.ts';
import { CODE_EXTENSION, codeFile } from '../../core/package-files.ts';
import { type ExecPluginConfig, execPluginOf } from './exec-credential.ts';
import type { KubeconfigOptions } from './kubeconfig.ts';

export interface ClusterAccess {
  /** The current context's name. */
  context: string;
  /** The context's namespace, if it sets one. */
  namespace?: string;
  cluster: {
    name: string;
    server: string;
    caData?: string;
    /** Absolute: client-node resolves it against the kubeconfig's folder. */
    caFile?: string;
    skipTLSVerify?: boolean;
    tlsServerName?: string;
  };
  user: {
    name: string;
    certData?: string;
    certFile?: string;
    keyData?: string;
    keyFile?: string;
    token?: string;
    /** A token read from a file and read again every minute (the in-cluster service account's). */
    tokenFile?: string;
    username?: string;
    password?: string;
    impersonateUser?: string;
    /** The exec credential plugin (`aws eks get-token`), run by hindsight under its limits. */
    exec?: ExecPluginConfig;
    /**
     * An auth provider only client-node can apply and refresh (`oidc`, `azure`, `gcp`): its
     * requests load client-node to add the credential.
     */
    authProvider?: { name: string; config: Record<string, unknown> };
  };
}

/** Auth providers client-node applies itself (its authenticators for them refresh tokens). */
const CLIENT_NODE_AUTH_PROVIDERS: ReadonlySet<string> = new Set(['oidc', 'azure', 'gcp']);

/** The current context of a loaded kubeconfig as plain data. */
export function accessOf(kc: KubeConfig): ClusterAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ConfigError(`kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  const context = kc.getContextObject(kc.getCurrentContext());
  const user = kc.getCurrentUser();
  const exec = execPluginOf(user);
  const provider = user?.authProvider as { name?: string; config?: Record<string, unknown> } | undefined;
  const config = provider?.config ?? {};
  const tokenFile = typeof config.tokenFile === 'string' && !exec ? config.tokenFile : undefined;
  const refreshed =
    provider?.name && CLIENT_NODE_AUTH_PROVIDERS.has(provider.name)
      ? { name: provider.name, config: { ...config } }
      : undefined;
  return {
    context: kc.getCurrentContext(),
    ...(context?.namespace ? { namespace: context.namespace } : {}),
    cluster: defined({
      name: cluster.name,
      server: cluster.server,
      caData: cluster.caData,
      caFile: cluster.caFile,
      skipTLSVerify: cluster.skipTLSVerify || undefined,
      tlsServerName: cluster.tlsServerName,
    }),
    user: defined({
      name: user?.name ?? '',
      certData: user?.certData,
      certFile: user?.certFile,
      keyData: user?.keyData,
      keyFile: user?.keyFile,
      token: user?.token,
      tokenFile: refreshed ? undefined : tokenFile,
      username: user?.username,
      password: user?.password,
      impersonateUser: user?.impersonateUser,
      exec,
      authProvider: refreshed,
    }),
  };
}

/** Resolves the kubeconfig in this process (loading client-node). */
export async function loadClusterAccess(options: KubeconfigOptions): Promise<ClusterAccess> {
  const { loadKubeconfig } = await import('./kubeconfig.ts');
  return accessOf(loadKubeconfig(options));
}

/** What the child process prints: the access, or why there is none. */
export type AccessReply = { access: ClusterAccess } | { error: string };

/**
 * Resolves the kubeconfig in a child process, so that client-node is loaded there and not here:
 * for a process that runs for weeks. The same errors as {@link loadClusterAccess}.
 */
export async function loadClusterAccessIsolated(options: KubeconfigOptions): Promise<ClusterAccess> {
  const entry = codeFile('sources', 'cluster', `access-child${CODE_EXTENSION}`);
  const request = JSON.stringify({ kubeconfig: options.kubeconfig, context: options.context });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [entry, request],
      { env: options.env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, out, err) => {
        if (error && out === '')
          reject(new ConfigError(`cannot read kubeconfig: ${err.trim() || error.message}`, { cause: error }));
        else resolve(out);
      },
    );
  });
  let reply: AccessReply;
  try {
    reply = JSON.parse(stdout) as AccessReply;
  } catch (error) {
    throw new ConfigError(`cannot read kubeconfig: the resolver printed ${stdout.slice(0, 200)}`, {
      cause: error,
    });
  }
  if ('access' in reply) return reply.access;
  throw new ConfigError(reply.error);
}

/** `value` without its undefined fields (so that `?:` fields are absent, not undefined). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
