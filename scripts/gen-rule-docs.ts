/**
 * Writes docs/rules.md, the rule reference, from the registry and each rule's README; a rule's
 * options table comes from its zod schema (`ruleDoc`), as in `hindsight explain`.
 *   node scripts/gen-rule-docs.ts          write it
 *   node scripts/gen-rule-docs.ts --check  exit 1 if it is out of date (the test suite runs this)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CERT_CHECKS } from '../src/analyzers/certs/registry.ts';
import { certCheckReadme } from '../src/analyzers/certs/run-cert-checks.ts';
import { LESSONS } from '../src/core/lesson.ts';
import { ruleDoc } from '../src/rules/docs.ts';
import { ALL_RULES } from '../src/rules/registry.ts';

const root = resolve(import.meta.dirname, '..');
const target = join(root, 'docs', 'rules.md');

export function renderRuleDocs(): string {
  const out: string[] = [
    '# Rule reference',
    '',
    "Generated from `src/rules/*/README.md` (options tables from the rules' schemas) and",
    '`src/analyzers/certs/checks/*/README.md` by `node scripts/gen-rule-docs.ts`; do not edit by',
    'hand. `hindsight rules` lists the same checks, `hindsight explain <rule>` prints one page.',
    '`hindsight scan` runs the rules, `hindsight certs` the certificate checks; exemptions and',
    'config accept either.',
    '',
  ];
  const categories = [...new Set(ALL_RULES.map((r) => r.category))];
  for (const category of categories) {
    out.push(`## ${category}`, '', '| rule | severity | lesson | title |', '|---|---|---|---|');
    for (const r of ALL_RULES.filter((x) => x.category === category)) {
      out.push(
        `| [\`${r.id}\`](../src/rules/${r.id}/README.md) | ${r.severity} | ${LESSONS[r.lesson].title} | ${r.title} |`,
      );
    }
    out.push('');
  }
  out.push(
    '## certificates (`hindsight certs`)',
    '',
    '| check | category | severity | lesson | title |',
    '|---|---|---|---|---|',
  );
  for (const c of CERT_CHECKS) {
    out.push(
      `| [\`${c.id}\`](../src/analyzers/certs/checks/${c.id}/README.md) | ${c.category} | ${c.severity} | ${LESSONS[c.lesson].title} | ${c.title} |`,
    );
  }
  out.push('', `${ALL_RULES.length} rules and ${CERT_CHECKS.length} certificate checks.`, '');
  const pages = [...ALL_RULES.map((r) => ruleDoc(r)), ...CERT_CHECKS.map((c) => certCheckReadme(c.id))];
  for (const readme of pages) {
    if (!readme) continue;
    out.push('---', '', readme.replace(/^# /, '### ').replace(/\n## /g, '\n#### ').trim(), '');
  }
  return out.join('\n');
}

if (import.meta.main) {
  const text = renderRuleDocs();
  if (process.argv.includes('--check')) {
    const current = readFileSync(target, 'utf8');
    if (current !== text) {
      process.stderr.write('docs/rules.md is out of date: run node scripts/gen-rule-docs.ts\n');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    process.stderr.write(
      `wrote docs/rules.md (${ALL_RULES.length} rules, ${CERT_CHECKS.length} certificate checks)\n`,
    );
  }
}
