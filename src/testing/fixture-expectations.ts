/**
 * The findings an invalid rule fixture declares it produces, one per line:
 *
 *   # expect: <messageId> <Kind> [<namespace>/]<name> <path|-> [container=<name>]
 *
 * e.g. `# expect: mutableTag Deployment shop/checkout spec.template.spec.containers[0].image container=checkout`.
 * In YAML the lines are comments (`# expect:` at the start of a line, anywhere in the file: beside
 * the document they are about, or all at the top). JSON has no comments, so `pods.json` keeps them
 * in a sibling `pods.json.expect`, one expectation per line without the `# expect:` prefix.
 * The rule is the fixture folder's; the object is written as hindsight prints it (`formatRef`),
 * the path as `formatPath` does, `-` when the finding has none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Finding, formatPath } from '../core/finding.ts';
import { formatRef } from '../core/resource.ts';

const COMMENT = /^# expect:(.*)$/;

/** The canonical one-line form of a finding, as fixtures write it. */
export function expectationOf(finding: Finding): string {
  const parts = [
    finding.messageId ?? `(${finding.ruleId})`,
    formatRef(finding.ref),
    finding.path && finding.path.length > 0 ? formatPath(finding.path) : '-',
  ];
  if (finding.container !== undefined) parts.push(`container=${finding.container}`);
  return parts.join(' ');
}

/** The expectations a fixture declares, whitespace normalised, in file order. */
export function readExpectations(fixture: string): string[] {
  const lines: string[] = [];
  const sibling = `${fixture}.expect`;
  if (fixture.endsWith('.json')) {
    if (existsSync(sibling)) {
      for (const line of readFileSync(sibling, 'utf8').split('\n'))
        if (line.trim() !== '' && !line.trimStart().startsWith('#')) lines.push(line);
    }
  } else {
    for (const line of readFileSync(fixture, 'utf8').split('\n')) {
      const match = COMMENT.exec(line);
      if (match) lines.push(match[1] ?? '');
    }
  }
  return lines.map((line) => line.trim().split(/\s+/).join(' '));
}
