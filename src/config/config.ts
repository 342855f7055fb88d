/**
 * `.hindsight.yaml`: rules on or off, severity overrides, rule options, excluded namespaces and
 * exemptions. One zod schema gives both the type and the validation messages; it is built only
 * when there is a file to validate.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { SEVERITIES } from '../core/severity.ts';
import { type ZodModule, zod } from './zod.ts';

/** The schema of `.hindsight.yaml`, built from the zod module it is given. */
export function configSchema(z: ZodModule) {
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

  const exemption = z.strictObject({
    rule: z.string().min(1),
    namespace: z.string().optional(),
    kind: z.string().optional(),
    name: z.string().optional(),
    containers: z.array(z.string()).optional(),
    reason: z.string().min(1, 'every exemption needs a reason'),
    expires: isoDate.optional(),
  });

  return z.strictObject({
    rules: z.record(z.string(), ruleSetting).default({}),
    failOn: severity.optional(),
    excludeNamespaces: z.array(z.string()).default([]),
    exemptions: z.array(exemption).default([]),
    targetVersion: z
      .string()
      .regex(/^v?\d+\.\d+$/, 'a Kubernetes minor version like 1.35')
      .optional(),
  });
}

export type HindsightConfig = z.infer<ReturnType<typeof configSchema>>;
export type ConfigExemption = HindsightConfig['exemptions'][number];

/** What a run uses without a configuration file (equal to the schema's defaults: tested). */
export const DEFAULT_CONFIG: HindsightConfig = Object.freeze({
  rules: {},
  excludeNamespaces: [],
  exemptions: [],
}) as HindsightConfig;

/** A configuration read from YAML or JSON, validated; `source` names it in errors. */
export function validateConfig(raw: unknown, source: string): HindsightConfig {
  const result = configSchema(zod()).safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new ConfigError(`${source}: ${problems.join('; ')}`);
  }
  return result.data;
}

export function parseConfig(text: string, source: string): HindsightConfig {
  let raw: unknown;
  try {
    raw = loadYaml(text, { filename: source, schema: CORE_SCHEMA });
  } catch (error) {
    throw new ConfigError(`${source}: invalid YAML: ${(error as Error).message}`, { cause: error });
  }
  return validateConfig(raw, source);
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
