import { readFileSync } from 'node:fs';
import { zod } from '../config/zod.ts';
import { codeFile } from '../core/package-files.ts';
import type { AnyRule } from './define-rule.ts';

/** A rule's README (lesson, why, fix, runbook); copied beside the compiled rule by the build. */
export function ruleReadme(id: string): string | undefined {
  try {
    return readFileSync(codeFile('rules', id, 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
}

/** One option of a rule, as its zod schema describes it. */
export interface OptionDoc {
  name: string;
  /** `string[]`, `integer > 0`, `number 1–100`… */
  type: string;
  /** The default in the YAML flow style a config file would use (`[latest, main]`), or ''. */
  default: string;
  /** From the schema's `.describe()`. */
  description: string;
}

interface JsonSchema {
  type?: string;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatType(s: JsonSchema): string {
  if (s.anyOf) return s.anyOf.map(formatType).join(' | ');
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.type === 'array') return `${s.items ? formatType(s.items) : 'unknown'}[]`;
  if (s.type !== 'number' && s.type !== 'integer') return s.type ?? 'unknown';
  // zod writes the safe-integer range for every int(): a bound only when the schema sets one.
  const set = (n: number | undefined) => n !== undefined && Math.abs(n) !== Number.MAX_SAFE_INTEGER;
  const low = set(s.minimum) ? s.minimum : undefined;
  const high = set(s.maximum) ? s.maximum : undefined;
  if (low !== undefined && high !== undefined) return `${s.type} ${low}–${high}`;
  const bounds = [
    low !== undefined ? `≥ ${low}` : '',
    set(s.exclusiveMinimum) ? `> ${s.exclusiveMinimum}` : '',
    high !== undefined ? `≤ ${high}` : '',
    set(s.exclusiveMaximum) ? `< ${s.exclusiveMaximum}` : '',
  ].filter((b) => b !== '');
  return [s.type, ...bounds].join(' ');
}

/** The options a rule takes, read from its zod schema, so their reference cannot drift from the code. */
export function ruleOptions(rule: AnyRule): OptionDoc[] {
  if (!rule.options) return [];
  const z = zod();
  const schema = z.toJSONSchema(rule.options.schema(z), { io: 'input' }) as JsonSchema;
  return Object.entries(schema.properties ?? {}).map(([name, p]) => ({
    name,
    type: formatType(p),
    default: p.default === undefined ? '' : formatValue(p.default),
    description: p.description ?? '',
  }));
}

/** The Markdown table of a rule's options, or undefined when it has none. */
export function optionsTable(rule: AnyRule): string | undefined {
  const options = ruleOptions(rule);
  if (options.length === 0) return undefined;
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    '| option | type | default | description |',
    '|---|---|---|---|',
    ...options.map((o) => {
      const fallback = o.default === '' ? '' : `\`${cell(o.default)}\``;
      return `| \`${o.name}\` | ${cell(o.type)} | ${fallback} | ${cell(o.description)} |`;
    }),
    '',
    `Set in \`.hindsight.yaml\` under \`rules.${rule.id}.options\`.`,
  ].join('\n');
}

/**
 * A rule's page: its README with the options table, generated from the schema, at the top of
 * the README's `## Options` section (whose own prose and examples follow it).
 */
export function ruleDoc(rule: AnyRule): string | undefined {
  const readme = ruleReadme(rule.id);
  const table = optionsTable(rule);
  if (!readme || !table) return readme;
  return readme.replace(/^## Options\n\n?/m, () => `## Options\n\n${table}\n\n`);
}
