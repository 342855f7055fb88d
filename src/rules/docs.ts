import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A rule's README (lesson, why, fix, runbook); copied beside the compiled rule by the build. */
export function ruleReadme(id: string): string | undefined {
  try {
    return readFileSync(join(import.meta.dirname, id, 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
}
