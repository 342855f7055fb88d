/**
 * A local Git clone's history, read through the user's `git` (read-only commands only): which
 * commit a short SHA or ref names, whether one commit is in another's history, the commits
 * between two, and the clone's remote URLs — what `trace --repo DIR` needs to say whether a
 * commit is in the revision Flux holds. Answers are memoised; an object the clone does not have
 * is "cannot tell", never "no".
 */
import { execFileSync } from 'node:child_process';

export interface LocalCommit {
  sha: string;
  subject?: string;
  date?: string;
}

export class GitUnavailableError extends Error {}

export interface LocalHistory {
  dir: string;
  /** The full SHA of a commit-ish, or undefined when the clone has no such commit. */
  resolve(ref: string): LocalCommit | undefined;
  isAncestor(a: string, b: string): boolean | undefined;
  between(from: string, to: string): LocalCommit[] | undefined;
  /** The fetch URLs of the clone's remotes. */
  remoteUrls(): string[];
}

const LIMIT = 50;

export function openLocalHistory(dir: string, env: NodeJS.ProcessEnv = process.env): LocalHistory {
  const run = (args: string[]): { code: number; out: string; err: string } => {
    try {
      const out = execFileSync('git', ['-C', dir, ...args], {
        encoding: 'utf8',
        env: { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 16 * 1024 * 1024,
      });
      return { code: 0, out, err: '' };
    } catch (error) {
      const e = error as { status?: number; stdout?: string; stderr?: string; code?: string };
      if (e.code === 'ENOENT')
        throw new GitUnavailableError('git is not installed (trace --repo runs the user’s git)');
      return { code: e.status ?? 128, out: String(e.stdout ?? ''), err: String(e.stderr ?? '') };
    }
  };
  const check = run(['rev-parse', '--git-dir']);
  if (check.code !== 0)
    throw new GitUnavailableError(
      `--repo ${dir}: not a Git repository (${check.err.trim().split('\n')[0] ?? ''})`,
    );
  const ancestry = new Map<string, boolean | undefined>();
  const parse = (line: string): LocalCommit => {
    const [sha = '', subject, date] = line.split('\0');
    const commit: LocalCommit = { sha };
    if (subject) commit.subject = subject;
    if (date) commit.date = date;
    return commit;
  };
  return {
    dir,
    resolve(ref) {
      if (!/^[\w./@^~{}-]+$/.test(ref) || ref.startsWith('-')) return undefined;
      const r = run(['log', '-1', '--format=%H%x00%s%x00%cI', `${ref}^{commit}`, '--']);
      return r.code === 0 && r.out.trim() ? parse(r.out.trim()) : undefined;
    },
    isAncestor(a, b) {
      const key = `${a}..${b}`;
      if (ancestry.has(key)) return ancestry.get(key);
      const r = run(['merge-base', '--is-ancestor', a, b]);
      const answer = r.code === 0 ? true : r.code === 1 ? false : undefined;
      ancestry.set(key, answer);
      return answer;
    },
    between(from, to) {
      const r = run([
        'log',
        '--reverse',
        `--max-count=${LIMIT}`,
        '--format=%H%x00%s%x00%cI',
        `${from}..${to}`,
        '--',
      ]);
      if (r.code !== 0) return undefined;
      return r.out.split('\n').filter(Boolean).map(parse);
    },
    remoteUrls() {
      const r = run(['remote', '-v']);
      if (r.code !== 0) return [];
      return [
        ...new Set(
          r.out
            .split('\n')
            .map((line) => line.split(/\s+/))
            .filter((parts) => parts[2] === '(fetch)' && parts[1])
            .map((parts) => parts[1] as string),
        ),
      ];
    },
  };
}

/** `github.com/org/repo` from any of Git's URL forms (https, ssh://, scp-like, with .git, with a user). */
export function normalizeGitUrl(url: string): string {
  let u = url.trim();
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(.+)$/.exec(u);
  if (scp && !/^[a-z]+:\/\//i.test(u)) u = `${scp[1]}/${scp[2]}`;
  u = u.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]+@/, '');
  u = u.replace(/\/+$/, '').replace(/\.git$/, '');
  return u.toLowerCase();
}
