import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package's own version, read from the package.json beside dist/ or src/. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
