/**
 * Benchmark: incremental evaluation (ADR 0013) in one process, on a generated cluster. A full
 * evaluation, then one object of each kind changed (an annotation added) and evaluated again:
 * the time, and how many of the checks ran again, by rule. No API server: this measures the
 * engine, `bench/serve.ts` measures the service end to end.
 *
 *   node --expose-gc bench/incremental.ts [--scale 1k] [--seed 1] [--live] [--from-json | --shared] [--snapshot FILE]
 *
 * `--shared` parses each object from its own JSON through the watch's `StructureSharer`, as
 * `serve` keeps them (`--from-json`: parsed, nothing shared).
 *
 * `--snapshot FILE` evaluates a `hindsight snapshot` of a running cluster instead of a generated
 * one (e.g. the 1k test platform, whose pods carry the container statuses KWOK writes).
 *
 * Each measured time includes getting the inventory: built afresh from every object, or with
 * `--live` the one inventory changed in place (`upsert`, `forget`), as `hindsight serve` does.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IncrementalRules } from '../src/engine/incremental.ts';
import { CLOCK_PART, runRules } from '../src/engine/run-rules.ts';
import { buildInventory, partsOfChange } from '../src/inventory/inventory.ts';
import { ALL_RULES } from '../src/rules/registry.ts';
import { StructureSharer } from '../src/sources/cluster/share-structure.ts';
import { generateCluster, type ScaleName } from '../testenv/fixtures/generate.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1k' },
    seed: { type: 'string', default: '1' },
    live: { type: 'boolean', default: false },
    'from-json': { type: 'boolean', default: false },
    shared: { type: 'boolean', default: false },
    snapshot: { type: 'string' },
  },
});
const now = values.snapshot ? new Date() : new Date('2026-11-12T10:00:00Z');
const generate = () =>
  generateCluster({ seed: Number(values.seed), scale: values.scale as ScaleName }).objects;
// --from-json: the objects as JSON.parse makes them from the API server's answers (no strings
// shared with the generator), which is what `serve` holds; the generator's own are let go.
const read: ReturnType<typeof generate> = values.snapshot
  ? (JSON.parse(readFileSync(values.snapshot, 'utf8')) as { items: ReturnType<typeof generate> }).items
  : values['from-json']
    ? JSON.parse(JSON.stringify(generate()))
    : generate();
const sharer = new StructureSharer();
const objects: ReturnType<typeof generate> = values.shared
  ? read.map((o) => sharer.share(JSON.parse(JSON.stringify(o))))
  : read;
if (values.shared) read.length = 0;
const inventoryOf = () =>
  buildInventory(objects.map((object) => ({ object, origin: { source: 'cluster' } })));
const ms = (since: number) => Math.round(performance.now() - since);

let t = performance.now();
const full = runRules(inventoryOf(), { rules: ALL_RULES, now });
const fullMs = ms(t);
const engine = new IncrementalRules({ rules: ALL_RULES });
t = performance.now();
const live = inventoryOf();
const first = engine.evaluate(values.live ? live : inventoryOf(), now, 'all');
const firstMs = ms(t);
const rows = [
  `| full evaluation (runRules, as scan) | ${fullMs} | ${full.findings.length} findings | |`,
  `| first incremental evaluation (records reads) | ${firstMs} | ${first.checked} checks | |`,
];
/** One change evaluated incrementally: its time, the checks run and reused, the busiest rules. */
function timeChange(
  label: string,
  before: (typeof objects)[number] | undefined,
  after: (typeof objects)[number],
): void {
  const started = performance.now();
  const parts = partsOfChange(before, after);
  if (values.live) {
    live.upsert(after, { source: 'cluster' });
    live.forget(parts);
  }
  const r = engine.evaluate(values.live ? live : inventoryOf(), now, parts);
  const top = [...r.checkedByRule]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
  rows.push(`| ${label} | ${ms(started)} | ${r.checked} checks run, ${r.reused} reused | ${top} |`);
}
for (const kind of ['Pod', 'Deployment', 'Service', 'Event', 'Namespace', 'PodDisruptionBudget', 'Node']) {
  const i = objects.findIndex((o) => o.kind === kind);
  if (i < 0) continue;
  const before = objects[i] as (typeof objects)[number];
  const changed = structuredClone(before);
  changed.metadata.annotations = { ...(changed.metadata.annotations ?? {}), 'bench/changed': 'yes' };
  objects[i] = changed;
  timeChange(`one ${kind} changed`, before, changed);
}
// A new Event, as a controller writes them all the time (a PVC waiting for its consumer).
{
  const pod = objects.find((o) => o.kind === 'Pod') as (typeof objects)[number];
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'bench-added.1', namespace: pod.metadata.namespace as string },
    involvedObject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
    reason: 'BackOff',
    type: 'Warning',
    message: 'Back-off restarting failed container',
    count: 1,
    lastTimestamp: now.toISOString(),
  } as (typeof objects)[number];
  objects.push(event);
  timeChange('one Event added', undefined, event);
}
t = performance.now();
engine.evaluate(values.live ? live : inventoryOf(), now, []);
rows.push(`| nothing changed | ${ms(t)} | | |`);
t = performance.now();
live.forget(new Set([CLOCK_PART]));
const clock = engine.evaluate(values.live ? live : inventoryOf(), new Date(now.getTime() + 60_000), [
  CLOCK_PART,
]);
rows.push(`| the clock moved a minute | ${ms(t)} | ${clock.checked} checks run | |`);
// Live heap: what the engine, the inventory and the objects hold once garbage is gone (run
// with --expose-gc; several collections, as one leaves some).
const gc = (globalThis as { gc?: () => void }).gc;
let heap = '';
if (gc) {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  heap = `, live heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB (objects, inventory, engine)`;
}
process.stdout.write(
  [
    `### incremental evaluation, ${values.snapshot ? `snapshot ${values.snapshot}` : `${values.scale} generated cluster`} (${objects.length} objects${values.snapshot ? '' : `, seed ${values.seed}`}), inventory ${values.live ? 'changed in place' : 'rebuilt'}`,
    '',
    '| evaluation | ms | checks | most re-run |',
    '|---|---|---|---|',
    ...rows,
    '',
    `RSS at the end: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB${heap}`,
    '',
  ].join('\n'),
);
