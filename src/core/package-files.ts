/**
 * Where hindsight's own files are, wherever its code runs from: the TypeScript sources, the
 * compiled or the bundled `dist/` (where chunks sit at the top of `dist/`, not beside the module
 * they came from). Code finds its files from the package root, never from its own location.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.ts';

let root: string | undefined;

/** The folder holding hindsight's package.json (and `data/`): the first one above this module. */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = import.meta.dirname; ; ) {
    if (existsSync(path.join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new ConfigError(
        `no package.json above ${import.meta.dirname}: cannot find hindsight's own files`,
      );
    dir = parent;
  }
}

/** `.ts` when hindsight runs from its sources, `.js` when built. */
export const CODE_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * A file of the code tree, named as under `src/`: `rules/<id>/README.md` is `src/rules/…` when
 * run from source and `dist/rules/…` when built (the build copies the READMEs there).
 */
export function codeFile(...segments: string[]): string {
  return path.join(packageRoot(), CODE_EXTENSION === '.ts' ? 'src' : 'dist', ...segments);
}
