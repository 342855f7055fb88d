/**
 * Which probed endpoint serves which caBundle's webhook: a webhook that calls Service `svc` in
 * namespace `ns` on port 443 is matched by `--endpoint svc.ns.svc:443` (or `svc.ns`,
 * `svc.ns.svc.cluster.local`, optionally `@address:port`); a webhook with a URL by its host and
 * port. Unmatched caBundles cannot be checked against what is served and are listed as such.
 */
import type { X509Certificate } from 'node:crypto';
import type { CaBundleLocation, EndpointLocation } from '../../sources/tls/discovery.ts';
import type { CertAnalysis } from './analysis.ts';

/** A caBundle, the endpoint that serves its webhook, and both chains. */
export interface WebhookEndpoint {
  bundle: CaBundleLocation;
  endpoint: EndpointLocation;
  /** The host name the API server verifies when it calls this webhook. */
  expectedHost: string;
  trusted: X509Certificate[];
  served: X509Certificate[];
}

function serviceHosts(namespace: string, name: string): string[] {
  return [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`, `${name}.${namespace}`];
}

function urlHostPort(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? 443 : Number(u.port) };
  } catch {
    return undefined;
  }
}

/** Pairs every caBundle with the probed endpoint its Service or URL names, if any. */
export function matchWebhookEndpoints(analysis: CertAnalysis): {
  matched: WebhookEndpoint[];
  unmatched: CaBundleLocation[];
} {
  const endpoints = analysis.discovery.endpoints.filter((e) => e.purpose === 'endpoint');
  const matched: WebhookEndpoint[] = [];
  const unmatched: CaBundleLocation[] = [];
  for (const [location, records] of analysis.inventory.bundles) {
    if (location.kind !== 'cabundle') continue;
    const { service, url } = location.target;
    let hosts: string[] = [];
    let port = 443;
    if (service) {
      hosts = serviceHosts(service.namespace, service.name);
      port = service.port;
    } else if (url) {
      const hp = urlHostPort(url);
      if (hp) {
        hosts = [hp.host];
        port = hp.port;
      }
    }
    const endpoint = endpoints.find((e) => e.port === port && hosts.includes(e.host.toLowerCase()));
    if (!endpoint) {
      unmatched.push(location);
      continue;
    }
    const served = (analysis.inventory.bundles.get(endpoint) ?? []).map((r) => r.certificate);
    matched.push({
      bundle: location,
      endpoint,
      expectedHost: hosts[0] as string,
      trusted: records.filter((r) => r !== undefined).map((r) => r.certificate),
      served,
    });
  }
  return { matched, unmatched };
}

/** True when the certificate names `host` (DNS SAN, or IP SAN for an address). */
export function namesHost(certificate: X509Certificate, host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
    ? certificate.checkIP(host) !== undefined
    : certificate.checkHost(host) !== undefined;
}
