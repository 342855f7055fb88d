/**
 * Migration parity (`hindsight migrate verify --from CTX --to CTX`): for each namespace already
 * moved, whether the new cluster runs what the old one does — the same workloads, ready, on the
 * same images and replica ranges; Services with endpoints and load balancer addresses; Ingresses
 * with addresses; bound claims; valid certificates; autoscalers and budgets; and every Secret,
 * ConfigMap and ServiceAccount the workloads need — so that DNS can be pointed at it. Secrets and
 * ConfigMaps are compared by name only: their data is never read.
 */
import { compareText } from '../../core/compare-text.ts';
import { formatIntOrPercent, parseIntOrPercent } from '../../core/disruption-budget.ts';
import { parseImageReference } from '../../core/image-reference.ts';
import { podReferences } from '../../core/pod-references.ts';
import { desiredReplicas } from '../../core/pod-spec.ts';
import { parseQuantity } from '../../core/quantity.ts';
import { asRecord } from '../../core/records.ts';
import { groupOf, type KubeObject } from '../../core/resource.ts';
import { serviceSelects } from '../../core/serving.ts';
import { containersAt, getAt } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { isKedaOwnedHpa, type ReplicaBounds, replicaBounds } from '../../inventory/replica-bounds.ts';
import { MOVED_WORKLOAD_KINDS, movedWorkloads, SYSTEM_NAMESPACES } from './holdings.ts';

export interface VerifyInputs {
  /** The old cluster (or a snapshot of it). */
  from: Inventory;
  /** The new cluster. */
  to: Inventory;
  /** `-n`; when absent, every namespace on both sides but the system ones. */
  namespaces?: readonly string[];
  now: Date;
}

export interface ParityCheck {
  /** The source object checked, e.g. `Deployment/shop/api`. */
  subject: string;
  ok: boolean;
  detail: string;
}

export interface NamespaceParity {
  namespace: string;
  /** Every check ok. */
  ready: boolean;
  /** Every check made, ok or not, in kind order then name. */
  checks: ParityCheck[];
  /** One sentence per failed check, naming the object and the exact difference. */
  differences: string[];
}

export interface VerifyReport {
  /** Every namespace verified is ready, and every one asked for was moved. */
  ready: boolean;
  namespaces: NamespaceParity[];
  /** Namespaces asked for (`-n`) that do not exist on the target. */
  notMoved: string[];
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const CERT_MANAGER_GROUP = 'cert-manager.io';

interface Outcome {
  check: ParityCheck;
  difference?: string;
}

const subjectOf = (e: InventoryEntry) => `${e.object.kind}/${e.ref.namespace ?? ''}/${e.ref.name}`;
const byName = (a: InventoryEntry, b: InventoryEntry) => compareText(a.ref.name, b.ref.name);
const pass = (subject: string, detail: string): Outcome => ({ check: { subject, ok: true, detail } });
const fail = (subject: string, detail: string, difference = `${subject}: ${detail}`): Outcome => ({
  check: { subject, ok: false, detail },
  difference,
});
const missing = (subject: string): Outcome =>
  fail(subject, 'missing on the target', `${subject} is missing on the target`);

/**
 * The target's object of the same kind and name in the same namespace. Matched by kind, not API
 * group: an old cluster may serve a kind from a group the new one no longer does (Ingress in
 * `extensions`, PDB in `policy/v1beta1`).
 */
function counterpart(to: Inventory, entry: InventoryEntry): InventoryEntry | undefined {
  return to.inNamespace(entry.object.kind, entry.ref.namespace).find((e) => e.ref.name === entry.ref.name);
}

/** The presence check, and the target's object when present. */
function presence(to: Inventory, entry: InventoryEntry): { outcome: Outcome; target?: InventoryEntry } {
  const subject = subjectOf(entry);
  const target = counterpart(to, entry);
  return target ? { outcome: pass(subject, 'present on the target'), target } : { outcome: missing(subject) };
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const uniqueSorted = (values: Iterable<string>): string[] => [...new Set(values)].sort(compareText);

/** `hosts a only on the source, b only on the target`, or undefined when both sides hold the same. */
function setDifference(
  what: string,
  source: readonly string[],
  target: readonly string[],
): string | undefined {
  const onlySource = source.filter((v) => !target.includes(v));
  const onlyTarget = target.filter((v) => !source.includes(v));
  const parts: string[] = [];
  if (onlySource.length > 0) parts.push(`${what} ${onlySource.join(', ')} only on the source`);
  if (onlyTarget.length > 0) parts.push(`${what} ${onlyTarget.join(', ')} only on the target`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Whether the target runs the rollout it was asked for, from the controller's own status. */
function readinessOf(target: KubeObject): { ok: boolean; detail: string } | undefined {
  const status = asRecord(target.status);
  if (target.kind === 'Deployment' || target.kind === 'StatefulSet') {
    const generation = target.metadata.generation;
    const observed = status?.observedGeneration;
    if (typeof generation === 'number' && typeof observed === 'number' && observed < generation)
      return {
        ok: false,
        detail: `generation ${generation} not yet observed by its controller on the target (observed ${observed})`,
      };
    const desired = desiredReplicas(target) ?? 1;
    const ready = count(status?.readyReplicas);
    return { ok: ready >= desired, detail: `${ready}/${desired} replicas ready on the target` };
  }
  if (target.kind === 'DaemonSet') {
    const desired = count(status?.desiredNumberScheduled);
    const ready = count(status?.numberReady);
    return { ok: desired > 0 && ready === desired, detail: `${ready}/${desired} pods ready on the target` };
  }
  return undefined;
}

/** An image as the kubelet pulls it: `nginx` is `docker.io/library/nginx:latest`. */
function canonicalImage(image: string): string {
  const ref = parseImageReference(image);
  if (!ref) return image;
  const registry =
    ref.registry === undefined || ref.registry === 'index.docker.io' ? 'docker.io' : ref.registry;
  const repository =
    registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${registry}/${repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}`;
}

/** Images by container name, init containers too (names are unique across both lists). */
function imagesOf(object: KubeObject): Map<string, { image: string; label: string }> {
  const out = new Map<string, { image: string; label: string }>();
  for (const { container, list } of containersAt(object, { init: true })) {
    const name = String(container.name ?? '?');
    const label = list === 'initContainers' ? `init container ${name}` : `container ${name}`;
    out.set(name, { image: typeof container.image === 'string' ? container.image : '(none)', label });
  }
  return out;
}

/** Same image per container of the source; containers only the target has are not compared. */
function imageOutcome(subject: string, source: KubeObject, target: KubeObject): Outcome {
  const targetImages = imagesOf(target);
  const problems: string[] = [];
  const same: string[] = [];
  for (const [name, { image, label }] of imagesOf(source)) {
    const other = targetImages.get(name);
    if (!other) problems.push(`${label} (${image}) is missing on the target`);
    else if (canonicalImage(other.image) !== canonicalImage(image))
      problems.push(`${label} runs ${image} on the source but ${other.image} on the target`);
    else same.push(`${name} ${image}`);
  }
  return problems.length > 0
    ? fail(subject, problems.join('; '))
    : pass(subject, `same images: ${same.join(', ')}`);
}

function formatBounds(b: ReplicaBounds): string {
  const range = b.min === b.max ? `${b.min}` : `${b.min}–${b.max}`;
  const scalers = b.scalers.map((s) => `${s.scaler.object.kind} ${s.scaler.ref.name}`);
  return scalers.length > 0 ? `${range} (${scalers.join(', ')})` : range;
}

function boundsOutcome(
  inputs: VerifyInputs,
  subject: string,
  source: InventoryEntry,
  target: InventoryEntry,
) {
  const a = replicaBounds(inputs.from, source);
  const b = replicaBounds(inputs.to, target);
  if (!a || !b) return undefined;
  if (a.min === b.min && a.max === b.max) return pass(subject, `replicas ${formatBounds(a)} on both`);
  return fail(subject, `replicas ${formatBounds(a)} on the source, ${formatBounds(b)} on the target`);
}

/** A CronJob's schedule and suspend state. */
function cronOutcomes(subject: string, source: KubeObject, target: KubeObject): Outcome[] {
  const schedule = (o: KubeObject) => text(getAt(o, ['spec', 'schedule'])) ?? '(none)';
  const suspended = (o: KubeObject) => getAt(o, ['spec', 'suspend']) === true;
  const out: Outcome[] = [];
  if (schedule(source) === schedule(target)) out.push(pass(subject, `schedule ${schedule(source)} on both`));
  else
    out.push(fail(subject, `schedule ${schedule(source)} on the source, ${schedule(target)} on the target`));
  const state = (s: boolean) => (s ? 'suspended' : 'not suspended');
  if (suspended(source) === suspended(target)) out.push(pass(subject, `${state(suspended(source))} on both`));
  else
    out.push(
      fail(subject, `${state(suspended(source))} on the source, ${state(suspended(target))} on the target`),
    );
  return out;
}

function workloadOutcomes(inputs: VerifyInputs, workload: InventoryEntry): Outcome[] {
  const { outcome, target } = presence(inputs.to, workload);
  if (!target) return [outcome];
  const subject = subjectOf(workload);
  const out = [outcome];
  const readiness = readinessOf(target.object);
  if (readiness) out.push(readiness.ok ? pass(subject, readiness.detail) : fail(subject, readiness.detail));
  out.push(imageOutcome(subject, workload.object, target.object));
  const bounds = boundsOutcome(inputs, subject, workload, target);
  if (bounds) out.push(bounds);
  if (workload.object.kind === 'CronJob') out.push(...cronOutcomes(subject, workload.object, target.object));
  return out;
}

/** `80/TCP`, sorted. */
function servicePorts(service: KubeObject): string[] {
  return uniqueSorted(
    list(getAt(service, ['spec', 'ports'])).map((raw) => {
      const p = asRecord(raw);
      return `${text(p?.port) ?? '?'}/${text(p?.protocol) ?? 'TCP'}`;
    }),
  );
}

const serviceType = (service: KubeObject) => text(getAt(service, ['spec', 'type'])) ?? 'ClusterIP';

/** The load balancer addresses in `status.loadBalancer.ingress` (ip or hostname). */
function loadBalancerAddresses(object: KubeObject): string[] {
  return list(getAt(object, ['status', 'loadBalancer', 'ingress']))
    .map((raw) => text(asRecord(raw)?.ip) ?? text(asRecord(raw)?.hostname))
    .filter((a): a is string => a !== undefined && a !== '');
}

function addressOutcome(subject: string, target: KubeObject): Outcome {
  const addresses = loadBalancerAddresses(target);
  return addresses.length > 0
    ? pass(subject, `load balancer address ${addresses.join(', ')} on the target`)
    : fail(subject, 'no load balancer address on the target (status.loadBalancer.ingress is empty)');
}

function isPodReady(pod: KubeObject): boolean {
  return list(getAt(pod, ['status', 'conditions'])).some((raw) => {
    const c = asRecord(raw);
    return c?.type === 'Ready' && c.status === 'True';
  });
}

/** Ready endpoints of the target's Service: from its EndpointSlices, else from Ready pods it selects. */
function readyEndpoints(to: Inventory, service: InventoryEntry): { ready: number; via: string } {
  const namespace = service.ref.namespace;
  if (to.hasKind('EndpointSlice')) {
    let ready = 0;
    for (const slice of to.inNamespace('EndpointSlice', namespace)) {
      if (slice.object.metadata.labels?.[SERVICE_NAME_LABEL] !== service.ref.name) continue;
      for (const raw of list(slice.object.endpoints)) {
        const endpoint = asRecord(raw);
        const isReady = asRecord(endpoint?.conditions)?.ready !== false;
        if (isReady && list(endpoint?.addresses).length > 0) ready++;
      }
    }
    return { ready, via: 'EndpointSlices' };
  }
  const pods = to
    .inNamespace('Pod', namespace)
    .filter((p) => serviceSelects(service.object, p.object.metadata.labels ?? {}) && isPodReady(p.object));
  return { ready: pods.length, via: 'Ready pods matching the selector: the target has no EndpointSlices' };
}

function serviceOutcomes(to: Inventory, service: InventoryEntry): Outcome[] {
  const { outcome, target } = presence(to, service);
  if (!target) return [outcome];
  const subject = subjectOf(service);
  const out = [outcome];
  const [typeA, typeB] = [serviceType(service.object), serviceType(target.object)];
  const ports = setDifference('ports', servicePorts(service.object), servicePorts(target.object));
  const typeDiff = typeA === typeB ? undefined : `type ${typeA} on the source, ${typeB} on the target`;
  const spec = [typeDiff, ports].filter((d) => d !== undefined);
  out.push(
    spec.length > 0
      ? fail(subject, spec.join('; '))
      : pass(subject, `type ${typeA}, ports ${servicePorts(service.object).join(', ') || '(none)'} on both`),
  );
  const selector = asRecord(getAt(target.object, ['spec', 'selector']));
  if (typeB !== 'ExternalName' && selector && Object.keys(selector).length > 0) {
    const { ready, via } = readyEndpoints(to, target);
    out.push(
      ready > 0
        ? pass(subject, `${ready} ready endpoint${ready === 1 ? '' : 's'} on the target (${via})`)
        : fail(subject, `no ready endpoint on the target (${via})`),
    );
  }
  if (typeB === 'LoadBalancer') out.push(addressOutcome(subject, target.object));
  return out;
}

/** Hosts of rules and TLS sections, sorted. */
function ingressHosts(ingress: KubeObject): string[] {
  const spec = asRecord(ingress.spec);
  const hosts = list(spec?.rules).map((r) => text(asRecord(r)?.host));
  for (const tls of list(spec?.tls)) hosts.push(...list(asRecord(tls)?.hosts).map(text));
  return uniqueSorted(hosts.filter((h): h is string => h !== undefined && h !== ''));
}

/** `spec.ingressClassName`, or the annotation older clusters use for it. */
function ingressClass(ingress: KubeObject): string {
  return (
    text(getAt(ingress, ['spec', 'ingressClassName'])) ??
    ingress.metadata.annotations?.['kubernetes.io/ingress.class'] ??
    '(none)'
  );
}

function ingressOutcomes(to: Inventory, ingress: InventoryEntry): Outcome[] {
  const { outcome, target } = presence(to, ingress);
  if (!target) return [outcome];
  const subject = subjectOf(ingress);
  const hosts = setDifference('hosts', ingressHosts(ingress.object), ingressHosts(target.object));
  const [classA, classB] = [ingressClass(ingress.object), ingressClass(target.object)];
  const classDiff = classA === classB ? undefined : `class ${classA} on the source, ${classB} on the target`;
  const diffs = [hosts, classDiff].filter((d) => d !== undefined);
  const shown = ingressHosts(ingress.object).join(', ') || '(none)';
  return [
    outcome,
    diffs.length > 0
      ? fail(subject, diffs.join('; '))
      : pass(subject, `hosts ${shown}, class ${classA} on both`),
    addressOutcome(subject, target.object),
  ];
}

function claimOutcomes(to: Inventory, claim: InventoryEntry): Outcome[] {
  const { outcome, target } = presence(to, claim);
  if (!target) return [outcome];
  const subject = subjectOf(claim);
  const phase = text(getAt(target.object, ['status', 'phase'])) ?? 'no phase';
  const storage = (o: KubeObject) => text(getAt(o, ['spec', 'resources', 'requests', 'storage'])) ?? '(none)';
  const modes = (o: KubeObject) => uniqueSorted(list(getAt(o, ['spec', 'accessModes'])).map(String));
  const [sizeA, sizeB] = [storage(claim.object), storage(target.object)];
  const sameSize = sizeA === sizeB || (parseQuantity(sizeA) ?? Number.NaN) === parseQuantity(sizeB);
  const diffs = [
    sameSize ? undefined : `storage ${sizeA} on the source, ${sizeB} on the target`,
    setDifference('access modes', modes(claim.object), modes(target.object)),
  ].filter((d) => d !== undefined);
  return [
    outcome,
    phase === 'Bound'
      ? pass(subject, 'Bound on the target')
      : fail(subject, `${phase} on the target, not Bound`),
    diffs.length > 0
      ? fail(subject, diffs.join('; '))
      : pass(subject, `storage ${sizeA}, access modes ${modes(claim.object).join(', ') || '(none)'} on both`),
  ];
}

function certificateOutcomes(inputs: VerifyInputs, certificate: InventoryEntry): Outcome[] {
  const { outcome, target } = presence(inputs.to, certificate);
  if (!target) return [outcome];
  const subject = subjectOf(certificate);
  const ready = list(getAt(target.object, ['status', 'conditions']))
    .map(asRecord)
    .find((c) => c?.type === 'Ready');
  const notAfter = text(getAt(target.object, ['status', 'notAfter']));
  const expires = notAfter === undefined ? Number.NaN : Date.parse(notAfter);
  const problems: string[] = [];
  if (ready?.status !== 'True') {
    const why = [text(ready?.reason), text(ready?.message)].filter(Boolean).join(': ');
    problems.push(`not Ready on the target${why ? ` (${why})` : ''}`);
  }
  if (notAfter === undefined || Number.isNaN(expires)) problems.push('no status.notAfter on the target');
  else if (expires <= inputs.now.getTime()) problems.push(`expired on the target (notAfter ${notAfter})`);
  return [
    outcome,
    problems.length > 0
      ? fail(subject, problems.join('; '))
      : pass(subject, `Ready on the target, valid until ${notAfter}`),
  ];
}

function budgetOutcomes(to: Inventory, pdb: InventoryEntry): Outcome[] {
  const { outcome, target } = presence(to, pdb);
  if (!target) return [outcome];
  const subject = subjectOf(pdb);
  const field = (o: KubeObject, name: string) => {
    const raw = getAt(o, ['spec', name]);
    const parsed = parseIntOrPercent(raw);
    return parsed ? formatIntOrPercent(parsed) : (text(raw) ?? '(unset)');
  };
  const diffs: string[] = [];
  const same: string[] = [];
  for (const name of ['minAvailable', 'maxUnavailable']) {
    const [a, b] = [field(pdb.object, name), field(target.object, name)];
    if (a !== b) diffs.push(`${name} ${a} on the source, ${b} on the target`);
    else if (a !== '(unset)') same.push(`${name} ${a}`);
  }
  return [
    outcome,
    diffs.length > 0
      ? fail(subject, diffs.join('; '))
      : pass(subject, `${same.join(', ') || 'no budget'} on both`),
  ];
}

const REFERENCED_KINDS = ['Secret', 'ConfigMap', 'ServiceAccount'] as const;

/**
 * The Secrets, ConfigMaps and ServiceAccounts the source's workloads need (optional references
 * aside), each looked up by name on the target.
 */
function referenceOutcomes(to: Inventory, namespace: string, workloads: InventoryEntry[]): Outcome[] {
  // `Kind/name` → workload → where it names it.
  const users = new Map<string, Map<string, string[]>>();
  for (const workload of workloads) {
    for (const ref of podReferences(workload.object)) {
      if (ref.optional) continue;
      const key = `${ref.kind}/${ref.name}`;
      const byWorkload = users.get(key) ?? new Map<string, string[]>();
      users.set(key, byWorkload);
      const wheres = byWorkload.get(subjectOf(workload)) ?? [];
      byWorkload.set(subjectOf(workload), wheres);
      if (!wheres.includes(ref.where)) wheres.push(ref.where);
    }
  }
  const out: Outcome[] = [];
  for (const kind of REFERENCED_KINDS) {
    const names = uniqueSorted(
      [...users.keys()].filter((k) => k.startsWith(`${kind}/`)).map((k) => k.slice(kind.length + 1)),
    );
    const onTarget = new Set(to.inNamespace(kind, namespace).map((e) => e.ref.name));
    for (const name of names) {
      const subject = `${kind}/${namespace}/${name}`;
      const usedBy = [...(users.get(`${kind}/${name}`) ?? new Map<string, string[]>())]
        .map(([workload, wheres]) => `${workload}: ${wheres.join(', ')}`)
        .join('; ');
      if (onTarget.has(name)) out.push(pass(subject, `present on the target (used by ${usedBy})`));
      else {
        const detail = `missing on the target (used by ${usedBy})`;
        out.push(fail(subject, detail, `${subject} is ${detail}`));
      }
    }
  }
  return out;
}

/** The source's objects of a kind in the namespace, by name. */
function sourceObjects(from: Inventory, kind: string, namespace: string): InventoryEntry[] {
  return [...from.inNamespace(kind, namespace)].sort(byName);
}

function namespaceParity(inputs: VerifyInputs, namespace: string, onSource: boolean): NamespaceParity {
  const { from, to } = inputs;
  const outcomes: Outcome[] = [];
  if (!onSource)
    outcomes.push(
      fail(
        `Namespace/${namespace}`,
        'not on the source: nothing to compare it with',
        `Namespace/${namespace} is not on the source: nothing to compare it with (is --from the old cluster?)`,
      ),
    );
  const kindOrder = (e: InventoryEntry) => (MOVED_WORKLOAD_KINDS as readonly string[]).indexOf(e.object.kind);
  const ordered = movedWorkloads(from, namespace).sort((a, b) => kindOrder(a) - kindOrder(b) || byName(a, b));
  for (const w of ordered) outcomes.push(...workloadOutcomes(inputs, w));
  for (const s of sourceObjects(from, 'Service', namespace)) outcomes.push(...serviceOutcomes(to, s));
  for (const i of sourceObjects(from, 'Ingress', namespace)) outcomes.push(...ingressOutcomes(to, i));
  for (const c of sourceObjects(from, 'PersistentVolumeClaim', namespace))
    outcomes.push(...claimOutcomes(to, c));
  for (const c of sourceObjects(from, 'Certificate', namespace))
    if (groupOf(c.object.apiVersion) === CERT_MANAGER_GROUP) outcomes.push(...certificateOutcomes(inputs, c));
  // KEDA makes its own HPAs from ScaledObjects: the replica ranges compare what they do.
  for (const h of sourceObjects(from, 'HorizontalPodAutoscaler', namespace))
    if (!isKedaOwnedHpa(h)) outcomes.push(presence(to, h).outcome);
  for (const p of sourceObjects(from, 'PodDisruptionBudget', namespace))
    outcomes.push(...budgetOutcomes(to, p));
  outcomes.push(...referenceOutcomes(to, namespace, ordered));
  return {
    namespace,
    ready: outcomes.every((o) => o.check.ok),
    checks: outcomes.map((o) => o.check),
    differences: outcomes.flatMap((o) => (o.difference === undefined ? [] : [o.difference])),
  };
}

/**
 * Parity of each moved namespace between the old cluster and the new one, and whether DNS can
 * be cut over: every check of every namespace verified is ok and every namespace asked for
 * exists on the target. Objects only the target has are not judged.
 */
export function verifyMigration(inputs: VerifyInputs): VerifyReport {
  const onSource = new Set(inputs.from.namespaces());
  const onTarget = new Set(inputs.to.namespaces());
  let selected: string[];
  let notMoved: string[] = [];
  if (inputs.namespaces) {
    const asked = uniqueSorted(inputs.namespaces);
    notMoved = asked.filter((ns) => !onTarget.has(ns));
    selected = asked.filter((ns) => onTarget.has(ns));
  } else {
    selected = [...onSource].filter((ns) => onTarget.has(ns) && !SYSTEM_NAMESPACES.includes(ns));
    selected.sort(compareText);
  }
  const namespaces = selected.map((ns) => namespaceParity(inputs, ns, onSource.has(ns)));
  return {
    ready: namespaces.length > 0 && notMoved.length === 0 && namespaces.every((n) => n.ready),
    namespaces,
    notMoved,
  };
}
