/**
 * What each certificate is for: the component that breaks when it expires, how badly, and how it
 * is renewed on the platform that issued it. Recognised from where the certificate was found —
 * kubeadm's `/etc/kubernetes/pki` names, kops' `/srv/kubernetes` and etcd-manager's layouts,
 * kubeconfig names, cert-manager annotations, webhook/APIService/CRD caBundles, the API server
 * endpoint — never from guessing at subjects.
 */
import type { X509Certificate } from 'node:crypto';
import type { CertificateLocation } from '../../sources/tls/discovery.ts';

/**
 * How much of the cluster stops when the certificate expires:
 * - `control-plane`: the API server, etcd or the controllers stop — the whole cluster stops;
 * - `cluster`: a cluster-wide feature breaks (aggregated APIs, webhooks, kubectl logs/exec, a node);
 * - `access`: someone loses access (an admin kubeconfig);
 * - `workload`: one application's TLS.
 */
export type Criticality = 'control-plane' | 'cluster' | 'access' | 'workload';

/** Higher is worse: the order placements and severities follow. */
export const CRITICALITY_RANK: Record<Criticality, number> = {
  'control-plane': 3,
  cluster: 2,
  access: 1,
  workload: 0,
};

/** Who issues and renews the certificate. */
export type Platform = 'kubeadm' | 'kops' | 'etcd-manager' | 'eks' | 'cert-manager' | 'kubelet' | 'other';

/** What a certificate is for, what stops without it, and how it is renewed. */
export interface CertificateRole {
  /** Stable id: `apiserver`, `etcd-server`, `webhook-ca-bundle` … */
  id: string;
  /** What it is, for people: "API server serving certificate". */
  label: string;
  /** The component that uses it. */
  component: string;
  /** What stops when it expires. */
  breaks: string;
  criticality: Criticality;
  platform: Platform;
  /** The renewal, as one command or step. */
  renew: string;
  /** The renewal runbook, as numbered steps. */
  runbook: string[];
}

interface BaseRole {
  id: string;
  label: string;
  component: string;
  breaks: string;
  criticality: Criticality;
  isCa?: boolean;
}

const BASE: Record<string, BaseRole> = {
  'cluster-ca': {
    id: 'cluster-ca',
    label: 'Kubernetes cluster CA',
    component: 'every control-plane component and kubelet',
    breaks:
      'every certificate it signed stops verifying: the API server serving certificate, the kubelets and controllers it authenticates — the whole cluster stops',
    criticality: 'control-plane',
    isCa: true,
  },
  apiserver: {
    id: 'apiserver',
    label: 'API server serving certificate',
    component: 'kube-apiserver',
    breaks:
      'every client refuses the API server: no kubectl, kubelets cannot report (nodes go NotReady), controllers and the scheduler stop',
    criticality: 'control-plane',
  },
  'apiserver-kubelet-client': {
    id: 'apiserver-kubelet-client',
    label: 'API server → kubelet client certificate',
    component: 'kube-apiserver',
    breaks: 'the API server cannot talk to kubelets: kubectl logs, exec, attach and port-forward fail',
    criticality: 'cluster',
  },
  'apiserver-etcd-client': {
    id: 'apiserver-etcd-client',
    label: 'API server → etcd client certificate',
    component: 'kube-apiserver',
    breaks: 'the API server cannot reach etcd: every API request fails — the cluster stops',
    criticality: 'control-plane',
  },
  'front-proxy-ca': {
    id: 'front-proxy-ca',
    label: 'front-proxy (aggregation layer) CA',
    component: 'kube-apiserver aggregation layer',
    breaks:
      'aggregated API servers reject proxied requests: metrics.k8s.io (kubectl top, HPA on CPU/memory) and custom API servers stop',
    criticality: 'cluster',
    isCa: true,
  },
  'front-proxy-client': {
    id: 'front-proxy-client',
    label: 'front-proxy client certificate',
    component: 'kube-apiserver aggregation layer',
    breaks:
      'aggregated API servers reject proxied requests: metrics.k8s.io (kubectl top, HPA on CPU/memory) and custom API servers stop',
    criticality: 'cluster',
  },
  'etcd-ca': {
    id: 'etcd-ca',
    label: 'etcd CA',
    component: 'etcd',
    breaks:
      'etcd members and the API server reject each other: etcd loses quorum and the API server its storage — the cluster stops',
    criticality: 'control-plane',
    isCa: true,
  },
  'etcd-server': {
    id: 'etcd-server',
    label: 'etcd serving certificate',
    component: 'etcd',
    breaks: 'the API server refuses etcd: no reads or writes — the cluster stops',
    criticality: 'control-plane',
  },
  'etcd-peer': {
    id: 'etcd-peer',
    label: 'etcd peer certificate',
    component: 'etcd',
    breaks: 'etcd members cannot talk to each other: quorum is lost and etcd stops accepting writes',
    criticality: 'control-plane',
  },
  'etcd-healthcheck-client': {
    id: 'etcd-healthcheck-client',
    label: 'etcd health-check client certificate',
    component: 'etcd',
    breaks:
      'health checks that use it fail (older kubeadm liveness probes restart etcd in a loop; monitoring loses etcd)',
    criticality: 'cluster',
  },
  'etcd-manager-ca': {
    id: 'etcd-manager-ca',
    label: 'etcd-manager CA',
    component: 'etcd-manager',
    breaks: 'etcd-manager members cannot coordinate: backups, restores and member changes stop',
    criticality: 'control-plane',
    isCa: true,
  },
  'etcd-manager-member': {
    id: 'etcd-manager-member',
    label: 'etcd-manager member certificate (me.crt)',
    component: 'etcd-manager / etcd',
    breaks:
      'etcd members stop talking to each other and the API server loses etcd — the cluster stops (kops#8959: issued for a hard-coded one year)',
    criticality: 'control-plane',
  },
  'kubelet-client': {
    id: 'kubelet-client',
    label: 'kubelet client certificate',
    component: 'kubelet',
    breaks: 'the kubelet cannot authenticate: the node goes NotReady and its pods are evicted',
    criticality: 'cluster',
  },
  'kubelet-server': {
    id: 'kubelet-server',
    label: 'kubelet serving certificate',
    component: 'kubelet',
    breaks:
      'clients that verify the kubelet (metrics-server, an API server with --kubelet-certificate-authority) fail: kubectl top, logs, exec on that node',
    criticality: 'cluster',
  },
  'controller-manager-kubeconfig': {
    id: 'controller-manager-kubeconfig',
    label: 'kube-controller-manager client certificate',
    component: 'kube-controller-manager',
    breaks:
      'kube-controller-manager cannot reach the API server: nothing reconciles — no rollouts, no replacement pods, no node lifecycle',
    criticality: 'control-plane',
  },
  'scheduler-kubeconfig': {
    id: 'scheduler-kubeconfig',
    label: 'kube-scheduler client certificate',
    component: 'kube-scheduler',
    breaks: 'kube-scheduler cannot reach the API server: new pods stay Pending',
    criticality: 'control-plane',
  },
  'kube-proxy-kubeconfig': {
    id: 'kube-proxy-kubeconfig',
    label: 'kube-proxy client certificate',
    component: 'kube-proxy',
    breaks: 'kube-proxy cannot watch Services: new Services and endpoint changes stop reaching the nodes',
    criticality: 'cluster',
  },
  'admin-kubeconfig': {
    id: 'admin-kubeconfig',
    label: 'admin kubeconfig client certificate',
    component: 'kubectl (administrators)',
    breaks: 'administrators lose kubectl access through this kubeconfig',
    criticality: 'access',
  },
  'kubeconfig-client': {
    id: 'kubeconfig-client',
    label: 'kubeconfig client certificate',
    component: 'kubectl',
    breaks: 'this kubeconfig can no longer authenticate to the cluster',
    criticality: 'access',
  },
  'kubeconfig-ca': {
    id: 'kubeconfig-ca',
    label: 'CA trusted by a kubeconfig',
    component: 'kubectl',
    breaks: 'this kubeconfig stops trusting the API server',
    criticality: 'access',
    isCa: true,
  },
  'api-server-endpoint': {
    id: 'api-server-endpoint',
    label: 'API server serving certificate (as served)',
    component: 'kube-apiserver',
    breaks:
      'every client refuses the API server: no kubectl, kubelets cannot report (nodes go NotReady), controllers stop',
    criticality: 'control-plane',
  },
  'webhook-ca-bundle': {
    id: 'webhook-ca-bundle',
    label: 'admission webhook caBundle',
    component: 'kube-apiserver → admission webhook',
    breaks:
      'the API server stops trusting the webhook: with failurePolicy Fail every request it intercepts is rejected; with Ignore the policy is silently skipped',
    criticality: 'cluster',
    isCa: true,
  },
  'apiservice-ca-bundle': {
    id: 'apiservice-ca-bundle',
    label: 'aggregated API caBundle',
    component: 'kube-apiserver → aggregated API',
    breaks:
      'the aggregated API becomes unavailable: discovery errors in every kubectl call; for metrics.k8s.io, kubectl top and CPU/memory HPAs stop',
    criticality: 'cluster',
    isCa: true,
  },
  'crd-conversion-ca-bundle': {
    id: 'crd-conversion-ca-bundle',
    label: 'CRD conversion webhook caBundle',
    component: 'kube-apiserver → conversion webhook',
    breaks: 'the API server cannot convert the custom resource between versions: reads and writes of it fail',
    criticality: 'cluster',
    isCa: true,
  },
  'trust-bundle': {
    id: 'trust-bundle',
    label: 'CA in a trust bundle',
    component: 'clients that trust the bundle',
    breaks: 'clients that trust this bundle refuse the servers it signed',
    criticality: 'workload',
    isCa: true,
  },
  'aggregation-client-ca': {
    id: 'aggregation-client-ca',
    label: 'client CA published for extension API servers',
    component: 'aggregated API servers, webhooks',
    breaks: 'extension API servers stop trusting the API server and client certificates',
    criticality: 'cluster',
    isCa: true,
  },
  'cert-manager': {
    id: 'cert-manager',
    label: 'cert-manager issued certificate',
    component: 'whatever mounts the Secret',
    breaks: 'whatever serves or presents it (Ingress, service, webhook) fails TLS for its clients',
    criticality: 'workload',
  },
  'tls-secret': {
    id: 'tls-secret',
    label: 'TLS Secret',
    component: 'whatever mounts the Secret',
    breaks: 'whatever serves or presents it (Ingress, service, webhook) fails TLS for its clients',
    criticality: 'workload',
  },
  'ca-certificate': {
    id: 'ca-certificate',
    label: 'CA certificate',
    component: 'everything it issued',
    breaks: 'every certificate it issued stops verifying',
    criticality: 'workload',
    isCa: true,
  },
  endpoint: {
    id: 'endpoint',
    label: 'served certificate',
    component: 'the endpoint',
    breaks: 'clients of the endpoint refuse its TLS',
    criticality: 'workload',
  },
  file: {
    id: 'file',
    label: 'certificate file',
    component: 'whatever reads the file',
    breaks: 'whatever reads the file fails TLS',
    criticality: 'workload',
  },
};

const KUBEADM_RENEW: Record<string, string> = {
  apiserver: 'apiserver',
  'apiserver-kubelet-client': 'apiserver-kubelet-client',
  'apiserver-etcd-client': 'apiserver-etcd-client',
  'front-proxy-client': 'front-proxy-client',
  'etcd-server': 'etcd-server',
  'etcd-peer': 'etcd-peer',
  'etcd-healthcheck-client': 'etcd-healthcheck-client',
  'controller-manager-kubeconfig': 'controller-manager.conf',
  'scheduler-kubeconfig': 'scheduler.conf',
  'admin-kubeconfig': 'admin.conf',
};

function runbookFor(base: BaseRole, platform: Platform, where: string): { renew: string; runbook: string[] } {
  const check = `Check: openssl x509 -noout -subject -enddate -in ${where.startsWith('/') ? where : 'CERT.crt'}`;
  if (base.isCa && (platform === 'kubeadm' || platform === 'kops' || platform === 'etcd-manager')) {
    return platform === 'kubeadm'
      ? {
          renew: 'manual CA rotation (kubeadm certs renew does not renew CAs)',
          runbook: [
            'kubeadm does not renew CAs. Follow "Manual rotation of CA certificates" (kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates).',
            'Distribute the new CA next to the old one (both in the trust bundles), then re-issue every leaf: kubeadm certs renew all on each control-plane node.',
            'Restart the control-plane static pods and the kubelets; update every kubeconfig; remove the old CA only when nothing uses it.',
            check,
          ],
        }
      : {
          renew: 'kops keystore CA rotation, then a forced rolling update',
          runbook: [
            'Follow kops docs/operations/rotate-secrets.md: kops create keypair kubernetes-ca (or the etcd CAs), kops update cluster --yes.',
            'kops rolling-update cluster --force --yes to re-issue every node and control-plane certificate from the new CA.',
            'kops promote keypair kubernetes-ca, update cluster, roll again; export kubecfg for new admin credentials.',
            check,
          ],
        };
  }
  switch (platform) {
    case 'kubeadm': {
      const name = KUBEADM_RENEW[base.id];
      if (base.id === 'kubelet-client')
        return {
          renew: 'kubelet rotates it (rotateCertificates: true); otherwise re-bootstrap the kubelet',
          runbook: [
            'The kubelet renews its client certificate itself at ~70% of its life when rotateCertificates is true (the kubeadm default); kubeadm certs renew does not touch it (kubeadm#2054).',
            'If rotation failed: on the node, point kubelet.conf at /var/lib/kubelet/pki/kubelet-client-current.pem, or re-join the node with a fresh bootstrap token.',
            'Watch kubelet_certificate_manager_client_ttl_seconds to catch a failing rotation early.',
            check,
          ],
        };
      if (base.id === 'kubelet-server')
        return {
          renew:
            'enable serverTLSBootstrap (kubelet-issued) or restart the kubelet to regenerate its self-signed cert',
          runbook: [
            'kubeadm kubelets serve a self-signed certificate regenerated when missing: move /var/lib/kubelet/pki/kubelet.crt and kubelet.key away and restart the kubelet.',
            'Better: set serverTLSBootstrap: true and approve the kubelet-serving CSRs (kubectl certificate approve) so it rotates.',
            check,
          ],
        };
      return {
        renew: name ? `kubeadm certs renew ${name}` : 'kubeadm certs renew all',
        runbook: [
          `On every control-plane node: kubeadm certs check-expiration, then kubeadm certs renew ${name ?? 'all'} (or renew all: kubeadm issues these together, and a kubeadm upgrade renews them too).`,
          'Restart the static pods that read it: move the manifests in /etc/kubernetes/manifests out and back (kube-apiserver, kube-controller-manager, kube-scheduler, etcd), or restart the kubelet.',
          'Copy the renewed /etc/kubernetes/admin.conf to wherever admins keep their kubeconfig.',
          check,
        ],
      };
    }
    case 'kops':
      return {
        renew: 'kops rolling-update cluster --force (nodeup re-issues it at boot)',
        runbook: [
          'nodeup issues this certificate when the instance boots, with a one-year lifetime (kops#9110, #12620, #15970): replacing the instance renews it.',
          'kops rolling-update cluster --instance-group <control-plane or node group> --force --yes (one instance at a time; etcd keeps quorum).',
          'Never let control-plane instances live past 11 months: schedule the roll, or upgrade kops (1.19+ rotates on node replacement, kops#8774).',
          check,
        ],
      };
    case 'etcd-manager':
      return {
        renew: 'restart etcd-manager (≥ 3.0.20200428 re-issues on start) or upgrade kops',
        runbook: [
          'etcd-manager < 3.0.20200428 issued member certificates for a hard-coded one year (kops#8959, advisory etcd-manager-certificate-expiration.md).',
          'Upgrade to a kops release with a fixed etcd-manager (1.15.3, 1.16.2, 1.17.0-beta.2, 1.18.0-alpha.3 or later) and roll the control plane; newer etcd-manager re-issues certificates (2 years) on every start.',
          'Find them: find /mnt/ -type f -name me.crt -print -exec openssl x509 -enddate -noout -in {} \\;',
        ],
      };
    case 'eks':
      return {
        renew: 'AWS renews it (EKS-managed control plane)',
        runbook: [
          'EKS manages and rotates the control-plane certificates: there is nothing to renew on your side.',
          'If this certificate is expired or untrusted you are probably not talking to EKS directly (a proxy, a stale kubeconfig): aws eks update-kubeconfig --name <cluster>.',
        ],
      };
    case 'cert-manager':
      return {
        renew: 'cert-manager renews it at renewalTime; force with cmctl renew',
        runbook: [
          'cert-manager renews at status.renewalTime (spec.renewBefore before expiry). Force it: cmctl renew -n <namespace> <certificate>.',
          'If it does not renew: kubectl describe certificate, then the CertificateRequest, Order/Challenge (ACME) and the Issuer status.',
          'Pods that read the Secret at start need a restart (or a reloader) to pick up the new certificate.',
        ],
      };
    default:
      return {
        renew: base.isCa
          ? 're-issue the CA, re-issue its leaves, and update every trust bundle'
          : 're-issue it from its CA and roll out what uses it',
        runbook: [
          base.isCa
            ? 'Issue a new CA and add it next to the old one in every trust bundle (caBundle fields, ConfigMaps, kubeconfigs) before re-issuing leaves from it.'
            : 'Re-issue the certificate from its CA (or let its issuer renew it), replace the file or Secret, and restart what reads it.',
          'Automate the next renewal (cert-manager, or a scheduled job) and alert on x509_cert_not_after well before the date.',
        ],
      };
  }
}

function make(baseId: string, platform: Platform, where: string): CertificateRole {
  const base = BASE[baseId] ?? (BASE.file as BaseRole);
  const { renew, runbook } = runbookFor(base, platform, where);
  return {
    id: base.id,
    label: base.label,
    component: base.component,
    breaks: base.breaks,
    criticality: base.criticality,
    platform,
    renew,
    runbook,
  };
}

/** File names and path suffixes of the kubeadm, kops and etcd-manager layouts. */
const FILE_PATTERNS: { pattern: RegExp; role: string; platform?: Platform }[] = [
  { pattern: /(^|\/)etcd\/ca\.crt$/, role: 'etcd-ca' },
  { pattern: /(^|\/)etcd\/server\.crt$/, role: 'etcd-server' },
  { pattern: /(^|\/)etcd\/peer\.crt$/, role: 'etcd-peer' },
  { pattern: /(^|\/)etcd\/healthcheck-client\.crt$/, role: 'etcd-healthcheck-client' },
  { pattern: /(^|\/)apiserver-kubelet-client\.crt$/, role: 'apiserver-kubelet-client' },
  { pattern: /(^|\/)apiserver-etcd-client\.crt$/, role: 'apiserver-etcd-client' },
  { pattern: /(^|\/)front-proxy-ca\.crt$/, role: 'front-proxy-ca' },
  { pattern: /(^|\/)front-proxy-client\.crt$/, role: 'front-proxy-client' },
  { pattern: /(^|\/)apiserver\.crt$/, role: 'apiserver' },
  // kops
  { pattern: /(^|\/)kube-apiserver\/server\.crt$/, role: 'apiserver', platform: 'kops' },
  { pattern: /\/srv\/kubernetes\/server\.(crt|cert)$/, role: 'apiserver', platform: 'kops' },
  { pattern: /(^|\/)kube-apiserver\/etcd-client\.crt$/, role: 'apiserver-etcd-client', platform: 'kops' },
  { pattern: /(^|\/)kube-apiserver\/etcd-ca\.crt$/, role: 'etcd-ca', platform: 'kops' },
  { pattern: /(^|\/)apiserver-aggregator-ca\.crt$/, role: 'front-proxy-ca', platform: 'kops' },
  { pattern: /(^|\/)apiserver-aggregator\.crt$/, role: 'front-proxy-client', platform: 'kops' },
  { pattern: /(^|\/)kubelet-api\.crt$/, role: 'apiserver-kubelet-client', platform: 'kops' },
  { pattern: /(^|\/)kubelet-server\.crt$/, role: 'kubelet-server', platform: 'kops' },
  // etcd-manager
  { pattern: /(^|\/)etcd-manager-ca[^/]*\.crt$/, role: 'etcd-manager-ca', platform: 'etcd-manager' },
  { pattern: /(^|\/)etcd-peers-ca[^/]*\.crt$/, role: 'etcd-ca', platform: 'etcd-manager' },
  { pattern: /(^|\/)etcd-clients-ca[^/]*\.crt$/, role: 'etcd-ca', platform: 'etcd-manager' },
  { pattern: /\/peers\/me\.crt$/, role: 'etcd-peer', platform: 'etcd-manager' },
  { pattern: /\/clients\/(me|server)\.crt$/, role: 'etcd-server', platform: 'etcd-manager' },
  { pattern: /(^|\/)me\.crt$/, role: 'etcd-manager-member', platform: 'etcd-manager' },
  // kubelet
  { pattern: /(^|\/)kubelet-client(-current|-[\d-]+)?\.pem$/, role: 'kubelet-client', platform: 'kubelet' },
  { pattern: /(^|\/)pki\/kubelet\.crt$/, role: 'kubelet-server', platform: 'kubelet' },
  { pattern: /\/(peers|clients)\/ca\.crt$/, role: 'etcd-ca', platform: 'etcd-manager' },
  // The cluster CA only where a PKI lives: /etc/kubernetes/pki/ca.crt, /srv/kubernetes/ca.crt.
  { pattern: /(^|\/)(pki|kubernetes)\/ca\.crt$/, role: 'cluster-ca' },
];

/** Kubeconfigs by file name (kubeadm) or directory (kops). */
const KUBECONFIG_PATTERNS: { pattern: RegExp; role: string; platform?: Platform }[] = [
  { pattern: /(^|\/)(super-)?admin\.conf$/, role: 'admin-kubeconfig', platform: 'kubeadm' },
  { pattern: /(^|\/)controller-manager\.conf$/, role: 'controller-manager-kubeconfig', platform: 'kubeadm' },
  { pattern: /(^|\/)scheduler\.conf$/, role: 'scheduler-kubeconfig', platform: 'kubeadm' },
  { pattern: /(^|\/)kubelet\.conf$/, role: 'kubelet-client', platform: 'kubeadm' },
  {
    pattern: /kube-controller-manager\/kubeconfig$/,
    role: 'controller-manager-kubeconfig',
    platform: 'kops',
  },
  { pattern: /kube-scheduler\/kubeconfig$/, role: 'scheduler-kubeconfig', platform: 'kops' },
  { pattern: /kube-proxy\/kubeconfig$/, role: 'kube-proxy-kubeconfig', platform: 'kops' },
  { pattern: /\/var\/lib\/kubelet\/kubeconfig$/, role: 'kubelet-client', platform: 'kops' },
];

/** kops keeps its files under /srv/kubernetes (and /etc/kubernetes/pki/kube-apiserver since 1.19). */
function platformOfPath(path: string, fallback: Platform | undefined): Platform {
  if (fallback) return fallback;
  if (/\/srv\/kubernetes\//.test(path) || /\/pki\/kube-apiserver\//.test(path)) return 'kops';
  return 'kubeadm';
}

/** True for an EKS API server host name. */
export function isEksHost(host: string): boolean {
  return /\.eks\.amazonaws\.com(\.cn)?$/i.test(host);
}

/**
 * The role of a certificate found at `location` (its position `index` in the bundle tells a
 * leaf from the CAs bundled after it).
 */
export function classifyCertificate(
  location: CertificateLocation,
  index: number,
  certificate: X509Certificate,
): CertificateRole {
  switch (location.kind) {
    case 'file': {
      const path = location.path.replaceAll('\\', '/');
      for (const { pattern, role, platform } of FILE_PATTERNS) {
        if (pattern.test(path)) {
          // A chain file (leaf then CA): only the first certificate has the file's role.
          if (index > 0 && !(BASE[role]?.isCa ?? false)) break;
          return make(role, platformOfPath(path, platform), location.path);
        }
      }
      return make(certificate.ca ? 'ca-certificate' : 'file', 'other', location.path);
    }
    case 'kubeconfig': {
      const path = location.path.replaceAll('\\', '/');
      if (location.embeddedKind === 'cluster') return make('kubeconfig-ca', 'other', path);
      for (const { pattern, role, platform } of KUBECONFIG_PATTERNS) {
        if (pattern.test(path)) return make(role, platformOfPath(path, platform), path);
      }
      return make('kubeconfig-client', 'other', path);
    }
    case 'secret': {
      const managed = location.annotations['cert-manager.io/certificate-name'] !== undefined;
      if (managed) return make('cert-manager', 'cert-manager', '');
      return make(certificate.ca ? 'ca-certificate' : 'tls-secret', 'other', '');
    }
    case 'configmap':
      // kube-root-ca.crt holds the CA the controller-manager publishes: the cluster's own.
      if (location.name === 'kube-root-ca.crt') return make('cluster-ca', 'other', '');
      if (location.name === 'extension-apiserver-authentication' && location.namespace === 'kube-system')
        return make('aggregation-client-ca', 'other', '');
      return make(certificate.ca ? 'trust-bundle' : 'file', 'other', '');
    case 'cabundle': {
      const injected = location.annotations['cert-manager.io/inject-ca-from'] !== undefined;
      const platform: Platform = injected ? 'cert-manager' : 'other';
      if (location.resourceKind === 'APIService') return make('apiservice-ca-bundle', platform, '');
      if (location.resourceKind === 'CustomResourceDefinition')
        return make('crd-conversion-ca-bundle', platform, '');
      return make('webhook-ca-bundle', platform, '');
    }
    case 'endpoint':
      if (location.purpose === 'api-server')
        return make('api-server-endpoint', isEksHost(location.host) ? 'eks' : 'other', '');
      return make('endpoint', 'other', '');
  }
}

/** A synthetic role for things that are not a found certificate (a Node's boot certificates). */
export function nodeBootRole(platform: Platform): CertificateRole {
  return make('kubelet-server', platform, '');
}
