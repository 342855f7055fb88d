/**
 * Benchmark: the node-mix planner on ~10,000 pods (the fixture generator's request mix, seed 1,
 * 400 nodes) over every priced instance type, on-demand and spot: wall time, plan cost, the LP
 * lower bound and their ratio, as a Markdown table.
 *
 *   node bench/planner.ts [--pods 12000] [--nodes 400] [--seed 1] [--runs 3] [--on-demand-only]
 *                         [--categories c,m,r]
 *
 * --categories keeps only instance types of those Karpenter categories (the family's leading
 * letters: `m` for m7g, `c` for c6i): the allow-list a NodePool would carry.
 * The first run includes loading the HiGHS WebAssembly module (~150 ms); later runs reuse it.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { clusterDemand } from '../src/analyzers/cost/current-fleet.ts';
import { planNodeMix, plannerInstanceTypes } from '../src/analyzers/cost/planner.ts';
import { HOURS_PER_MONTH, loadPriceBook, type PricedCapacityType } from '../src/analyzers/cost/prices.ts';
import { buildInventory } from '../src/inventory/inventory.ts';
import { generateCluster } from '../testenv/fixtures/generate.ts';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '12000' },
    nodes: { type: 'string', default: '400' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    'on-demand-only': { type: 'boolean', default: false },
    categories: { type: 'string' },
  },
});

const fixture = generateCluster({
  seed: Number(values.seed),
  scale: { nodes: Number(values.nodes), pods: Number(values.pods) },
});
const inventory = buildInventory(
  fixture.objects.map((object) => ({ object, origin: { source: 'fixture' } })),
);
const demand = clusterDemand(inventory);
const capacityTypes: PricedCapacityType[] = values['on-demand-only'] ? ['on-demand'] : ['on-demand', 'spot'];
const book = loadPriceBook();
const categories = values.categories?.split(',').map((c) => c.trim());
const types = plannerInstanceTypes(book, capacityTypes).filter(
  (t) => !categories || categories.includes(t.family.replace(/\d.*$/, '')),
);
const pods = demand.pods.reduce((s, p) => s + (p.count ?? 1), 0);
const dsPods = inventory.ofKind('Pod').length - pods;

const money = (n: number): string => `$${n.toFixed(0)}`;
const rows: string[] = [];
for (let run = 1; run <= Number(values.runs); run++) {
  const started = performance.now();
  const plan = await planNodeMix({
    pods: demand.pods,
    daemonSetOverhead: demand.daemonSetOverhead,
    instanceTypes: types,
    options: { capacityTypes },
  });
  const ms = performance.now() - started;
  const mix = plan.nodeGroups
    .slice(0, 4)
    .map((g) => `${g.count}× ${g.instanceType} ${g.capacityType}`)
    .join(', ');
  const fluid = plan.lowerBound.fluidHourlyUSD * HOURS_PER_MONTH;
  rows.push(
    `| ${run} | ${pods} | ${types.length} (${plan.stats.candidateOfferings}/${plan.stats.offerings}) | ` +
      `${plan.stats.classes}/${plan.stats.sizeClasses} (step ${plan.stats.sizeStep}) | ${ms.toFixed(0)} | ` +
      `${plan.stats.lpMillis.toFixed(0)} (${plan.stats.coupledLpMillis.toFixed(0)}) | ${money(plan.monthlyUSD)} | ` +
      `${money(plan.lowerBound.monthlyUSD)} (fluid ${money(fluid)}) | ${plan.gap.toFixed(4)} | ${plan.nodeCount} | ` +
      `${plan.stats.packing} | ${loadavg()[0]?.toFixed(2)} | ${mix} |`,
  );
  if (plan.unplaceable.length > 0) process.stderr.write(`unplaceable: ${JSON.stringify(plan.unplaceable)}\n`);
}

process.stdout.write(
  `Planner on ${pods} pods (${demand.pods.length} groups; ${dsPods} DaemonSet pods as overhead ` +
    `${demand.daemonSetOverhead.cpu.toFixed(2)} cores, ${(demand.daemonSetOverhead.memory / 2 ** 30).toFixed(2)} GiB, ` +
    `${demand.daemonSetOverhead.pods} slots per node), capacity types: ${capacityTypes.join(', ')}` +
    `${categories ? `, categories: ${categories.join(', ')}` : ''}\n\n`,
);
process.stdout.write(
  '| run | pods | types (candidate/all offerings) | constraint/size classes | wall ms | LP ms (coupled) | plan $/month | ' +
    'lower bound $/month | ratio | nodes | packing | load 1m | largest groups |\n',
);
process.stdout.write('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n');
process.stdout.write(`${rows.join('\n')}\n`);
