/**
 * zod, loaded the first time something validates: a scan without a configuration file or rule
 * options never pays for it (about 0.1 s of start-up and 95 modules, ADR 0011). Every product
 * module that builds a schema gets zod from here, so there is one copy of it in a process.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

export type ZodModule = typeof Zod;

let loaded: ZodModule | undefined;

export function zod(): ZodModule {
  loaded ??= createRequire(import.meta.url)('zod') as ZodModule;
  return loaded;
}
