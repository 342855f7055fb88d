/**
 * The spot verdict: can this workload run on spot capacity, and does its scheduling keep it
 * where the answer says?
 *
 * The post runs 80% of its compute on spot and says which workloads belong there: stateless
 * services with several replicas, retryable batch jobs, dev/staging, CI runners — and which do
 * not: databases, single-replica services, long jobs that cannot checkpoint. Its strategy adds
 * PDBs for graceful draining. A spot node is reclaimed with a two-minute notice; Karpenter
 * receives it and drains the node, and AWS stops the instance when the two minutes are up,
 * whatever PDBs and grace periods say.
 *
 * `spotVerdict` combines the pieces (the peers check them one by one, if at all) into
 * `spot-safe` or `on-demand-only` with every reason, each marked blocking or not:
 *
 * | code | blocking | when |
 * |---|---|---|
 * | `stateful-set` | yes | a StatefulSet (or its pod): identity and usually state |
 * | `database` | yes | a container image is a database (postgres, mysql, mongo, …) |
 * | `bare-pod` | yes | a Pod no controller recreates |
 * | `single-replica` | serving: yes; workers: no | fewer than 2 replicas (HPA/KEDA minimum counts) |
 * | `pdb-blocks` | yes | a PDB allows no disruption (`maxUnavailable: 0`, `minAvailable` ≥ replicas) |
 * | `pdb-missing` | no | several replicas and no PDB |
 * | `long-grace` | yes | `terminationGracePeriodSeconds` > 120 |
 * | `no-prestop` | no | a serving workload without a preStop hook |
 * | `no-spread` | no | a multi-replica serving workload without topology spread or pod anti-affinity |
 * | `host-path` | yes | writes to a hostPath |
 * | `local-volume` | yes | a local PersistentVolume (the data lives on the node) |
 * | `volume-claim` | yes (Jobs: no) | a ReadWriteOnce claim: EBS is zonal and reattaches slowly (a claim not in the scan may be one) |
 * | `large-empty-dir` | no | an emptyDir with a sizeLimit of 10Gi or more |
 * | `long-job` | yes | a Job that may run over an hour without declaring checkpointing |
 * | `not-retryable` | yes | a Job with `backoffLimit: 0` that does not ignore disruptions |
 * | `do-not-disrupt` | no | `karpenter.sh/do-not-disrupt`: stops consolidation, not a reclaim |
 * | `daemonset` | no | DaemonSet pods follow the nodes, whatever their capacity type |
 * | `non-production` | no | the namespace is labelled dev/staging/…: nothing blocks there |
 *
 * A Job declares checkpointing with the annotation `hindsight.dev/checkpointing: "true"` (on the
 * Job, CronJob or pod template). A namespace labelled `environment` (or `env`) with a value like
 * `dev`, `staging` or `preview` turns every blocking reason into a note: the post puts
 * development and staging on spot.
 *
 * The placement part (see `placement.ts`) says whether the workload's nodeSelector, affinity and
 * tolerations, against the NodePools and Nodes of the inventory, let it land on spot and on
 * on-demand. The cost report reuses both.
 */
import { type IntOrPercent, parseIntOrPercent, scaledValue } from '../core/disruption-budget.ts';
import { parseImageReference } from '../core/image-reference.ts';
import { flatString } from '../core/kept-values.ts';
import type { PodSpec } from '../core/pod-spec.ts';
import { formatBytes, parseQuantity } from '../core/quantity.ts';
import { asRecord } from '../core/records.ts';
import type { KubeObject } from '../core/resource.ts';
import { containersAt, getAt, podAnnotations, podSpecAt } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from '../inventory/inventory.ts';
import { hasFinished, owningWorkload } from '../inventory/owning-workload.ts';
import { replicaBounds, SCALABLE_KINDS } from '../inventory/replica-bounds.ts';
import { pdbsFor, servingVerdictIn } from '../inventory/selectors.ts';
import { type Placement, placementOf } from './placement.ts';

export type SpotVerdictValue = 'spot-safe' | 'on-demand-only';

export type SpotReasonCode =
  | 'stateful-set'
  | 'database'
  | 'bare-pod'
  | 'single-replica'
  | 'pdb-blocks'
  | 'pdb-missing'
  | 'long-grace'
  | 'no-prestop'
  | 'no-spread'
  | 'host-path'
  | 'local-volume'
  | 'volume-claim'
  | 'large-empty-dir'
  | 'long-job'
  | 'not-retryable'
  | 'do-not-disrupt'
  | 'daemonset'
  | 'non-production';

export interface SpotReason {
  code: SpotReasonCode;
  /** The reason and what it does on spot, as a clause: `terminationGracePeriodSeconds: 600 is longer than …`. */
  text: string;
  /** The reason alone, for lists: `1 replica (replicas: 1)`, `a StatefulSet`. */
  summary: string;
  /** A blocking reason makes the verdict on-demand-only. */
  blocking: boolean;
}

/** What kind of workload the verdict judged. */
export type WorkloadClass = 'service' | 'worker' | 'stateful' | 'job' | 'daemon';

/**
 * A placement as a verdict keeps it: its answers and its sentence, without the landing options
 * behind them (one per Node or NodePool and capacity type that admits the workload). Verdicts
 * are kept per workload for as long as the inventory (`hindsight serve`): at 1,000 Nodes the
 * options of 9k workloads' verdicts held 5.7 million objects, about 300 MiB of heap.
 */
export type KeptPlacement = Omit<Placement, 'options'>;

export interface SpotVerdict {
  verdict: SpotVerdictValue;
  reasons: SpotReason[];
  placement: KeptPlacement;
  workload: {
    /** `Deployment shop/api`; for a Pod of a controller missing from the inventory, that controller. */
    label: string;
    class: WorkloadClass;
    serving: boolean;
    /** Replicas at the lowest point (autoscaler minimum), when the inventory can tell. */
    replicas?: number;
  };
}

export interface SpotVerdictOptions {
  /**
   * The analysis clock, to tell how long a running Job has been running; a function is called
   * only for a workload that is running (a rule passes `() => ctx.now`, so only those verdicts
   * read the clock).
   */
  now?: Date | (() => Date);
  /** A Job that may run longer than this without checkpointing is not spot-safe. Default 3600. */
  longJobSeconds?: number;
  /** An emptyDir this large is worth a note (rebuilt after every reclaim). Default 10Gi. */
  largeEmptyDirBytes?: number;
}

/** The two-minute spot interruption notice. */
export const SPOT_NOTICE_SECONDS = 120;
export const CHECKPOINTING_ANNOTATION = 'hindsight.dev/checkpointing';
export const DO_NOT_DISRUPT_ANNOTATION = 'karpenter.sh/do-not-disrupt';

const DEFAULT_LONG_JOB_SECONDS = 3600;
const DEFAULT_LARGE_EMPTY_DIR = 10 * 2 ** 30;

/** Image names (last path component) of databases and stateful brokers. Caches (redis) are not here. */
const DATABASE_IMAGES = new Set([
  'postgres',
  'postgresql',
  'postgresql-repmgr',
  'postgis',
  'timescaledb',
  'timescaledb-ha',
  'mysql',
  'mysql-server',
  'mariadb',
  'percona-server',
  'percona-server-mongodb',
  'mongo',
  'mongodb',
  'mongodb-community-server',
  'cassandra',
  'scylla',
  'elasticsearch',
  'opensearch',
  'clickhouse-server',
  'cockroach',
  'influxdb',
  'neo4j',
  'couchdb',
  'couchbase',
  'etcd',
  'zookeeper',
  'kafka',
]);

const NON_PRODUCTION =
  /^(dev|devel|development|test|testing|qa|staging|stage|sandbox|preview|review|ephemeral|ci)$/i;
const ENVIRONMENT_LABELS = ['environment', 'env', 'hindsight.dev/environment'];

function controllerOwnerKind(object: KubeObject): string | undefined {
  const owners = Array.isArray(object.metadata.ownerReferences) ? object.metadata.ownerReferences : [];
  const owner = owners.find((o) => o?.controller === true) ?? owners[0];
  return typeof owner?.kind === 'string' ? owner.kind : undefined;
}

function annotationIsTrue(object: KubeObject, key: string): boolean {
  const own = asRecord(object.metadata.annotations)?.[key];
  const pod = podAnnotations(object)?.[key];
  return String(own).toLowerCase() === 'true' || String(pod).toLowerCase() === 'true';
}

/** Live pods of the same controller, for Pods whose controller is not in the inventory. */
function siblingPods(inventory: Inventory, entry: InventoryEntry): InventoryEntry[] {
  // Siblings share their namespace: the answer depends on that namespace only.
  const groups = inventory.derived('spot/sibling-pods', () => {
    const byWorkload = new Map<string, InventoryEntry[]>();
    for (const pod of inventory.ofKind('Pod')) {
      if (hasFinished(pod.object) || inventory.controllerOf(pod) !== undefined) continue;
      const key = owningWorkload(inventory, pod).key;
      const group = byWorkload.get(key);
      if (group) group.push(pod);
      else byWorkload.set(key, [pod]);
    }
    return byWorkload;
  }, [`ns:${entry.ref.namespace ?? ''}`]);
  return groups.get(owningWorkload(inventory, entry).key) ?? [];
}

function classify(object: KubeObject, serving: boolean): WorkloadClass {
  const owner = object.kind === 'Pod' ? controllerOwnerKind(object) : undefined;
  const kind = owner ?? object.kind;
  if (kind === 'DaemonSet' || kind === 'Node') return 'daemon';
  if (kind === 'Job' || kind === 'CronJob') return 'job';
  if (kind === 'StatefulSet') return 'stateful';
  return serving ? 'service' : 'worker';
}

interface Replicas {
  count: number;
  /** Where the number comes from, for the reason text. */
  source: string;
}

function replicasOf(
  inventory: Inventory,
  entry: InventoryEntry,
  pods: InventoryEntry[],
): Replicas | undefined {
  const object = entry.object;
  if (SCALABLE_KINDS.includes(object.kind)) {
    const bounds = replicaBounds(inventory, entry);
    if (!bounds) return undefined;
    const scaler = bounds.scalers.find((s) => s.min === bounds.min);
    if (scaler) {
      const field = scaler.scaler.object.kind === 'ScaledObject' ? 'minReplicaCount' : 'minReplicas';
      // A scale-to-zero workload runs one pod as soon as it runs at all.
      return {
        count: Math.max(bounds.min, 1),
        source: `${scaler.scaler.object.kind} ${scaler.scaler.ref.name} ${field}: ${scaler.min}${scaler.minDefaulted ? ' (default)' : ''}`,
      };
    }
    return {
      count: bounds.min,
      source: bounds.specReplicas === undefined ? 'replicas not set (default 1)' : `replicas: ${bounds.min}`,
    };
  }
  if (object.kind === 'ReplicationController') {
    const n = asRecord(object.spec)?.replicas;
    return { count: typeof n === 'number' ? n : 1, source: `replicas: ${typeof n === 'number' ? n : 1}` };
  }
  if (object.kind === 'Pod') {
    if (controllerOwnerKind(object) === undefined) return { count: 1, source: 'a bare Pod' };
    return { count: pods.length, source: `${pods.length} running ${pods.length === 1 ? 'pod' : 'pods'}` };
  }
  return undefined;
}

function budgetAllowsNone(pdb: InventoryEntry, replicas: number): string | undefined {
  const spec = asRecord(pdb.object.spec);
  const describe = (field: string, v: IntOrPercent) =>
    `${field}: ${v.kind === 'int' ? v.value : `${v.value}%`}`;
  const maxUnavailable = parseIntOrPercent(spec?.maxUnavailable);
  if (maxUnavailable && scaledValue(maxUnavailable, replicas) === 0)
    return describe('maxUnavailable', maxUnavailable);
  const minAvailable = parseIntOrPercent(spec?.minAvailable);
  if (minAvailable && scaledValue(minAvailable, replicas) >= replicas)
    return `${describe('minAvailable', minAvailable)} with ${replicas} ${replicas === 1 ? 'replica' : 'replicas'}`;
  return undefined;
}

interface VolumeUse {
  name: string;
  volume: Record<string, unknown>;
  /** Some container mounts it without readOnly. */
  writable: boolean;
  mounted: boolean;
}

function volumesOf(object: KubeObject, spec: PodSpec | undefined): VolumeUse[] {
  const volumes = Array.isArray(spec?.volumes) ? spec.volumes : [];
  const mounts = containersAt(object, { init: true }).flatMap(({ container }) =>
    Array.isArray(container.volumeMounts) ? container.volumeMounts.map(asRecord) : [],
  );
  const out: VolumeUse[] = [];
  for (const raw of volumes) {
    const volume = asRecord(raw);
    if (!volume || typeof volume.name !== 'string') continue;
    const own = mounts.filter((m) => m?.name === volume.name);
    out.push({
      name: volume.name,
      volume,
      mounted: own.length > 0,
      writable: own.some((m) => m?.readOnly !== true),
    });
  }
  return out;
}

type ClaimKind = 'shared' | 'local' | 'zonal';

const SHARED_PROVISIONERS =
  /efs\.csi\.aws\.com|fsx\.csi\.aws\.com|nfs|file\.csi|filestore|azurefile|cephfs|s3\.csi\.aws\.com/i;

/** Shared file systems (EFS, NFS…) and ReadWriteMany claims survive a node; local PVs die with it. */
function claimKind(inventory: Inventory, claimSpec: unknown): ClaimKind {
  const spec = asRecord(claimSpec);
  const modes = Array.isArray(spec?.accessModes) ? spec.accessModes.map(String) : [];
  if (modes.includes('ReadWriteMany') || modes.includes('ReadOnlyMany')) return 'shared';
  const className = spec?.storageClassName;
  if (typeof className === 'string' && className !== '') {
    const sc = inventory.get({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: className });
    const provisioner = asRecord(sc?.object)?.provisioner;
    if (provisioner === 'kubernetes.io/no-provisioner') return 'local';
    if (typeof provisioner === 'string' && SHARED_PROVISIONERS.test(provisioner)) return 'shared';
  }
  const volumeName = spec?.volumeName;
  if (typeof volumeName === 'string' && volumeName !== '') {
    const pv = asRecord(
      inventory.get({ apiVersion: 'v1', kind: 'PersistentVolume', name: volumeName })?.object.spec,
    );
    if (pv?.local || pv?.hostPath) return 'local';
    if (pv?.nfs || pv?.efs) return 'shared';
    const driver = asRecord(pv?.csi)?.driver;
    if (typeof driver === 'string' && SHARED_PROVISIONERS.test(driver)) return 'shared';
  }
  return 'zonal';
}

function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours === 0) return `${minutes}m`;
  return minutes === 0 ? `${hours}h` : `${hours}h${String(minutes).padStart(2, '0')}m`;
}

/** The Job spec a workload runs: a Job's own, a CronJob's template. */
function jobSpecOf(object: KubeObject): Record<string, unknown> | undefined {
  if (object.kind === 'Job') return asRecord(object.spec);
  if (object.kind === 'CronJob') return asRecord(getAt(object, ['spec', 'jobTemplate', 'spec']));
  return undefined;
}

/** A podFailurePolicy rule that ignores pods failed by a disruption (the DisruptionTarget condition). */
function ignoresDisruptions(jobSpec: Record<string, unknown>): boolean {
  const rules = asRecord(jobSpec.podFailurePolicy)?.rules;
  if (!Array.isArray(rules)) return false;
  return rules.some((raw) => {
    const rule = asRecord(raw);
    if (rule?.action !== 'Ignore' || !Array.isArray(rule.onPodConditions)) return false;
    return rule.onPodConditions.some((c) => asRecord(c)?.type === 'DisruptionTarget');
  });
}

function runningSeconds(object: KubeObject, clock: Date | (() => Date) | undefined): number | undefined {
  if (!clock) return undefined;
  const status = asRecord(object.status);
  if (!status || typeof status.startTime !== 'string') return undefined;
  if (object.kind === 'Pod' && status.phase !== 'Running') return undefined;
  if (
    object.kind === 'Job' &&
    (status.completionTime || !(typeof status.active === 'number' && status.active > 0))
  )
    return undefined;
  const start = Date.parse(status.startTime);
  if (!Number.isFinite(start)) return undefined;
  const now = typeof clock === 'function' ? clock() : clock;
  const seconds = (now.getTime() - start) / 1000;
  return seconds > 0 ? seconds : undefined;
}

function isNonProduction(inventory: Inventory, namespace: string | undefined): string | undefined {
  if (!namespace) return undefined;
  const ns = inventory.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  const labels = asRecord(ns?.object.metadata.labels) ?? {};
  for (const key of ENVIRONMENT_LABELS) {
    const value = labels[key];
    if (typeof value === 'string' && NON_PRODUCTION.test(value)) return `${key}=${value}`;
  }
  return undefined;
}

/**
 * The spot verdict for one workload (an entry of the `workloads` selection: a top-level
 * workload, or a Pod whose controller is not in the inventory).
 */
export function spotVerdict(
  inventory: Inventory,
  entry: InventoryEntry,
  options: SpotVerdictOptions = {},
): SpotVerdict {
  // Several rules ask for the same verdicts: compute each once per inventory and options. The
  // clock is not a part of the key (a key per instant keeps earlier verdicts in a kept inventory): a
  // verdict that read it recorded the read, and is dropped when the clock moves (CLOCK_PART).
  const key = `spot-verdict/${options.longJobSeconds ?? ''}/${options.largeEmptyDirBytes ?? ''}/${options.now ? 'clock' : ''}`;
  return inventory.derivedFor(entry, key, () => computeSpotVerdict(inventory, entry, options));
}

/** What each group of reasons reads: the workload, what kind it is, and where reasons go. */
interface VerdictSubject {
  inventory: Inventory;
  entry: InventoryEntry;
  object: KubeObject;
  spec: PodSpec | undefined;
  workloadClass: WorkloadClass;
  serving: boolean;
  replicas: Replicas | undefined;
  add: (code: SpotReasonCode, summary: string, text: string, blocking: boolean) => void;
}

function computeSpotVerdict(
  inventory: Inventory,
  entry: InventoryEntry,
  options: SpotVerdictOptions,
): SpotVerdict {
  const object = entry.object;
  const spec = podSpecAt(object);
  const serving = servingVerdictIn(inventory, entry).serving;
  const workloadClass = classify(object, serving);
  const controlled = object.kind === 'Pod' && controllerOwnerKind(object) !== undefined;
  const pods = controlled ? siblingPods(inventory, entry) : object.kind === 'Pod' ? [entry] : [];
  const { options: _landing, ...placement } = placementOf(inventory, entry, { pods });
  placement.how = flatString(placement.how);
  const label = flatString(owningWorkload(inventory, entry).label);
  const reasons: SpotReason[] = [];
  // Verdicts are kept between evaluations (derivedFor): their sentences are kept flat.
  const add = (code: SpotReasonCode, summary: string, text: string, blocking: boolean) =>
    reasons.push({ code, summary: flatString(summary), text: flatString(text), blocking });

  if (workloadClass === 'daemon') {
    add('daemonset', 'a DaemonSet', 'a DaemonSet: its pods follow the nodes, spot or not', false);
    return { verdict: 'spot-safe', reasons, placement, workload: { label, class: workloadClass, serving } };
  }

  const replicas = workloadClass === 'job' ? undefined : replicasOf(inventory, entry, pods);
  const subject: VerdictSubject = { inventory, entry, object, spec, workloadClass, serving, replicas, add };
  addIdentityReasons(subject);
  addDisruptionReasons(subject, controlled);
  addShutdownReasons(subject);
  addDataReasons(subject, options);
  if (workloadClass === 'job') addJobReasons(subject, options);
  addDoNotDisruptReason(subject);

  const environment = isNonProduction(inventory, entry.ref.namespace);
  if (environment) {
    for (const r of reasons) r.blocking = false;
    add(
      'non-production',
      `namespace labelled ${environment}`,
      `namespace ${entry.ref.namespace} is labelled ${environment}: interruptions are acceptable there`,
      false,
    );
  }

  return {
    verdict: reasons.some((r) => r.blocking) ? 'on-demand-only' : 'spot-safe',
    reasons,
    placement,
    workload: {
      label,
      class: workloadClass,
      serving,
      ...(replicas ? { replicas: replicas.count } : {}),
    },
  };
}

/** What the workload is: a StatefulSet, a database. */
function addIdentityReasons({ object, workloadClass, add }: VerdictSubject): void {
  if (workloadClass === 'stateful')
    add('stateful-set', 'a StatefulSet', 'a StatefulSet: its pods keep an identity and usually state', true);
  const database = containersAt(object)
    .map(({ container }) => parseImageReference(container.image))
    .find((ref) => ref && DATABASE_IMAGES.has(ref.repository.split('/').pop() ?? ''));
  if (database) {
    const image = `${database.repository}${database.tag ? `:${database.tag}` : ''}`;
    add(
      'database',
      `runs ${image}`,
      `runs a database (${image}): the post keeps databases off spot, "obviously"`,
      true,
    );
  }
}

/** How many of it there are, and how they may be disrupted. */
function addDisruptionReasons(subject: VerdictSubject, controlled: boolean): void {
  const { inventory, entry, object, workloadClass, replicas, add } = subject;
  if (object.kind === 'Pod' && !controlled) {
    add('bare-pod', 'a bare Pod', 'a bare Pod: nothing recreates it after a reclaim', true);
  } else if (replicas && replicas.count === 1) {
    add(
      'single-replica',
      `1 replica (${replicas.source})`,
      `1 replica (${replicas.source}): every reclaim is an outage until it is rescheduled`,
      workloadClass !== 'worker',
    );
  }
  if (replicas && replicas.count >= 1 && workloadClass !== 'job') {
    const pdbs = pdbsFor(inventory, entry);
    for (const pdb of pdbs) {
      const why = budgetAllowsNone(pdb, replicas.count);
      if (why)
        add(
          'pdb-blocks',
          `PDB ${pdb.ref.name} allows no disruption (${why})`,
          `PodDisruptionBudget ${pdb.ref.name} allows no disruption (${why}): its owners say it must not be interrupted, and a reclaim ignores PDBs`,
          true,
        );
    }
    const pdbsCollected = object.kind !== 'Pod' || inventory.hasKind('PodDisruptionBudget');
    if (pdbs.length === 0 && replicas.count >= 2 && pdbsCollected)
      add('pdb-missing', 'no PDB', 'no PodDisruptionBudget: a drain may evict all replicas at once', false);
  }
}

/** How it stops: its grace period, and for serving workloads a preStop hook and spread. */
function addShutdownReasons({ object, spec, workloadClass, serving, replicas, add }: VerdictSubject): void {
  const grace = spec?.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace > SPOT_NOTICE_SECONDS)
    add(
      'long-grace',
      `terminationGracePeriodSeconds ${grace} > the 120 s spot notice`,
      `terminationGracePeriodSeconds: ${grace}: the pod may need that long to shut down, and a reclaim gives it less than the 2-minute notice`,
      true,
    );
  if (workloadClass !== 'service' && !(workloadClass === 'stateful' && serving)) return;
  const hasPreStop = containersAt(object).some(({ container }) =>
    asRecord(asRecord(container.lifecycle)?.preStop),
  );
  if (!hasPreStop)
    add(
      'no-prestop',
      'no preStop hook',
      'no preStop hook: requests in flight can fail while load balancers still route to the pod',
      false,
    );
  const spread = Array.isArray(spec?.topologySpreadConstraints) && spec.topologySpreadConstraints.length > 0;
  const antiAffinity = asRecord(asRecord(spec?.affinity)?.podAntiAffinity);
  const anti =
    Array.isArray(antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution) ||
    Array.isArray(antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  if (replicas && replicas.count >= 2 && !spread && !anti)
    add(
      'no-spread',
      'no spread across zones or nodes',
      `no topology spread or pod anti-affinity: Karpenter packs pods tightly, so the ${replicas.count} replicas can share one spot node and go together`,
      false,
    );
}

/** Where it keeps data: hostPath, large emptyDirs, local and zonal volume claims. */
function addDataReasons(subject: VerdictSubject, options: SpotVerdictOptions): void {
  const { inventory, entry, object, spec, workloadClass, add } = subject;
  const claims: string[] = [];
  const localClaims: string[] = [];
  // Claims the pods mount that the scan does not hold: their storage is unknown.
  const unseenClaims: string[] = [];
  const addClaim = (name: string, kind: ClaimKind | undefined) => {
    if (kind === 'local') localClaims.push(name);
    else if (kind === 'zonal') claims.push(name);
  };
  for (const use of volumesOf(object, spec)) {
    addVolumeReasons(use, options, add);
    const pvc = asRecord(use.volume.persistentVolumeClaim);
    if (pvc && typeof pvc.claimName === 'string') {
      const claim = inventory.get({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: pvc.claimName,
        ...(entry.ref.namespace ? { namespace: entry.ref.namespace } : {}),
      });
      if (claim) addClaim(pvc.claimName, claimKind(inventory, claim.object.spec));
      else unseenClaims.push(pvc.claimName);
    }
  }
  const templates =
    object.kind === 'StatefulSet' ? getAt(object, ['spec', 'volumeClaimTemplates']) : undefined;
  if (Array.isArray(templates))
    for (const raw of templates) {
      const t = asRecord(raw);
      const name = asRecord(t?.metadata)?.name;
      if (typeof name !== 'string') continue;
      addClaim(name, claimKind(inventory, t?.spec));
    }
  if (localClaims.length > 0)
    add(
      'local-volume',
      `local PersistentVolume ${localClaims.join(', ')}`,
      `local PersistentVolume (${localClaims.join(', ')}): the data dies with the node`,
      true,
    );
  if (claims.length > 0)
    add(
      'volume-claim',
      `volume claim ${claims.join(', ')} on zonal EBS`,
      `PersistentVolumeClaim ${claims.join(', ')}: an EBS volume is zonal and must detach from the reclaimed node (up to 6 minutes) before its pod starts again, in the same zone`,
      workloadClass !== 'job',
    );
  // Unknown storage is not shown safe to move: kept as blocking as a zonal claim, said as unknown.
  if (unseenClaims.length > 0)
    add(
      'volume-claim',
      `volume claim ${unseenClaims.join(', ')} not in the scan (if it is zonal EBS, it reattaches slowly)`,
      `PersistentVolumeClaim ${unseenClaims.join(', ')} is not in the scan, so hindsight cannot see its storage: if it is zonal EBS, the volume must detach from the reclaimed node (up to 6 minutes) before its pod starts again, in the same zone`,
      workloadClass !== 'job',
    );
}

/** A writable hostPath, or an emptyDir large enough to matter. */
function addVolumeReasons(use: VolumeUse, options: SpotVerdictOptions, add: VerdictSubject['add']): void {
  const hostPath = asRecord(use.volume.hostPath);
  if (hostPath && use.mounted && use.writable)
    add(
      'host-path',
      `writes to hostPath ${String(hostPath.path ?? '?')}`,
      `writes to hostPath ${String(hostPath.path ?? '?')}: the data stays on the reclaimed node`,
      true,
    );
  const emptyDir = asRecord(use.volume.emptyDir);
  // Disk- or memory-backed, a large scratch space is rebuilt from nothing on the next node.
  if (emptyDir && (typeof emptyDir.sizeLimit === 'string' || typeof emptyDir.sizeLimit === 'number')) {
    const bytes = parseQuantity(emptyDir.sizeLimit);
    if (bytes !== undefined && bytes >= (options.largeEmptyDirBytes ?? DEFAULT_LARGE_EMPTY_DIR))
      add(
        'large-empty-dir',
        `emptyDir ${use.name} of up to ${formatBytes(bytes)}`,
        `emptyDir ${use.name} holds up to ${formatBytes(bytes)}, lost and rebuilt after every reclaim`,
        false,
      );
  }
}

/** Jobs: how long they run, and whether a retry is allowed. */
function addJobReasons({ object, spec, add }: VerdictSubject, options: SpotVerdictOptions): void {
  const jobSpec = jobSpecOf(object);
  const checkpointing = annotationIsTrue(object, CHECKPOINTING_ANNOTATION);
  const longJob = options.longJobSeconds ?? DEFAULT_LONG_JOB_SECONDS;
  const ownDeadline = jobSpec?.activeDeadlineSeconds ?? spec?.activeDeadlineSeconds;
  const deadline = typeof ownDeadline === 'number' ? ownDeadline : undefined;
  const running = runningSeconds(object, options.now);
  if (!checkpointing) {
    if (running !== undefined && running > longJob)
      add(
        'long-job',
        `running for ${formatDuration(running)} without checkpointing`,
        `has been running for ${formatDuration(running)} and declares no checkpointing (${CHECKPOINTING_ANNOTATION}): a reclaim starts it again from the beginning`,
        true,
      );
    else if (deadline !== undefined && deadline > longJob)
      add(
        'long-job',
        `may run ${formatDuration(deadline)} without checkpointing`,
        `may run for up to ${formatDuration(deadline)} (activeDeadlineSeconds: ${deadline}) and declares no checkpointing (${CHECKPOINTING_ANNOTATION}): a reclaim starts it again from the beginning`,
        true,
      );
  }
  if (jobSpec && jobSpec.backoffLimit === 0 && !ignoresDisruptions(jobSpec))
    add(
      'not-retryable',
      'backoffLimit: 0',
      'backoffLimit: 0: one reclaimed pod fails the Job for good',
      true,
    );
}

/** Karpenter reads it on pods only (do-not-evict is its pre-v0.32 name). */
function addDoNotDisruptReason({ object, add }: VerdictSubject): void {
  const onPods = podAnnotations(object) ?? {};
  if (
    [DO_NOT_DISRUPT_ANNOTATION, 'karpenter.sh/do-not-evict'].some(
      (k) => String(onPods[k]).toLowerCase() === 'true',
    )
  )
    add(
      'do-not-disrupt',
      DO_NOT_DISRUPT_ANNOTATION,
      `${DO_NOT_DISRUPT_ANNOTATION} keeps consolidation and drift away, not a spot reclaim`,
      false,
    );
}

/** The blocking reasons as one list: `a StatefulSet; runs postgres:16.4; 1 replica (replicas: 1)`. */
export function blockingSummary(verdict: SpotVerdict): string {
  return verdict.reasons
    .filter((r) => r.blocking)
    .map((r) => r.summary)
    .join('; ');
}

/** The non-blocking reasons worth fixing before a move to spot (not the informational ones). */
export function spotCaveats(verdict: SpotVerdict): SpotReason[] {
  return verdict.reasons.filter(
    (r) =>
      !r.blocking && r.code !== 'daemonset' && r.code !== 'non-production' && r.code !== 'do-not-disrupt',
  );
}
