/**
 * What a certificate finding is about, in the Finding model's terms: a Secret, ConfigMap or
 * webhook configuration is itself (so exemption annotations and config exemptions by kind and
 * name work as in `scan`); a file, kubeconfig or endpoint gets a `hindsight.dev/v1` reference
 * named by its path or `host:port`. And how certificates are named in messages.
 */
import { describeLocation } from '../../sources/tls/discovery.ts';
import type { CertificateRecord, Placement } from './certificate-inventory.ts';
import type { CheckSubject } from './define-cert-check.ts';

/** apiVersion of the references hindsight makes up for things that are not Kubernetes objects. */
export const HINDSIGHT_API_VERSION = 'hindsight.dev/v1';

/** The finding subject for a certificate found at `placement`. */
export function subjectOfPlacement(placement: Placement): CheckSubject {
  const l = placement.location;
  switch (l.kind) {
    case 'file':
      return {
        ref: { apiVersion: HINDSIGHT_API_VERSION, kind: 'CertificateFile', name: l.path },
        origin: { source: l.path },
      };
    case 'kubeconfig':
      return {
        ref: { apiVersion: HINDSIGHT_API_VERSION, kind: 'Kubeconfig', name: l.path },
        origin: l.origin,
        path: [l.embeddedKind === 'cluster' ? 'clusters' : 'users', l.listIndex, l.embeddedKind, l.key],
      };
    case 'secret':
    case 'configmap':
      return {
        ref: {
          apiVersion: 'v1',
          kind: l.kind === 'secret' ? 'Secret' : 'ConfigMap',
          namespace: l.namespace,
          name: l.name,
        },
        origin: l.origin,
        path: [l.field, l.key],
        annotations: l.annotations,
      };
    case 'cabundle':
      return {
        ref: { apiVersion: l.apiVersion, kind: l.resourceKind, name: l.resourceName },
        origin: l.origin,
        path: l.path,
        annotations: l.annotations,
      };
    case 'endpoint':
      return {
        ref: { apiVersion: HINDSIGHT_API_VERSION, kind: 'TLSEndpoint', name: l.endpoint },
        origin: { source: `tls://${l.endpoint}` },
      };
  }
}

/** The finding subject for a certificate: its primary (most critical) placement's. */
export function subjectOfRecord(record: CertificateRecord): CheckSubject {
  return subjectOfPlacement(record.placements[0] as Placement);
}

/** `API server serving certificate "kube-apiserver"` */
export function describeRecord(record: CertificateRecord): string {
  const name = record.commonName || record.subject.O || record.serial;
  return `${record.role.label} "${name}"`;
}

/** `/etc/kubernetes/pki/apiserver.crt (+2 more places)` */
export function whereOf(record: CertificateRecord): string {
  const first = describeLocation((record.placements[0] as Placement).location);
  const more = record.placements.length - 1;
  return more > 0 ? `${first} (+${more} more place${more === 1 ? '' : 's'})` : first;
}

/** A short label for a location in lists: the file's last two path segments, or the object. */
export function shortWhere(record: CertificateRecord): string {
  const l = (record.placements[0] as Placement).location;
  if (l.kind === 'file') return l.path.split(/[\\/]/).slice(-2).join('/');
  if (l.kind === 'kubeconfig') return `${l.path.split(/[\\/]/).slice(-1)[0] ?? l.path} ${l.embeddedKind}`;
  return describeLocation(l);
}
