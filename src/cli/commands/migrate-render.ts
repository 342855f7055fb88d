/** The migration plan as a markdown checklist, and verify's answer as text. */
import { list as listUpTo } from '../../analyzers/migrate/checklist.ts';
import type { MigrationPlan, NamespacePlan } from '../../analyzers/migrate/plan.ts';
import type { VerifyReport } from '../../analyzers/migrate/verify.ts';
import { pushTo } from '../../core/records.ts';

const list = (items: readonly string[]) => listUpTo(items, 10);

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function header(plan: MigrationPlan): string[] {
  const blockers = plan.namespaces.flatMap((n) => n.incompatibilities.filter((i) => i.level === 'blocker'));
  const dnsBlockers = plan.externalDns.problems.filter((p) => p.blocker);
  const lines = [`# Migration plan: ${plan.source} → ${plan.target ?? '(no target given)'}`, ''];
  lines.push(
    plan.verdict === 'blocked'
      ? `**Blocked**: ${count(blockers.length + dnsBlockers.length, 'blocker')} must be fixed first (marked BLOCKER below).`
      : '**Ready to start**: nothing blocks the move; the checklists below say what to do.',
  );
  lines.push(
    '',
    `${count(plan.namespaces.length, 'namespace')} to move${plan.targetVersion ? `; target Kubernetes ${plan.targetVersion}` : ''}; fallback window ${plan.fallbackDays} days.`,
  );
  const d = plan.deadline;
  if (d.migrateBefore) {
    lines.push('', '## Deadline', '');
    lines.push(
      `${d.daysLeft !== undefined && d.daysLeft < 0 ? '**Past**' : '**Migrate before'} ${d.migrateBefore}**${d.daysLeft !== undefined ? ` (${d.daysLeft} days)` : ''}: ${d.reason}. When these certificates expire the source cluster stops; finish the move or roll the control plane first.`,
    );
    for (const n of d.controlPlane)
      lines.push(
        `- control-plane node ${n.node}: booted ${n.created}, certificates expire around ${n.certificatesExpire}`,
      );
    for (const e of d.etcdManager)
      lines.push(
        `- ${e.pod}: etcd-manager ${e.version ?? '(version unknown)'}${e.oneYearCertificates ? `, one-year member certificates (expire around ${e.expires ?? '?'})` : ''}`,
      );
  }
  return lines;
}

function stepZero(plan: MigrationPlan): string[] {
  const lines = ['', '## Step 0 — cluster prerequisites on the target', ''];
  if (plan.prerequisites.length === 0)
    lines.push('No cluster-scoped objects are needed beyond what every cluster has.');
  for (const p of plan.prerequisites) {
    const state =
      p.onTarget === undefined
        ? ''
        : p.onTarget
          ? ' — present on the target'
          : ' — **MISSING on the target**';
    lines.push(`- [${p.onTarget ? 'x' : ' '}] ${p.kind} ${p.name}${state} (needed by ${list(p.neededBy)})`);
  }
  const dns = plan.externalDns;
  lines.push('', '### external-dns', '');
  for (const i of dns.source)
    lines.push(
      `- source: ${i.deployment}, --txt-owner-id=${i.ownerId}, --policy=${i.policy}, --registry=${i.registry}`,
    );
  for (const i of dns.target ?? [])
    lines.push(
      `- target: ${i.deployment}, --txt-owner-id=${i.ownerId}, --policy=${i.policy}, --registry=${i.registry}`,
    );
  for (const p of dns.problems) lines.push(`- ${p.blocker ? '**BLOCKER** ' : ''}${p.problem}`);
  for (const step of dns.preparation) lines.push(`- [ ] ${step}`);
  if (dns.source.length + (dns.target?.length ?? 0) + dns.problems.length === 0)
    lines.push('- none on either side, and no DNS names to move');
  return lines;
}

function order(plan: MigrationPlan): string[] {
  const lines = ['', '## Order', ''];
  const steps = new Map<number, NamespacePlan[]>();
  for (const n of plan.namespaces) pushTo(steps, n.step, n);
  for (const [step, group] of steps) {
    const names = group.map((n) => `${n.namespace}${n.stateful ? ' (stateful)' : ''}`);
    lines.push(`${step}. ${names.join(', ')}${group.length > 1 ? ' — together: they call each other' : ''}`);
  }
  if (plan.namespaces.length === 0) lines.push('Nothing to move: no namespace holds workloads or Services.');
  for (const s of plan.skipped) lines.push(`- skipped ${s.namespace}: ${s.reason}`);
  return lines;
}

function holdings(n: NamespacePlan): string[] {
  const h = n.holdings;
  const lines: string[] = [];
  if (h.workloads.length > 0)
    lines.push(
      `- Workloads: ${list(h.workloads.map((w) => `${w.kind}/${w.name}${w.replicas ? ` ×${w.replicas}` : ''}`))}`,
    );
  if (h.services.length > 0)
    lines.push(`- Services: ${list(h.services.map((s) => `${s.name} (${s.type} ${s.ports.join(' ')})`))}`);
  if (h.dnsNames.length > 0)
    lines.push(
      `- DNS names: ${list(h.dnsNames.map((d) => `${d.name} (${d.from}${d.ttl ? `, TTL ${d.ttl}` : ''})`))}`,
    );
  if (h.certificates.length > 0)
    lines.push(
      `- Certificates: ${list(h.certificates.map((c) => `${c.name}${c.issuer ? ` (${c.issuer})` : ''}`))}`,
    );
  for (const v of h.volumes)
    lines.push(
      `- Volume: PersistentVolumeClaim ${v.claim}${v.size ? ` ${v.size}` : ''}${v.storageClass ? ` (${v.storageClass})` : ''}${v.ebsVolumeId ? `, EBS ${v.ebsVolumeId}` : ''}${v.zones.length ? ` in ${v.zones.join(', ')}` : ''}${v.usedBy.length ? `, used by ${v.usedBy.join(', ')}` : ''}`,
    );
  if (h.secrets.length > 0) lines.push(`- Secrets (names): ${list(h.secrets)}`);
  if (h.configMaps.length > 0) lines.push(`- ConfigMaps: ${list(h.configMaps)}`);
  for (const sa of h.serviceAccounts)
    lines.push(`- ServiceAccount ${sa.name}: ${sa.roles.map((r) => `${r.role} via ${r.via}`).join('; ')}`);
  if (h.networkPolicies.length > 0) lines.push(`- NetworkPolicies: ${list(h.networkPolicies)}`);
  if (h.serves.length > 0) lines.push(`- Serves (cluster-scoped, moves with it): ${list(h.serves)}`);
  return lines;
}

function namespaceSection(n: NamespacePlan): string[] {
  const flags = [n.stateful ? 'stateful' : 'stateless', ...(n.onTarget ? ['already on the target'] : [])];
  const lines = ['', `## Step ${n.step} — namespace ${n.namespace} (${flags.join(', ')})`, ''];
  if (n.movesWith.length > 0) lines.push(`Moves together with ${n.movesWith.join(', ')}.`, '');
  lines.push(...holdings(n));
  for (const d of n.dependsOn) lines.push(`- Needs ${d.on}: ${d.why}`);
  if (n.dependedOnBy.length > 0) lines.push(`- Needed by: ${n.dependedOnBy.join(', ')}`);
  if (n.clusterDependencies.length > 0)
    lines.push(
      `- Cluster-scoped: ${list([...new Set(n.clusterDependencies.map((c) => `${c.kind} ${c.name}`))])}`,
    );
  if (n.incompatibilities.length > 0) {
    lines.push('', 'Will not work on the target as it is:', '');
    for (const i of n.incompatibilities)
      lines.push(
        `- **${i.level === 'blocker' ? 'BLOCKER' : 'ACTION'}** ${i.subject} ${i.problem}. Fix: ${i.fix}.`,
      );
  }
  lines.push('', 'Checklist:', '');
  for (const step of n.checklist) lines.push(`- [ ] ${step}`);
  return lines;
}

export function renderPlan(plan: MigrationPlan): string {
  const lines = [...header(plan), ...stepZero(plan), ...order(plan)];
  for (const n of plan.namespaces) lines.push(...namespaceSection(n));
  return `${lines.join('\n')}\n`;
}

export function renderVerify(report: VerifyReport, round?: number): string {
  const lines: string[] = [];
  if (round !== undefined) lines.push(`check ${round} at ${new Date().toISOString()}`);
  for (const ns of report.namespaces) {
    const failed = ns.checks.filter((c) => !c.ok).length;
    lines.push(
      ns.ready
        ? `${ns.namespace}: ready for DNS cutover (${count(ns.checks.length, 'check')} passed)`
        : `${ns.namespace}: NOT ready — ${count(failed, 'difference')} (of ${count(ns.checks.length, 'check')}):`,
    );
    for (const d of ns.differences) lines.push(`  - ${d}`);
    // What DNS will point at once the names move.
    for (const c of ns.checks)
      if (c.ok && c.detail.startsWith('load balancer address')) lines.push(`  ${c.subject}: ${c.detail}`);
  }
  for (const ns of report.notMoved) lines.push(`${ns}: not on the target yet`);
  if (report.namespaces.length === 0 && report.notMoved.length === 0)
    lines.push('no namespace is on both sides: nothing to verify');
  lines.push(report.ready ? 'verdict: ready for DNS cutover' : 'verdict: not ready');
  return `${lines.join('\n')}\n`;
}
