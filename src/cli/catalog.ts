/**
 * Every check hindsight has, whichever command runs it: the manifest rules `scan` runs and the
 * certificate checks `certs` runs. `hindsight rules`, `hindsight explain` and exemption
 * validation read this one list, so an id valid for one command is known to all.
 */
import { CERT_CHECKS } from '../analyzers/certs/registry.ts';
import { certCheckReadme } from '../analyzers/certs/run-cert-checks.ts';
import type { Category } from '../core/finding.ts';
import type { LessonId } from '../core/lesson.ts';
import type { Severity } from '../core/severity.ts';
import { ruleDoc } from '../rules/docs.ts';
import { ALL_RULES } from '../rules/registry.ts';

export interface CatalogEntry {
  id: string;
  category: Category;
  severity: Severity;
  lesson: LessonId;
  title: string;
  /** The command that runs it. */
  command: 'scan' | 'certs';
  /** The README, with a rule's options table generated from its schema. */
  readme(): string | undefined;
}

export const CATALOG: readonly CatalogEntry[] = [
  ...ALL_RULES.map((r) => ({
    id: r.id,
    category: r.category,
    severity: r.severity,
    lesson: r.lesson,
    title: r.title,
    command: 'scan' as const,
    readme: () => ruleDoc(r),
  })),
  ...CERT_CHECKS.map((c) => ({
    id: c.id,
    category: c.category,
    severity: c.severity,
    lesson: c.lesson,
    title: c.title,
    command: 'certs' as const,
    readme: () => certCheckReadme(c.id),
  })),
];

export const CATALOG_BY_ID: ReadonlyMap<string, CatalogEntry> = new Map(CATALOG.map((c) => [c.id, c]));

/** Ids every command accepts in exemption annotations and config. */
export const ALL_CHECK_IDS: ReadonlySet<string> = new Set(CATALOG.map((c) => c.id));

/** Warnings for config entries naming no check at all (a typo silently does nothing otherwise). */
export function unknownConfigChecks(
  config: { rules: Record<string, unknown>; exemptions: readonly { rule: string }[] },
  source: string | undefined,
): string[] {
  const where = source ?? 'config';
  const out: string[] = [];
  for (const id of Object.keys(config.rules)) {
    if (!ALL_CHECK_IDS.has(id))
      out.push(`warning: ${where}: rules.${id}: no check is called ${id} (hindsight rules lists them)`);
  }
  for (const [i, e] of config.exemptions.entries()) {
    if (!ALL_CHECK_IDS.has(e.rule))
      out.push(
        `warning: ${where}: exemptions[${i}].rule: no check is called ${e.rule} (hindsight rules lists them)`,
      );
  }
  return out;
}
