/**
 * Host names in container configuration, and how a pod's resolver will look them up.
 *
 * A pod with `dnsPolicy: ClusterFirst` gets `search <ns>.svc.cluster.local svc.cluster.local
 * cluster.local <node search domains>` and `options ndots:5`: a name with fewer dots than ndots
 * (and no trailing dot) is tried against every search domain before it is tried as written.
 * The extraction here is deliberately narrow — URLs and values that are nothing but a host name
 * (with an optional port) — because a config value like `spring.profiles.active` or
 * `logback.prod.xml` is not a host, and a false "you call external hosts" costs trust.
 */
import type { PodSpec } from './pod-spec.ts';
import { asRecord } from './records.ts';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** scheme://[user@]host[:port] — the host is the part we want. */
const URL_HOST = new RegExp(
  `\\b[a-z][a-z0-9+.-]*://(?:[^\\s/@?#]*@)?((?:${LABEL}\\.)+${LABEL}\\.?)(?=[:/?#\\s,;"']|$)`,
  'gi',
);
/** A whole token that is a host name, optionally with a port. */
const BARE_HOST = new RegExp(`^((?:${LABEL}\\.)+[a-z][a-z0-9-]*[a-z0-9]\\.?)(?::\\d{1,5})?$`, 'i');

/**
 * Top-level domains a bare token must end in to count as a host: the common generic ones and
 * any two-letter country code, minus two-letter endings that are far more often file
 * extensions or versions. URLs (with a scheme) accept any alphabetic top-level label.
 */
const GENERIC_TLDS = new Set([
  'com',
  'net',
  'org',
  'io',
  'dev',
  'app',
  'cloud',
  'ai',
  'co',
  'info',
  'biz',
  'tech',
  'online',
  'site',
  'xyz',
  'edu',
  'gov',
  'mil',
  'int',
  'aws',
  'amazon',
  'google',
  'azure',
  'internal',
]);
const NOT_A_TLD = new Set([
  'sh',
  'py',
  'md',
  'pl',
  'rb',
  'go',
  'js',
  'ts',
  'so',
  'gz',
  'xz',
  'db',
  'cc',
  'mk',
]);

export interface HostMention {
  host: string;
  /** Where it was found, in words: `env ELASTIC_URL of container search-api`. */
  source: string;
}

function isIpv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}\.?$/.test(host);
}

function topLabel(host: string): string {
  const parts = host.replace(/\.$/, '').split('.');
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

function plausibleBareHost(host: string): boolean {
  const tld = topLabel(host);
  if (!/^[a-z]+$/.test(tld)) return false;
  if (GENERIC_TLDS.has(tld)) return true;
  return tld.length === 2 && !NOT_A_TLD.has(tld);
}

/** Host names in a configuration string: hosts of URLs, and tokens that are a host[:port]. */
export function hostsIn(text: string): string[] {
  const out = new Set<string>();
  for (const match of text.matchAll(URL_HOST)) {
    const host = match[1];
    if (host && !isIpv4(host) && /[a-z]/i.test(topLabel(host))) out.add(host.toLowerCase());
  }
  const withoutUrls = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S*/gi, ' ');
  for (const token of withoutUrls.split(/[\s,;"'=()[\]{}]+/)) {
    const match = BARE_HOST.exec(token);
    const host = match?.[1];
    if (host && !isIpv4(host) && (plausibleBareHost(host) || isClusterName(host)))
      out.add(host.toLowerCase());
  }
  return [...out];
}

/** Fully qualified with a trailing dot: the resolver never applies search domains. */
export function isAbsolute(host: string): boolean {
  return host.endsWith('.');
}

/** Dots in the name as written, not counting a trailing one. */
export function dotsIn(host: string): number {
  return host.replace(/\.$/, '').split('.').length - 1;
}

/** A Kubernetes Service or Pod name: `…svc`, `…svc.<cluster domain>`, `….cluster.local`. */
export function isClusterName(host: string): boolean {
  const h = host.replace(/\.$/, '').toLowerCase();
  return /(^|\.)svc$/.test(h) || /\.svc\./.test(h) || /(^|\.)cluster\.local$/.test(h);
}

/** How a pod resolves names, from its dnsPolicy, hostNetwork and dnsConfig. */
export interface PodResolver {
  /**
   * `cluster`: CoreDNS with the cluster search domains; `node`: the node's resolv.conf
   * (`dnsPolicy: Default`, or `ClusterFirst` with `hostNetwork`); `custom`: `dnsPolicy: None`.
   */
  mode: 'cluster' | 'node' | 'custom';
  /** The effective ndots (5 for cluster DNS unless dnsConfig says otherwise). */
  ndots: number;
  /** Index of the ndots entry in `dnsConfig.options`, when there is one. */
  ndotsOptionIndex?: number;
  dnsPolicy: string;
  hostNetwork: boolean;
}

export function podResolver(spec: PodSpec): PodResolver {
  const hostNetwork = spec.hostNetwork === true;
  const dnsPolicy = typeof spec.dnsPolicy === 'string' ? spec.dnsPolicy : 'ClusterFirst';
  let mode: PodResolver['mode'];
  if (dnsPolicy === 'None') mode = 'custom';
  else if (dnsPolicy === 'Default') mode = 'node';
  else if (dnsPolicy === 'ClusterFirstWithHostNet') mode = 'cluster';
  else mode = hostNetwork ? 'node' : 'cluster';
  const options = asRecord(spec.dnsConfig)?.options;
  let ndots = mode === 'cluster' ? 5 : 1;
  let ndotsOptionIndex: number | undefined;
  if (Array.isArray(options)) {
    options.forEach((raw, i) => {
      const option = asRecord(raw);
      if (option?.name !== 'ndots') return;
      const value = Number.parseInt(String(option.value ?? ''), 10);
      ndotsOptionIndex = i;
      if (Number.isInteger(value) && value >= 0) ndots = Math.min(value, 15);
    });
  }
  return {
    mode,
    ndots,
    dnsPolicy,
    hostNetwork,
    ...(ndotsOptionIndex !== undefined ? { ndotsOptionIndex } : {}),
  };
}

/** Labels that mark a DNS server's own pods (CoreDNS, kube-dns, NodeLocal DNSCache). */
export function isDnsServer(labels: Record<string, string> | undefined, name: string): boolean {
  const app = labels?.['k8s-app'] ?? labels?.['app.kubernetes.io/name'] ?? '';
  return (
    /^(kube-dns|coredns|node-local-dns|nodelocaldns)$/.test(app) || /^(coredns|node-local-dns)$/.test(name)
  );
}
