/**
 * Certificates and certificate intent in Kubernetes objects, whether read from files, snapshots
 * or the live cluster: Secret and ConfigMap keys that hold PEM, webhook/APIService/CRD conversion
 * `caBundle`s, cert-manager Certificates, control-plane Nodes and kubeadm's ClusterConfiguration.
 * Keys that name private keys are skipped unread; a key that should hold a certificate but holds
 * a key is an error naming the object and key, never showing the value.
 */
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { SourceError } from '../../core/errors.ts';
import type { Origin } from '../../core/origin.ts';
import { type DecodedBundle, decodeCertificates, explainNoCertificate } from './decode-certificates.ts';
import type {
  CaBundleKind,
  CaBundleLocation,
  CertificateLocation,
  Discovery,
  ObjectKeyLocation,
  ServiceTarget,
} from './discovery.ts';

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Keys that hold private keys by name: skipped without reading. */
export function isPrivateKeyName(key: string): boolean {
  return /(^|[._-])key$/i.test(key) || /private/i.test(key) || /\.key\.pem$/i.test(key);
}

/** Keys that by name should hold certificates: an error when they do not. */
export function isCertificateName(key: string): boolean {
  return (
    /\.(crt|cer|cert|pem)$/i.test(key) ||
    /^(ca|cert|certificate|ca-bundle|cabundle|ca_bundle|trust-bundle|client-ca-file|requestheader-client-ca-file)$/i.test(
      key,
    )
  );
}

const PEM_CERTIFICATE = /-----BEGIN (TRUSTED |X509 )?CERTIFICATE-----/;

/** Where errors about an object are reported: its file (and line) or cluster, then the object. */
function objectSource(origin: Origin): string {
  return origin.line === undefined ? origin.source : `${origin.source}:${origin.line}`;
}

/** Adds a decoded bundle's certificates under `location`, and its problems as errors. */
export function addBundle(
  into: Discovery,
  bundle: DecodedBundle,
  location: CertificateLocation,
  source: string,
  what: string,
  expectCertificate: boolean,
): void {
  const prefix = what === '' ? '' : `${what}: `;
  const certificates = bundle.certificates;
  certificates.forEach((certificate, index) => {
    into.certificates.push({ location, index, count: certificates.length, certificate });
  });
  if (certificates.length === 0) {
    if (expectCertificate)
      into.errors.push(new SourceError(source, `${prefix}${explainNoCertificate(bundle)}`));
    return;
  }
  for (const problem of bundle.problems) into.errors.push(new SourceError(source, `${prefix}${problem}`));
}

function decodeBase64(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/**
 * Reads certificates from any object it understands (and from the items of Lists); other kinds
 * are counted and passed over.
 */
export function collectFromObject(value: unknown, origin: Origin, into: Discovery): void {
  const object = record(value);
  if (!object) return;
  const kind = text(object.kind) ?? '';
  const apiVersion = text(object.apiVersion) ?? '';
  if (Array.isArray(object.items) && (kind === 'List' || kind.endsWith('List'))) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    object.items.forEach((item: unknown, i: number) => {
      const it = record(item);
      if (!it) return;
      const withKind = itemKind
        ? { apiVersion: it.apiVersion ?? apiVersion, kind: it.kind ?? itemKind, ...it }
        : it;
      collectFromObject(withKind, { source: origin.source, document: i }, into);
    });
    return;
  }
  into.objects++;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (kind === 'Secret' && group === '') collectSecret(object, origin, into);
  else if (kind === 'ConfigMap' && group === '') collectConfigMap(object, origin, into);
  else if (
    (kind === 'ValidatingWebhookConfiguration' || kind === 'MutatingWebhookConfiguration') &&
    group === 'admissionregistration.k8s.io'
  )
    collectWebhooks(object, kind, apiVersion, origin, into);
  else if (kind === 'APIService' && group === 'apiregistration.k8s.io')
    collectApiService(object, apiVersion, origin, into);
  else if (kind === 'CustomResourceDefinition' && group === 'apiextensions.k8s.io')
    collectCrdConversion(object, apiVersion, origin, into);
  else if (kind === 'Certificate' && group === 'cert-manager.io')
    collectCertManager(object, apiVersion, origin, into);
  else if (kind === 'Node' && group === '') collectNode(object, origin, into);
  else if (kind === 'ClusterConfiguration' && group === 'kubeadm.k8s.io')
    collectKubeadmConfig(object, `${objectSource(origin)}: ClusterConfiguration`, into);
}

function metadataOf(object: Json): {
  name: string;
  namespace: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
} {
  const metadata = record(object.metadata) ?? {};
  return {
    name: text(metadata.name) ?? '',
    namespace: text(metadata.namespace) ?? 'default',
    annotations: stringMap(metadata.annotations),
    labels: stringMap(metadata.labels),
  };
}

function collectSecret(object: Json, origin: Origin, into: Discovery): void {
  const meta = metadataOf(object);
  const secretType = text(object.type);
  const source = objectSource(origin);
  const fields: [field: string, values: Json | undefined, encoded: boolean][] = [
    ['data', record(object.data), true],
    ['stringData', record(object.stringData), false],
  ];
  for (const [field, values, encoded] of fields) {
    for (const [key, raw] of Object.entries(values ?? {})) {
      if (typeof raw !== 'string' || raw === '' || isPrivateKeyName(key)) continue;
      const what = `Secret ${meta.namespace}/${meta.name} key ${key}`;
      const bytes = encoded ? decodeBase64(raw) : Buffer.from(raw, 'utf8');
      if (!bytes) {
        if (isCertificateName(key))
          into.errors.push(new SourceError(source, `${what}: the value is not base64`));
        continue;
      }
      const location: ObjectKeyLocation = {
        kind: 'secret',
        namespace: meta.namespace,
        name: meta.name,
        key,
        ...(secretType ? { secretType } : {}),
        annotations: meta.annotations,
        labels: meta.labels,
        origin,
        field,
      };
      collectKey(bytes, key, location, source, what, into);
    }
  }
}

function collectConfigMap(object: Json, origin: Origin, into: Discovery): void {
  const meta = metadataOf(object);
  const source = objectSource(origin);
  const data = record(object.data) ?? {};
  if (meta.name === 'kubeadm-config' && typeof data.ClusterConfiguration === 'string') {
    try {
      const config = record(loadYaml(data.ClusterConfiguration, { schema: CORE_SCHEMA }));
      if (config) collectKubeadmConfig(config, `${source}: ConfigMap ${meta.namespace}/kubeadm-config`, into);
    } catch (error) {
      into.errors.push(
        new SourceError(
          source,
          `ConfigMap ${meta.namespace}/kubeadm-config: ClusterConfiguration is not YAML: ${(error as Error).message.split('\n')[0]}`,
        ),
      );
    }
  }
  const fields: [field: string, values: Json, encoded: boolean][] = [
    ['data', data, false],
    ['binaryData', record(object.binaryData) ?? {}, true],
  ];
  for (const [field, values, encoded] of fields) {
    for (const [key, raw] of Object.entries(values)) {
      if (typeof raw !== 'string' || raw === '' || isPrivateKeyName(key)) continue;
      const bytes = encoded ? decodeBase64(raw) : Buffer.from(raw, 'utf8');
      if (!bytes) continue;
      const location: ObjectKeyLocation = {
        kind: 'configmap',
        namespace: meta.namespace,
        name: meta.name,
        key,
        annotations: meta.annotations,
        labels: meta.labels,
        origin,
        field,
      };
      collectKey(bytes, key, location, source, `ConfigMap ${meta.namespace}/${meta.name} key ${key}`, into);
    }
  }
}

function collectKey(
  bytes: Buffer,
  key: string,
  location: ObjectKeyLocation,
  source: string,
  what: string,
  into: Discovery,
): void {
  if (/\.(p12|pfx)$/i.test(key)) {
    into.errors.push(
      new SourceError(
        source,
        `${what}: ${explainNoCertificate({ certificates: [], others: { pkcs12: 1 }, problems: [] })}`,
      ),
    );
    return;
  }
  if (/\.jks$/i.test(key)) {
    into.errors.push(
      new SourceError(source, `${what}: a Java keystore (JKS); hindsight does not open these`),
    );
    return;
  }
  const expected = isCertificateName(key);
  // Any other key is looked at only when it plainly holds PEM certificates: values are not guessed at.
  if (!expected && !PEM_CERTIFICATE.test(bytes.subarray(0, 1 << 20).toString('latin1'))) return;
  addBundle(into, decodeCertificates(bytes), location, source, what, expected);
}

function serviceTarget(clientConfig: Json | undefined): ServiceTarget {
  const service = record(clientConfig?.service);
  const url = text(clientConfig?.url);
  return {
    ...(service
      ? {
          service: {
            namespace: text(service.namespace) ?? 'default',
            name: text(service.name) ?? '',
            port: typeof service.port === 'number' ? service.port : 443,
            ...(text(service.path) ? { path: text(service.path) as string } : {}),
          },
        }
      : {}),
    ...(url ? { url } : {}),
  };
}

function collectCaBundle(
  caBundle: unknown,
  base: Omit<CaBundleLocation, 'kind'>,
  into: Discovery,
  what: string,
): void {
  if (typeof caBundle !== 'string' || caBundle.trim() === '') return;
  const source = objectSource(base.origin);
  const bytes = decodeBase64(caBundle);
  if (!bytes) {
    into.errors.push(new SourceError(source, `${what}: caBundle is not base64`));
    return;
  }
  addBundle(into, decodeCertificates(bytes), { kind: 'cabundle', ...base }, source, what, true);
}

function collectWebhooks(
  object: Json,
  kind: string,
  apiVersion: string,
  origin: Origin,
  into: Discovery,
): void {
  const meta = metadataOf(object);
  const webhooks = Array.isArray(object.webhooks) ? object.webhooks : [];
  webhooks.forEach((w: unknown, i: number) => {
    const webhook = record(w);
    if (!webhook) return;
    const clientConfig = record(webhook.clientConfig);
    const entry = text(webhook.name) ?? String(i);
    collectCaBundle(
      clientConfig?.caBundle,
      {
        resourceKind: kind as CaBundleKind,
        apiVersion,
        resourceName: meta.name,
        entry,
        path: ['webhooks', i, 'clientConfig', 'caBundle'],
        target: serviceTarget(clientConfig),
        failurePolicy: text(webhook.failurePolicy) ?? 'Fail',
        annotations: meta.annotations,
        origin,
      },
      into,
      `${kind} ${meta.name} webhook ${entry}`,
    );
  });
}

function collectApiService(object: Json, apiVersion: string, origin: Origin, into: Discovery): void {
  const meta = metadataOf(object);
  const spec = record(object.spec);
  if (!spec || !record(spec.service)) return;
  collectCaBundle(
    spec.caBundle,
    {
      resourceKind: 'APIService',
      apiVersion,
      resourceName: meta.name,
      entry: '',
      path: ['spec', 'caBundle'],
      target: serviceTarget(spec),
      annotations: meta.annotations,
      origin,
    },
    into,
    `APIService ${meta.name}`,
  );
}

function collectCrdConversion(object: Json, apiVersion: string, origin: Origin, into: Discovery): void {
  const meta = metadataOf(object);
  const conversion = record(record(object.spec)?.conversion);
  if (conversion?.strategy !== 'Webhook') return;
  const webhook = record(conversion.webhook);
  // apiextensions.k8s.io/v1 nests clientConfig under webhook; v1beta1 had webhookClientConfig.
  const clientConfig = record(webhook?.clientConfig) ?? record(conversion.webhookClientConfig);
  const path = record(webhook?.clientConfig)
    ? ['spec', 'conversion', 'webhook', 'clientConfig', 'caBundle']
    : ['spec', 'conversion', 'webhookClientConfig', 'caBundle'];
  collectCaBundle(
    clientConfig?.caBundle,
    {
      resourceKind: 'CustomResourceDefinition',
      apiVersion,
      resourceName: meta.name,
      entry: '',
      path,
      target: serviceTarget(clientConfig),
      annotations: meta.annotations,
      origin,
    },
    into,
    `CustomResourceDefinition ${meta.name} conversion webhook`,
  );
}

function collectCertManager(object: Json, apiVersion: string, origin: Origin, into: Discovery): void {
  const meta = metadataOf(object);
  const spec = record(object.spec) ?? {};
  const status = record(object.status) ?? {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(record) : [];
  const ready = conditions.find((c) => c?.type === 'Ready');
  const issuerRef = record(spec.issuerRef);
  into.certManager.push({
    apiVersion,
    namespace: meta.namespace,
    name: meta.name,
    ...(text(spec.secretName) ? { secretName: text(spec.secretName) as string } : {}),
    ...(text(spec.duration) ? { duration: text(spec.duration) as string } : {}),
    ...(text(spec.renewBefore) ? { renewBefore: text(spec.renewBefore) as string } : {}),
    ...(text(status.notBefore) ? { notBefore: text(status.notBefore) as string } : {}),
    ...(text(status.notAfter) ? { notAfter: text(status.notAfter) as string } : {}),
    ...(text(status.renewalTime) ? { renewalTime: text(status.renewalTime) as string } : {}),
    ...(ready
      ? {
          ready: {
            status: text(ready.status) ?? 'Unknown',
            ...(text(ready.reason) ? { reason: text(ready.reason) as string } : {}),
            ...(text(ready.message) ? { message: text(ready.message) as string } : {}),
          },
        }
      : {}),
    ...(issuerRef
      ? {
          issuerRef: {
            ...(text(issuerRef.kind) ? { kind: text(issuerRef.kind) as string } : {}),
            ...(text(issuerRef.name) ? { name: text(issuerRef.name) as string } : {}),
            ...(text(issuerRef.group) ? { group: text(issuerRef.group) as string } : {}),
          },
        }
      : {}),
    annotations: meta.annotations,
    origin,
  });
}

/** Labels that mark a control-plane Node (kubeadm, kops and older clusters). */
export function isControlPlaneNode(labels: Record<string, string>): boolean {
  return (
    'node-role.kubernetes.io/control-plane' in labels ||
    'node-role.kubernetes.io/master' in labels ||
    labels['kubernetes.io/role'] === 'master'
  );
}

function collectNode(object: Json, origin: Origin, into: Discovery): void {
  const meta = metadataOf(object);
  const createdAt = text(record(object.metadata)?.creationTimestamp);
  if (!createdAt || !isControlPlaneNode(meta.labels)) return;
  into.controlPlaneNodes.push({
    name: meta.name,
    createdAt,
    labels: meta.labels,
    annotations: meta.annotations,
    origin,
  });
}

function collectKubeadmConfig(config: Json, source: string, into: Discovery): void {
  const leaf = text(config.certificateValidityPeriod);
  const ca = text(config.caCertificateValidityPeriod);
  if (!leaf && !ca) return;
  into.kubeadm.push({
    ...(leaf ? { certificateValidityPeriod: leaf } : {}),
    ...(ca ? { caCertificateValidityPeriod: ca } : {}),
    source,
  });
}
