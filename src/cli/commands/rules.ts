import { type Command, Option } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { CATEGORIES } from '../../core/finding.ts';
import { LESSONS } from '../../core/lesson.ts';
import { renderTable } from '../../reporters/text-table.ts';
import { ruleReadme } from '../../rules/docs.ts';
import { ALL_RULES, RULES } from '../../rules/registry.ts';
import type { CliIo } from '../io.ts';

export function registerRules(program: Command, io: CliIo): void {
  program
    .command('rules')
    .description('list every rule with its category, severity and lesson')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(new Option('--category <name>', 'only this category').choices([...CATEGORIES]))
    .action((opts: { output: string; category?: string }) => {
      const rules = ALL_RULES.filter((r) => !opts.category || r.category === opts.category);
      if (opts.output === 'json') {
        const data = rules.map((r) => ({
          id: r.id,
          category: r.category,
          severity: r.severity,
          lesson: r.lesson,
          title: r.title,
        }));
        io.stdout(`${JSON.stringify(data, null, 2)}\n`);
        return;
      }
      io.stdout(
        `${renderTable(
          [{ header: 'RULE' }, { header: 'CATEGORY' }, { header: 'SEVERITY' }, { header: 'TITLE' }],
          rules.map((r) => [r.id, r.category, r.severity, r.title]),
        )}\n\n${rules.length} rules. hindsight explain <rule> tells the lesson, the fix and the runbook.\n`,
      );
    });

  program
    .command('explain')
    .description('explain a rule: the lesson behind it, why it matters, the fix and the runbook')
    .argument('<rule>', 'rule id, as shown by hindsight rules or in a finding')
    .action((id: string) => {
      const rule = RULES.get(id);
      if (!rule) {
        const close = ALL_RULES.filter((r) => r.id.includes(id) || id.includes(r.id.split('-')[0] ?? '')).map(
          (r) => r.id,
        );
        throw new UsageError(
          `no rule ${id}${close.length > 0 ? `; did you mean: ${close.slice(0, 5).join(', ')}` : ''} (hindsight rules lists them all)`,
        );
      }
      const lesson = LESSONS[rule.lesson];
      const readme = ruleReadme(rule.id);
      io.stdout(`${rule.id} — ${rule.title}\n`);
      io.stdout(`category ${rule.category} · severity ${rule.severity}\n\n`);
      io.stdout(`Lesson: ${lesson.title}\n  ${lesson.story}\n\n`);
      if (readme) io.stdout(`${readme.split('\n').slice(1).join('\n').trim()}\n`);
    });
}
