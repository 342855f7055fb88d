import type { Command } from 'commander';
import { Option } from 'commander';
import { addClusterOptions, type ClusterFlagValues } from '../cluster-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';

export interface TraceOptions extends ClusterFlagValues {
  output: 'table' | 'json';
  repo?: string;
  source?: string;
  all?: boolean;
}

export function registerTrace(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('trace')
    .description(
      'where is my commit? Follows a Git commit, or a live object, through Flux (source → Kustomization/HelmRelease → objects) and says the one reason it is not live',
    )
    .argument(
      '[target...]',
      'a Git SHA (full or short) or ref with --repo; or an object: deploy/api, deployment api, kustomization/apps',
    )
    .option(
      '--repo <dir>',
      'a local clone of the repository Flux follows: tells whether the commit is in each revision (git ancestry)',
    )
    .option(
      '--source <namespace/name>',
      'only this GitRepository/OCIRepository (default: those whose URL matches --repo’s remotes, else all)',
    )
    .option(
      '--all',
      'list every Flux object that is stuck, behind its source, suspended or failing, oldest first',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    );
  addClusterOptions(command, {
    context: 'kubeconfig context',
    namespace: 'the namespace of the object to trace (default: the kubeconfig context’s, else default)',
  });
  command
    .addHelpText(
      'after',
      '\nFor each hop it shows the revision held, whether the commit is in it, what was last attempted against what was\nlast applied, suspension, dependencies (walked to the root) and the Ready message; then one verdict: applied, or why\nnot — not fetched yet, on another branch, the source fails (authentication, rate limit), suspended, waiting on a\ndependency, a broken earlier revision blocking every later one, a build, dry-run or health-check failure and the\nobject it names, a Helm upgrade failed or rolled back. Reads Flux objects and the traced object; read-only.\n\nExit code: 0 live (or, with --all, nothing stuck), 1 not live, 3 unknown or the cluster could not be read in full.\n\nExamples:\n  hindsight trace 3f2a9c1 --repo .\n  hindsight trace deploy/api -n payments\n  hindsight trace --all',
    )
    .action(async (target: string[], opts: TraceOptions) => {
      const { runTrace } = await import('./trace-run.ts');
      setExit(await runTrace(target, opts, io));
    });
}
