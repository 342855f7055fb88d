/** `hindsight k9s`, the run: prints the plugins, or merges them into the user's plugins file. */
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isMap, parseDocument, stringify } from 'yaml';
import { ConfigError } from '../../core/errors.ts';
import { writeFileSafely } from '../../fixes/safe-write.ts';
import { K9S_PLUGIN_PREFIX, k9sPlugins } from '../../generators/k9s.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import type { K9sOptions } from './k9s.ts';

export function k9sPluginsFile(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'k9s', 'plugins.yaml');
}

export async function runK9s(opts: K9sOptions, io: CliIo): Promise<ExitCode> {
  const plugins = k9sPlugins(opts.bin);
  if (!opts.install) {
    io.stdout(stringify({ plugins }, { lineWidth: 0 }));
    return EXIT.ok;
  }
  const file = opts.file ? resolve(io.cwd, opts.file) : k9sPluginsFile(io.env);
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  // The user's entries, comments and order stay; hindsight's own are replaced.
  let document = parseDocument(text);
  if (document.errors.length > 0)
    throw new ConfigError(`${file}: not valid YAML (${document.errors[0]?.message}); nothing was changed`);
  // Empty, or comments only: the section goes after them.
  if (document.contents === null)
    document = parseDocument(`${text}${text === '' || text.endsWith('\n') ? '' : '\n'}plugins: {}\n`);
  if (!isMap(document.contents)) throw new ConfigError(`${file}: not a mapping; nothing was changed`);
  if (!document.has('plugins')) document.set('plugins', document.createNode({}));
  const section = document.get('plugins');
  if (!isMap(section)) throw new ConfigError(`${file}: plugins is not a mapping; nothing was changed`);
  for (const item of [...section.items]) {
    const key = (item.key as { value?: unknown } | null)?.value;
    if (typeof key === 'string' && key.startsWith(K9S_PLUGIN_PREFIX) && !(key in plugins))
      section.delete(key);
  }
  for (const [name, plugin] of Object.entries(plugins)) section.set(name, document.createNode(plugin));
  await mkdir(dirname(file), { recursive: true });
  await writeFileSafely(file, document.toString({ lineWidth: 0 }), text === '' ? {} : { expected: text });
  io.stderr(`wrote ${Object.keys(plugins).length} hindsight plugins to ${file}\n`);
  return EXIT.ok;
}
