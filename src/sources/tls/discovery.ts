/**
 * What certificate discovery finds: every certificate with the place it was found in, and the
 * objects that say how certificates ought to be (cert-manager Certificates, kubeadm's configured
 * validity, control-plane Nodes whose age dates the certificates issued at boot). Sources fill a
 * `Discovery`; the certificate analyzer reads it.
 */
import type { X509Certificate } from 'node:crypto';
import type { SourceError } from '../../core/errors.ts';
import type { ObjectPath } from '../../core/finding.ts';
import type { Origin } from '../../core/origin.ts';

/** A certificate file on disk (PEM or DER). */
export interface FileLocation {
  kind: 'file';
  path: string;
}

/** A certificate in a kubeconfig: embedded (`*-data`) or in a file the kubeconfig references. */
export interface KubeconfigLocation {
  kind: 'kubeconfig';
  /** The kubeconfig file (or a description of it for a live context). */
  path: string;
  embeddedKind: 'cluster' | 'user';
  /** Name of the cluster or user entry. */
  entry: string;
  /** `certificate-authority-data`, `client-certificate`, … */
  key: string;
  /** Position of the entry in `clusters` or `users`. */
  listIndex: number;
  /** The file a `certificate-authority`/`client-certificate` key points to. */
  referencedFile?: string;
  origin: Origin;
}

/** A key of a Secret or ConfigMap that holds PEM. */
export interface ObjectKeyLocation {
  kind: 'secret' | 'configmap';
  namespace: string;
  name: string;
  key: string;
  /** The Secret's type (`kubernetes.io/tls`, …). */
  secretType?: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  origin: Origin;
  /** `data` or `binaryData`/`stringData`: where the key is in the object. */
  field: string;
}

/** Where the API server sends a webhook or aggregated API call. */
export interface ServiceTarget {
  service?: { namespace: string; name: string; port: number; path?: string };
  url?: string;
}

/** The kinds that carry a caBundle the API server trusts. */
export type CaBundleKind =
  | 'ValidatingWebhookConfiguration'
  | 'MutatingWebhookConfiguration'
  | 'APIService'
  | 'CustomResourceDefinition';

/** A `caBundle` the API server trusts when it calls a webhook, an aggregated API or a converter. */
export interface CaBundleLocation {
  kind: 'cabundle';
  resourceKind: CaBundleKind;
  apiVersion: string;
  resourceName: string;
  /** The webhook's name for webhook configurations, `''` for APIService and CRDs. */
  entry: string;
  path: ObjectPath;
  target: ServiceTarget;
  /** `Fail` or `Ignore` for webhooks. */
  failurePolicy?: string;
  annotations: Record<string, string>;
  origin: Origin;
}

/** A live TLS endpoint and the chain it served. */
export interface EndpointLocation {
  kind: 'endpoint';
  /** `host:port` as the user named it (or the API server's). */
  endpoint: string;
  host: string;
  port: number;
  /** `api-server` for the current context's API server, `endpoint` for `--endpoint`. */
  purpose: 'api-server' | 'endpoint';
  /** The CA the kubeconfig trusts for this API server, to verify the served chain against. */
  trustAnchors?: X509Certificate[];
}

/** Every place a certificate can be found. */
export type CertificateLocation =
  | FileLocation
  | KubeconfigLocation
  | ObjectKeyLocation
  | CaBundleLocation
  | EndpointLocation;

/** One certificate and where it was found; `index` is its position in its bundle or served chain. */
export interface FoundCertificate {
  location: CertificateLocation;
  index: number;
  /** Certificates in the same bundle. */
  count: number;
  certificate: X509Certificate;
}

/** A cert-manager Certificate: what it asks for and what its status says. */
export interface CertManagerCertificate {
  apiVersion: string;
  namespace: string;
  name: string;
  secretName?: string;
  /** Go durations as written (`2160h`, `8760h0m0s`). */
  duration?: string;
  renewBefore?: string;
  notBefore?: string;
  notAfter?: string;
  renewalTime?: string;
  ready?: { status: string; reason?: string; message?: string };
  issuerRef?: { kind?: string; name?: string; group?: string };
  annotations: Record<string, string>;
  origin: Origin;
}

/** A Node labelled as control plane. */
export interface ControlPlaneNode {
  name: string;
  createdAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  origin: Origin;
}

/** kubeadm's configured certificate lifetimes (ClusterConfiguration v1beta4). */
export interface KubeadmValidity {
  certificateValidityPeriod?: string;
  caCertificateValidityPeriod?: string;
  source: string;
}

/** What discovery found, and what it could not read. */
export interface Discovery {
  certificates: FoundCertificate[];
  certManager: CertManagerCertificate[];
  controlPlaneNodes: ControlPlaneNode[];
  kubeadm: KubeadmValidity[];
  /** Endpoints that answered, with or without certificates. */
  endpoints: EndpointLocation[];
  errors: SourceError[];
  notes: string[];
  /** Files read. */
  files: number;
  /** Kubernetes objects looked at (kubeconfigs included). */
  objects: number;
}

/** A Discovery with nothing in it. */
export function emptyDiscovery(): Discovery {
  return {
    certificates: [],
    certManager: [],
    controlPlaneNodes: [],
    kubeadm: [],
    endpoints: [],
    errors: [],
    notes: [],
    files: 0,
    objects: 0,
  };
}

/** Adds what `other` found to `into`. */
export function mergeDiscovery(into: Discovery, other: Discovery): Discovery {
  into.certificates.push(...other.certificates);
  into.certManager.push(...other.certManager);
  into.controlPlaneNodes.push(...other.controlPlaneNodes);
  into.kubeadm.push(...other.kubeadm);
  into.endpoints.push(...other.endpoints);
  into.errors.push(...other.errors);
  into.notes.push(...other.notes);
  into.files += other.files;
  into.objects += other.objects;
  return into;
}

/** How a location is named in messages: `Secret shop/api-tls key tls.crt`, `/etc/kubernetes/pki/ca.crt`. */
export function describeLocation(location: CertificateLocation): string {
  switch (location.kind) {
    case 'file':
      return location.path;
    case 'kubeconfig':
      return `${location.path} (${location.embeddedKind} ${location.entry}, ${location.key}${location.referencedFile ? ` → ${location.referencedFile}` : ''})`;
    case 'secret':
      return `Secret ${location.namespace}/${location.name} key ${location.key}`;
    case 'configmap':
      return `ConfigMap ${location.namespace}/${location.name} key ${location.key}`;
    case 'cabundle':
      return `${location.resourceKind} ${location.resourceName}${location.entry ? ` webhook ${location.entry}` : ''} caBundle`;
    case 'endpoint':
      return `${location.purpose === 'api-server' ? 'API server ' : ''}tls://${location.endpoint}`;
  }
}
