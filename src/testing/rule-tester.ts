/** Runs one rule over plain objects, as rule tests need it. */

import type { HindsightConfig } from '../config/config.ts';
import type { Finding } from '../core/finding.ts';
import type { KubeObject } from '../core/resource.ts';
import { runRules } from '../engine/run-rules.ts';
import { buildInventory } from '../inventory/inventory.ts';
import type { AnyRule } from '../rules/define-rule.ts';

export const TEST_NOW = new Date('2026-11-01T00:00:00Z');

export function checkRule(
  rule: AnyRule,
  objects: object[],
  options: { config?: HindsightConfig; now?: Date; targetVersion?: string } = {},
): Finding[] {
  const inventory = buildInventory(
    objects.map((object) => ({ object: object as KubeObject, origin: { source: 'test' } })),
  );
  const result = runRules(inventory, {
    rules: [rule],
    now: options.now ?? TEST_NOW,
    ...(options.config ? { config: options.config } : {}),
    ...(options.targetVersion ? { targetVersion: options.targetVersion } : {}),
  });
  return result.findings.filter((f) => f.ruleId === rule.id);
}
