/**
 * The flags of every command that reports findings through the reporters (`scan`, `alerts
 * lint`): the output format and extra reports, the CI gate, the config file, and how the table
 * shows them. One definition each, so the commands read and document them alike.
 */
import { Option } from 'commander';
import { SEVERITIES } from '../core/severity.ts';
import { FORMATS, GROUP_BY, type GroupBy } from '../reporters/formats.ts';

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function outputOption(): Option {
  return new Option('-o, --output <format>', 'format on stdout').choices([...FORMATS]).default('table');
}

export function reportOption(): Option {
  return new Option(
    '--report <format=file>',
    `also write a report to a file, repeatable (formats: ${FORMATS.join(', ')})`,
  )
    .argParser(collect)
    .default([]);
}

export function failOnOption(): Option {
  return new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([
    ...SEVERITIES,
  ]);
}

export function configOption(): Option {
  return new Option(
    '--config <file>',
    'config file (default: .hindsight.yaml in the current directory, if present)',
  );
}

export function showExemptedOption(): Option {
  return new Option('--show-exempted', 'list exempted findings with their reasons (table output)');
}

export function groupByOption(defaultGroup: GroupBy): Option {
  return new Option('--group-by <what>', 'table output: group findings by namespace, object or rule')
    .choices([...GROUP_BY])
    .default(defaultGroup);
}

export function minSeverityOption(
  help = 'show only findings at or above this severity (every output; the score and --fail-on still count all)',
): Option {
  return new Option('--min-severity <severity>', help).choices([...SEVERITIES]);
}

export function quietOption(): Option {
  return new Option('-q, --quiet', 'table output: findings and one count line only; no notes on stderr');
}
