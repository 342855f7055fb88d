/**
 * `.hindsight.yaml`: rules on or off, severity overrides, rule options, excluded namespaces and
 * exemptions. One zod schema gives both the type and the validation messages.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { SEVERITIES } from '../core/severity.ts';

const severity = z.enum(SEVERITIES);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'a date like 2027-03-31');

const ruleSetting = z.union([
  z.enum(['off', 'on']),
  z.strictObject({
    enabled: z.boolean().optional(),
    severity: severity.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
]);

export const ExemptionSchema = z.strictObject({
  rule: z.string().min(1),
  namespace: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  containers: z.array(z.string()).optional(),
  reason: z.string().min(1, 'every exemption needs a reason'),
  expires: isoDate.optional(),
});

export const ConfigSchema = z.strictObject({
  rules: z.record(z.string(), ruleSetting).default({}),
  failOn: severity.optional(),
  excludeNamespaces: z.array(z.string()).default([]),
  exemptions: z.array(ExemptionSchema).default([]),
  targetVersion: z
    .string()
    .regex(/^v?\d+\.\d+$/, 'a Kubernetes minor version like 1.35')
    .optional(),
});

export type HindsightConfig = z.infer<typeof ConfigSchema>;
export type ConfigExemption = z.infer<typeof ExemptionSchema>;

export const DEFAULT_CONFIG: HindsightConfig = ConfigSchema.parse({});

export function parseConfig(text: string, source: string): HindsightConfig {
  let raw: unknown;
  try {
    raw = loadYaml(text, { filename: source, schema: CORE_SCHEMA });
  } catch (error) {
    throw new ConfigError(`${source}: invalid YAML: ${(error as Error).message}`, { cause: error });
  }
  const result = ConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new ConfigError(`${source}: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Reads `--config FILE`, or `.hindsight.yaml` in `cwd` when present, or the defaults. */
export async function loadConfig(options: {
  cwd: string;
  file?: string;
}): Promise<{ config: HindsightConfig; source?: string }> {
  const file = options.file ?? join(options.cwd, '.hindsight.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!options.file && (error as NodeJS.ErrnoException).code === 'ENOENT')
      return { config: DEFAULT_CONFIG };
    throw new ConfigError(`cannot read config ${file}: ${(error as Error).message}`, { cause: error });
  }
  return { config: parseConfig(text, file), source: file };
}
