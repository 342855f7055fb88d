/**
 * The exact steps for one namespace, in the order to do them: what must exist on the target
 * first, IAM, Secrets, volumes (snapshot and restore in the volume's zone), applying, verifying,
 * the external-dns cutover (lower the TTL, move TXT ownership, roll back the same way), and the
 * fallback window before the source copy goes.
 */
import type { ExternalDnsInstance } from './external-dns.ts';
import type { Holdings, VolumeHolding } from './holdings.ts';
import type { NamespacePlan } from './plan.ts';

export interface ChecklistContext {
  sourceName: string;
  targetName?: string;
  fallbackDays: number;
  fallbackUntil: string;
  externalDns: { source: ExternalDnsInstance[]; target?: ExternalDnsInstance[] };
}

/** `a, b, c and 4 more`. */
export const list = (items: readonly string[], max = 8) =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

function volumeSteps(namespace: string, volumes: readonly VolumeHolding[]): string[] {
  const out: string[] = [];
  const writers = [...new Set(volumes.flatMap((v) => v.usedBy))];
  if (writers.length > 0)
    out.push(
      `Stop writes on the source: scale ${list(writers)} in ${namespace} to 0 (the data must not change after its snapshot).`,
    );
  for (const v of volumes) {
    const zone = v.zones[0];
    if (v.ebsVolumeId)
      out.push(
        `Volume for PersistentVolumeClaim ${v.claim} (${v.size ?? 'size ?'}, EBS ${v.ebsVolumeId}${zone ? ` in ${zone}` : ''}): aws ec2 create-snapshot --volume-id ${v.ebsVolumeId}; then aws ec2 create-volume --snapshot-id <snapshot> --availability-zone ${zone ?? '<the zone your target nodes run in>'} --volume-type gp3, and on the target a PersistentVolume (csi.driver ebs.csi.aws.com, volumeHandle <new vol-…>, nodeAffinity on ${zone ?? 'its zone'}) with claimRef ${namespace}/${v.claim}. The target needs nodes in ${zone ?? 'that zone'}: an EBS volume attaches only in its own zone.`,
      );
    else
      out.push(
        `Volume for PersistentVolumeClaim ${v.claim} (${v.size ?? 'size ?'}${v.storageClass ? `, StorageClass ${v.storageClass}` : ''}${v.volume ? `, PersistentVolume ${v.volume}` : ', not bound'}): not EBS — copy its data with the application's own backup or a file-level tool (Velero with its file-system backup).`,
      );
  }
  return out;
}

/** LoadBalancer Services and Ingresses: what clients outside the cluster reach by an address. */
function entryPoints(holdings: Holdings): string[] {
  return [
    ...holdings.services.filter((s) => s.type === 'LoadBalancer').map((s) => `Service/${s.name}`),
    ...holdings.ingresses.map((i) => `Ingress/${i}`),
  ];
}

function dnsSteps(plan: NamespacePlan, context: ChecklistContext): string[] {
  const names = plan.holdings.dnsNames.map((d) => d.name);
  const entries = entryPoints(plan.holdings);
  if (names.length === 0 && entries.length > 0)
    return [
      `Cutover, by hand: clients reach ${list(entries)} by address; point whatever names that address (DNS records, CDN origins, allowlists) at the target's address, which verify prints. Rollback: point them back.`,
    ];
  if (names.length === 0) return [];
  const source = context.externalDns.source[0];
  const target = context.externalDns.target?.[0];
  if (!source)
    return [
      `DNS cutover, by hand: point ${list(names)} at the target's load balancer address (from verify) once verify says ready; keep the old address noted for rollback.`,
    ];
  const targetOwner = target?.ownerId ?? '<the target external-dns --txt-owner-id>';
  const ttls = plan.holdings.dnsNames.filter((d) => d.ttl).map((d) => `${d.name} ${d.ttl}s`);
  return [
    `Lower the TTL first: annotate the source's ${list([...new Set(plan.holdings.dnsNames.map((d) => d.from))])} with external-dns.alpha.kubernetes.io/ttl: "60" and wait out the old TTL (${ttls.length > 0 ? list(ttls) : "external-dns' default, 300 s"}) before the cutover.`,
    `Cutover: rewrite the TXT ownership records of ${list(names)} from external-dns/owner=${source.ownerId} to external-dns/owner=${targetOwner}${source.txtPrefix ? ` (TXT prefix ${source.txtPrefix})` : ''}; the target's external-dns (${target?.deployment ?? 'install it first'}) then points them at the target within one sync interval (1 min by default).`,
    `Watch traffic move (old load balancer's request count falls within the TTL). Rollback: rewrite the TXT owner back to ${source.ownerId}.`,
  ];
}

function accountSteps(holdings: Holdings): string[] {
  const out: string[] = [];
  for (const sa of holdings.serviceAccounts)
    for (const role of sa.roles)
      out.push(
        role.via === 'irsa'
          ? `IAM: add the target's OIDC provider to the trust policy of ${role.role} (ServiceAccount ${sa.name}), or create an EKS Pod Identity association for it.`
          : `IAM: ${list(role.workloads)} assume ${role.role} through kube2iam/kiam: let ServiceAccount ${sa.name} assume it instead (annotation eks.amazonaws.com/role-arn, trust policy for the target's OIDC provider; or an EKS Pod Identity association) and drop the iam.amazonaws.com/role pod annotation.`,
      );
  return out;
}

export function namespaceChecklist(plan: NamespacePlan, context: ChecklistContext): string[] {
  const ns = plan.namespace;
  const h = plan.holdings;
  const steps: string[] = [];
  const blockers = plan.incompatibilities.filter((i) => i.level === 'blocker');
  if (blockers.length > 0)
    steps.push(
      `Fix first ${blockers.length === 1 ? 'the blocker' : `the ${blockers.length} blockers`} above (${list([...new Set(blockers.map((b) => b.subject))], 5)}).`,
    );
  if (plan.dependsOn.length > 0)
    steps.push(
      `Check that what it calls already runs on the target: ${list([...new Set(plan.dependsOn.map((d) => d.on))])}.`,
    );
  if (ns !== 'default')
    steps.push(`Create namespace ${ns} on the target with the source's labels and annotations.`);
  steps.push(...accountSteps(h));
  if (h.secrets.length > 0)
    steps.push(
      `Recreate Secrets ${list(h.secrets)} on the target from where they are kept (external-secrets, sealed-secrets, your vault) — hindsight reads their names only.`,
    );
  steps.push(...volumeSteps(ns, h.volumes));
  steps.push(
    `Apply the namespace's manifests to the target (point the target's Flux/Argo CD at them, or kubectl apply)${h.serves.length > 0 ? ', but the cluster-scoped objects it serves' : ''}; leave the source running.`,
  );
  if (h.serves.length > 0)
    steps.push(
      `Then ${list(h.serves)}, once this namespace's pods are ready on the target: until they answer, ${h.serves.some((x) => x.startsWith('APIService')) ? 'the API they serve is unavailable' : 'the API server refuses what they admit'}.`,
    );
  steps.push(
    `Verify: hindsight migrate verify --from ${context.sourceName} --to ${context.targetName ?? '<target>'} -n ${ns} --watch, until it says ready for DNS cutover.`,
  );
  steps.push(...dnsSteps(plan, context));
  const dns = h.dnsNames.length > 0 || entryPoints(h).length > 0;
  const rollback = plan.stateful
    ? 'its data diverges from the target once writes resume there, so a rollback after that loses the new writes unless copied back'
    : dns
      ? 'rolling back is the cutover above, reversed'
      : 'nothing outside the cluster points at it, so rolling back is deleting it from the target';
  steps.push(
    `Fallback: keep ${ns} on the source for ${context.fallbackDays} days (until ${context.fallbackUntil}); ${rollback}. Then delete it from the source.`,
  );
  return steps;
}
