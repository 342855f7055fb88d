/** `hindsight fix`, the run: what the command does once its flags are parsed (loaded on demand). */
import { resolve } from 'node:path';
import { loadConfig } from '../../config/config.ts';
import { describeError, UsageError } from '../../core/errors.ts';
import type { Finding } from '../../core/finding.ts';
import { formatOrigin } from '../../core/origin.ts';
import { pushTo } from '../../core/records.ts';
import { runRulesByEnvironment } from '../../engine/run-environments.ts';
import type { EngineOptions } from '../../engine/run-rules.ts';
import { fixFile } from '../../fixes/fix-files.ts';
import { isKustomizeBuilt, type Kustomization, kustomizeFixProblems } from '../../fixes/kustomize-fixes.ts';
import { newFindings } from '../../fixes/verify-fixes.ts';
import { ALL_RULES, RULES } from '../../rules/registry.ts';
import { loadManifests, type SourcedObject } from '../../sources/manifests/load-manifests.ts';
import { runClock } from '../clock.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { readLimits } from '../read-limit-flags.ts';
import type { FixOptions } from './fix.ts';

export async function runFix(paths: string[], opts: FixOptions, io: CliIo): Promise<ExitCode> {
  if (paths.includes('-')) throw new UsageError('fix edits files in place; stdin (-) has no file to edit');
  for (const id of opts.rule)
    if (!RULES.has(id)) throw new UsageError(`no rule ${id} (hindsight rules lists them all)`);
  const { config } = await loadConfig({
    cwd: io.cwd,
    ...(opts.config ? { file: resolve(io.cwd, opts.config) } : {}),
  });
  // Charts are passed over (their objects come from templates); kustomizations are built, and
  // their objects fixed in the base files they come from, when a rebuild proves it.
  const loaded = await loadManifests(paths, {
    renderedInputs: 'kustomize',
    env: io.env,
    ...readLimits(opts),
  });
  for (const error of loaded.errors) io.stderr(`error: ${describeError(error)} (not fixed)\n`);
  for (const note of loaded.notes) if (note.includes('left alone')) io.stderr(`note: ${note}\n`);
  const rules = opts.rule.length > 0 ? ALL_RULES.filter((r) => opts.rule.includes(r.id)) : ALL_RULES;
  const now = runClock(io.env);
  const { findings } = runRulesByEnvironment(loaded.objects, { rules, config, now });

  const { byFile, byBase, notYaml } = fixableByFile(findings);
  // Fixes are verified against every rule, whatever --rule chose.
  const verify: EngineOptions = { rules: ALL_RULES, config, now };
  const everyFinding =
    rules === ALL_RULES ? findings : runRulesByEnvironment(loaded.objects, verify).findings;
  const heldBack: HeldBack[] = [];
  await keepSafeFileFixes(byFile, { objects: loaded.objects, everyFinding, verify, heldBack });
  if (byBase.size > 0) {
    await keepSafeBaseFixes(byBase, loaded.kustomizations ?? [], io.env, {
      objects: loaded.objects,
      everyFinding,
      verify,
      heldBack,
    });
    for (const [file, list] of byBase) pushTo(byFile, file, ...list);
  }
  for (const h of heldBack) {
    io.stderr(
      `warning: ${h.file}: ${h.ruleId} not fixed: ${h.why ?? `with the other fixes it would create ${(h.introduced ?? []).join('; ')}`}\n`,
    );
  }

  let applied = 0;
  let refused = 0;
  let skipped = heldBack.reduce((n, h) => n + h.count, 0);
  for (const [file, list] of byFile) {
    const result = await fixFile(file, list, { dryRun: opts.dryRun === true, force: opts.force === true });
    if (result.refused) {
      refused++;
      io.stderr(`error: ${file}: ${result.refused}\n`);
      continue;
    }
    for (const s of result.skipped)
      io.stderr(`warning: ${file}: ${s.finding.ruleId} not fixed: ${s.reason}\n`);
    skipped += result.skipped.length;
    applied += result.applied.length;
    if (opts.dryRun && result.diff) io.stdout(result.diff);
    else if (result.applied.length > 0) {
      io.stdout(
        `${file}: fixed ${result.applied.length} (${[...new Set(result.applied.map((f) => f.ruleId))].join(', ')})\n`,
      );
    }
  }
  // Fixes hindsight would not make, with what a human has to decide first.
  for (const f of findings) {
    if (f.fix || !f.manual) continue;
    io.stderr(
      `needs a human: ${f.origin ? formatOrigin(f.origin) : describeRef(f)}: ${f.ruleId}: ${f.manual}\n`,
    );
  }
  const unfixable = findings.filter((f) => !f.fix).length + skipped;
  io.stderr(
    `${opts.dryRun ? 'would fix' : 'fixed'} ${applied} findings in ${byFile.size - refused} files` +
      `${notYaml > 0 ? `; ${notYaml} fixable findings are in JSON or other non-YAML inputs and were left alone` : ''}` +
      `; ${unfixable} findings need a human (hindsight scan lists them)\n`,
  );
  return refused > 0 || loaded.errors.length > 0 ? EXIT.partial : EXIT.ok;
}

type HeldBack = { file: string; ruleId: string; count: number; introduced?: string[]; why?: string };

/** What verifying planned fixes reads, and where fixes held back are recorded. */
interface Verification {
  objects: readonly SourcedObject[];
  everyFinding: readonly Finding[];
  verify: EngineOptions;
  heldBack: HeldBack[];
}

/** Fixable findings by the YAML file to edit, or by the kustomize base file they come from. */
function fixableByFile(findings: readonly Finding[]) {
  const byFile = new Map<string, Finding[]>();
  const byBase = new Map<string, Finding[]>();
  let notYaml = 0;
  for (const f of findings) {
    if (!f.fix || !f.origin) continue;
    if (!/\.ya?ml$/i.test(f.origin.source) || f.origin.line === undefined) {
      notYaml++;
      continue;
    }
    if (f.origin.rendered === undefined) pushTo(byFile, f.origin.source, f);
    else if (isKustomizeBuilt(f)) pushTo(byBase, f.origin.source, f);
    else notYaml++;
  }
  return { byFile, byBase, notYaml };
}

/**
 * Every fix is verified before anything is written: the fixed files are scanned again with the
 * rest (against every rule, whatever --rule chose), and fixes whose result has a finding the
 * original did not are held back, rule by rule, with what they would have caused.
 */
async function keepSafeFileFixes(
  byFile: Map<string, Finding[]>,
  { objects, everyFinding, verify, heldBack }: Verification,
): Promise<void> {
  const planned = new Map<string, string>();
  const plan = async (file: string, list: readonly Finding[]) => {
    const result = await fixFile(file, list, { dryRun: true });
    if (result.text !== undefined && result.applied.length > 0) planned.set(file, result.text);
    else planned.delete(file);
  };
  for (const [file, list] of byFile) await plan(file, list);
  const worse = () => newFindings(objects, planned, everyFinding, verify);
  if (worse().size > 0) {
    // Some fix trades one finding for another (possibly in another file, through a relation).
    // Build the set again: file by file, and within a file that fails, rule by rule, keeping
    // each group whose addition introduces nothing anywhere.
    planned.clear();
    for (const [file, list] of [...byFile]) {
      await plan(file, list);
      if (worse().size === 0) continue;
      let accepted: Finding[] = [];
      for (const ruleId of [...new Set(list.map((f) => f.ruleId))]) {
        const group = list.filter((f) => f.ruleId === ruleId);
        await plan(file, [...accepted, ...group]);
        const introduced = [...new Set([...worse().values()].flat())];
        if (introduced.length > 0) heldBack.push({ file, ruleId, count: group.length, introduced });
        else accepted = [...accepted, ...group];
      }
      await plan(file, accepted);
      if (accepted.length > 0) byFile.set(file, accepted);
      else byFile.delete(file);
    }
  }
}

/**
 * Base files of kustomizations: planned together, proven by rebuilding every kustomization;
 * when the whole set fails, file by file and rule by rule, keeping what rebuilds cleanly.
 */
async function keepSafeBaseFixes(
  byBase: Map<string, Finding[]>,
  kustomizations: readonly Kustomization[],
  env: NodeJS.ProcessEnv,
  { objects, everyFinding, verify, heldBack }: Verification,
): Promise<void> {
  const basePlanned = new Map<string, string>();
  const planBase = async (file: string, list: readonly Finding[]) => {
    const result = await fixFile(file, list, { dryRun: true });
    if (result.text !== undefined && result.applied.length > 0) basePlanned.set(file, result.text);
    else basePlanned.delete(file);
  };
  const check = () =>
    kustomizeFixProblems({
      kustomizations,
      planned: basePlanned,
      fixes: [...byBase.values()].flat().filter((f) => basePlanned.has(f.origin?.source ?? '')),
      objects,
      before: everyFinding,
      options: verify,
      env,
    });
  for (const [file, list] of byBase) await planBase(file, list);
  if ((await check()).length > 0) {
    basePlanned.clear();
    for (const [file, list] of [...byBase]) {
      let accepted: Finding[] = [];
      for (const ruleId of [...new Set(list.map((f) => f.ruleId))]) {
        const group = list.filter((f) => f.ruleId === ruleId);
        await planBase(file, [...accepted, ...group]);
        // Only the fixes accepted so far and this group count for this check.
        byBase.set(file, [...accepted, ...group]);
        const problems = await check();
        if (problems.length > 0)
          heldBack.push({ file, ruleId, count: group.length, why: [...new Set(problems)].join('; ') });
        else accepted = [...accepted, ...group];
      }
      await planBase(file, accepted);
      if (accepted.length > 0) byBase.set(file, accepted);
      else byBase.delete(file);
    }
  }
}

function describeRef(f: Finding): string {
  return `${f.ref.kind} ${f.ref.namespace ? `${f.ref.namespace}/` : ''}${f.ref.name}`;
}
