/**
 * external-dns as a cutover tool: which instances run on each side, under which TXT owner ID and
 * policy. Its TXT registry records, beside every name it manages, the owner ID of the instance
 * that owns it; an instance leaves alone what another owns. So the new cluster's instance, with
 * an owner ID of its own, can run beside the old one, and a name moves when its TXT owner record
 * is rewritten to the new ID (and moves back the same way).
 */
import { containersAt } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';

export interface ExternalDnsInstance {
  /** `namespace/name` of its Deployment. */
  deployment: string;
  /** `--txt-owner-id`; external-dns' default is `default`. */
  ownerId: string;
  /** `--policy`: sync (default) deletes records its sources no longer have; upsert-only never deletes. */
  policy: string;
  /** `--registry`: txt (default) keeps ownership in TXT records. */
  registry: string;
  txtPrefix?: string;
}

function flag(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
    if (arg === `--${name}`) return args[i + 1];
  }
  return undefined;
}

function instanceOf(deployment: InventoryEntry): ExternalDnsInstance | undefined {
  for (const { container } of containersAt(deployment.object)) {
    if (typeof container.image !== 'string' || !/(^|\/)external-dns(:|@|$)/.test(container.image)) continue;
    const args = [container.command, container.args]
      .flatMap((list) => (Array.isArray(list) ? list : []))
      .filter((a): a is string => typeof a === 'string');
    const prefix = flag(args, 'txt-prefix');
    return {
      deployment: `${deployment.ref.namespace}/${deployment.ref.name}`,
      ownerId: flag(args, 'txt-owner-id') ?? 'default',
      policy: flag(args, 'policy') ?? 'sync',
      registry: flag(args, 'registry') ?? 'txt',
      ...(prefix ? { txtPrefix: prefix } : {}),
    };
  }
  return undefined;
}

export function externalDnsInstances(inventory: Inventory): ExternalDnsInstance[] {
  return inventory
    .ofKind('Deployment')
    .map(instanceOf)
    .filter((i): i is ExternalDnsInstance => i !== undefined);
}

export interface CutoverProblem {
  problem: string;
  /** A blocker breaks the cutover (both sides fighting over records); the rest mean manual work. */
  blocker: boolean;
}

/** What stands in the way of a cutover by TXT ownership. */
export function cutoverProblems(
  source: ExternalDnsInstance[],
  target: ExternalDnsInstance[] | undefined,
): CutoverProblem[] {
  const out: CutoverProblem[] = [];
  const say = (problem: string, blocker = false) => out.push({ problem, blocker });
  if (source.length === 0)
    say(
      'no external-dns runs on the source: its DNS names are kept by hand, so each cutover is a manual record change to the target’s load balancer',
    );
  for (const s of source)
    if (s.registry !== 'txt')
      say(
        `external-dns ${s.deployment} on the source uses the ${s.registry} registry, not txt: ownership moves in that registry, not by TXT records`,
      );
  if (!target) return out;
  if (target.length === 0 && source.length > 0)
    say(
      'no external-dns runs on the target: install it (same provider and domain filters) with its own --txt-owner-id before the first cutover',
    );
  for (const t of target)
    for (const s of source)
      if (t.ownerId === s.ownerId)
        say(
          `external-dns on both sides uses --txt-owner-id=${s.ownerId} (${s.deployment}, ${t.deployment}): both would own every record and overwrite each other's targets; give the target its own owner ID`,
          true,
        );
  return out;
}

/** Step 0's external-dns items: the target's own instance, and a source that never deletes. */
export function cutoverPreparation(
  source: ExternalDnsInstance[],
  target: ExternalDnsInstance[] | undefined,
): string[] {
  const out: string[] = [];
  if (source.length === 0) return out;
  if (!target || target.length === 0)
    out.push(
      'Install external-dns on the target (same provider, sources and domain filters as the source) with its own --txt-owner-id.',
    );
  for (const s of source)
    if (s.policy === 'sync')
      out.push(
        `Set the source's external-dns (${s.deployment}) to --policy=upsert-only: once names move, nothing deleted from the source may take a record with it.`,
      );
  return out;
}
