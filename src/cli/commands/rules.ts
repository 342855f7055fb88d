import { type Command, Option } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { CATEGORIES } from '../../core/finding.ts';
import { LESSONS } from '../../core/lesson.ts';
import { renderTable } from '../../reporters/text-table.ts';
import type { CliIo } from '../io.ts';

export function registerRules(program: Command, io: CliIo): void {
  program
    .command('rules')
    .description(
      'list every check (scan rules and certificate checks) with its category, severity and lesson',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(new Option('--category <name>', 'only this category').choices([...CATEGORIES]))
    .addOption(new Option('--command <name>', 'only the checks this command runs').choices(['scan', 'certs']))
    .action(async (opts: { output: string; category?: string; command?: string }) => {
      // The catalogue loads every rule: only when a command needs it.
      const { CATALOG } = await import('../catalog.ts');
      const checks = CATALOG.filter(
        (r) =>
          (!opts.category || r.category === opts.category) && (!opts.command || r.command === opts.command),
      );
      if (opts.output === 'json') {
        const data = checks.map((r) => ({
          id: r.id,
          command: r.command,
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
          [
            { header: 'RULE' },
            { header: 'COMMAND' },
            { header: 'CATEGORY' },
            { header: 'SEVERITY' },
            { header: 'TITLE' },
          ],
          checks.map((r) => [r.id, r.command, r.category, r.severity, r.title]),
        )}\n\n${checks.length} checks. hindsight explain <rule> tells the lesson, the fix and the runbook.\n`,
      );
    });

  program
    .command('explain')
    .description('explain a rule: the lesson behind it, why it matters, the fix and the runbook')
    .argument('<rule>', 'rule id, as shown by hindsight rules or in a finding')
    .action(async (id: string) => {
      const { CATALOG, CATALOG_BY_ID } = await import('../catalog.ts');
      const rule = CATALOG_BY_ID.get(id);
      if (!rule) {
        const close = CATALOG.filter((r) => r.id.includes(id) || id.includes(r.id.split('-')[0] ?? '')).map(
          (r) => r.id,
        );
        throw new UsageError(
          `no rule ${id}${close.length > 0 ? `; did you mean: ${close.slice(0, 5).join(', ')}` : ''} (hindsight rules lists them all)`,
        );
      }
      const lesson = LESSONS[rule.lesson];
      const readme = rule.readme();
      io.stdout(`${rule.id} — ${rule.title}\n`);
      io.stdout(`hindsight ${rule.command} · category ${rule.category} · severity ${rule.severity}\n\n`);
      io.stdout(`Lesson: ${lesson.title}\n  ${lesson.story}\n\n`);
      if (readme) io.stdout(`${readme.split('\n').slice(1).join('\n').trim()}\n`);
    });
}
