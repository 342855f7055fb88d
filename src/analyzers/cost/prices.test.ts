import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SourceError } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-files.ts';
import type { KubeObject } from '../../core/resource.ts';
import { DEFAULT_FARGATE_RATES, DEFAULT_SPOT_DISCOUNTS, loadPriceBook } from './prices.ts';

const catalogue = JSON.parse(
  readFileSync(path.join(packageRoot(), 'data', 'aws', 'ec2-instance-types.json'), 'utf8'),
) as { instanceTypes: { name: string; category: string; onDemandHourlyUSD?: number }[] };
const catalogueOnDemand = (name: string): number => {
  const t = catalogue.instanceTypes.find((x) => x.name === name);
  assert.ok(t?.onDemandHourlyUSD, `${name} has a catalogue price`);
  return t.onDemandHourlyUSD;
};

const tmp = mkdtempSync(path.join(tmpdir(), 'hindsight-prices-'));
function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const node = (name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
});

test('hourly prices: catalogue on-demand, spot from the category discount, overrides', () => {
  const book = loadPriceBook();
  const m6i = catalogueOnDemand('m6i.large');
  const r6g = catalogueOnDemand('r6g.xlarge');
  const rows: [string, ReturnType<typeof book.hourly>, number, string][] = [
    // on-demand straight from the catalogue
    ['m6i.large on-demand', book.hourly('m6i.large', 'on-demand'), m6i, 'catalogue'],
    // spot: general purpose discount
    [
      'm6i.large spot',
      book.hourly('m6i.large', 'spot'),
      m6i * (1 - (DEFAULT_SPOT_DISCOUNTS.m as number)),
      'spot-discount-model',
    ],
    // spot: memory-optimised discount
    [
      'r6g.xlarge spot',
      book.hourly('r6g.xlarge', 'spot'),
      r6g * (1 - (DEFAULT_SPOT_DISCOUNTS.r as number)),
      'spot-discount-model',
    ],
  ];
  for (const [label, got, want, source] of rows) {
    assert.ok(got, label);
    assert.ok(Math.abs(got.hourlyUSD - want) < 1e-12, `${label}: ${got.hourlyUSD} vs ${want}`);
    assert.equal(got.source, source, label);
  }
  // A discount given per category replaces the default one.
  const custom = loadPriceBook({ spotDiscounts: { m: 0.5 } });
  assert.ok(Math.abs((custom.hourly('m6i.large', 'spot')?.hourlyUSD ?? 0) - m6i * 0.5) < 1e-12);
  // HPC types have no spot market.
  const hpc = catalogue.instanceTypes.find((t) => t.category === 'hpc' && t.onDemandHourlyUSD);
  if (hpc) assert.equal(book.hourly(hpc.name, 'spot'), undefined);
  // Unknown types have no price.
  assert.equal(book.hourly('zz9.huge', 'on-demand'), undefined);
});

test('a price file overrides catalogue and spot model, and may add types', () => {
  const yamlFile = file(
    'prices.yaml',
    [
      '- { instanceType: m6i.large, capacityType: on-demand, hourlyUSD: 0.05 }',
      '- { instanceType: m6i.large, capacityType: spot, hourlyUSD: 0.011 }',
      '- { instanceType: zz9.huge, capacityType: on-demand, hourlyUSD: 3 }',
      '- { instanceType: c6i.large, capacityType: on-demand, hourlyUSD: 0.04 }',
    ].join('\n'),
  );
  const book = loadPriceBook({ priceFile: yamlFile });
  assert.deepEqual(book.hourly('m6i.large', 'on-demand'), { hourlyUSD: 0.05, source: 'price-file' });
  assert.deepEqual(book.hourly('m6i.large', 'spot'), { hourlyUSD: 0.011, source: 'price-file' });
  assert.deepEqual(book.hourly('zz9.huge', 'on-demand'), { hourlyUSD: 3, source: 'price-file' });
  // The file's on-demand price is the base of the spot estimate when the file has no spot price.
  const c = book.hourly('c6i.large', 'spot');
  assert.ok(c && Math.abs(c.hourlyUSD - 0.04 * (1 - (DEFAULT_SPOT_DISCOUNTS.c as number))) < 1e-12);
  // JSON works too (YAML is a superset), and the `prices:` wrapper.
  const jsonFile = file(
    'prices.json',
    JSON.stringify({ prices: [{ instanceType: 'm6i.large', capacityType: 'spot', hourlyUSD: 0.02 }] }),
  );
  assert.equal(loadPriceBook({ priceFile: jsonFile }).hourly('m6i.large', 'spot')?.hourlyUSD, 0.02);
});

test('a bad price file is a SourceError naming the file and the entry', () => {
  const rows: [string, string, RegExp][] = [
    // capacity type misspelt in the second entry
    [
      'bad-capacity.yaml',
      '- { instanceType: m6i.large, capacityType: spot, hourlyUSD: 0.02 }\n- { instanceType: c6i.large, capacityType: Spot, hourlyUSD: 0.02 }\n',
      /entry 2 \(c6i\.large\): capacityType must be spot or on-demand/,
    ],
    // price is not a number
    [
      'bad-price.yaml',
      '- { instanceType: m6i.large, capacityType: spot, hourlyUSD: cheap }\n',
      /entry 1 \(m6i\.large\): hourlyUSD/,
    ],
    // negative price
    [
      'negative.yaml',
      '- { instanceType: m6i.large, capacityType: spot, hourlyUSD: -1 }\n',
      /entry 1 \(m6i\.large\): hourlyUSD/,
    ],
    // no instance type
    ['no-type.yaml', '- { capacityType: spot, hourlyUSD: 1 }\n', /entry 1: instanceType/],
    // not a list
    ['not-list.yaml', 'instanceType: m6i.large\n', /list of/],
    // not YAML
    ['broken.yaml', '- { instanceType: m6i.large\n', /not valid YAML/],
  ];
  for (const [name, text, message] of rows) {
    const p = file(name, text);
    assert.throws(
      () => loadPriceBook({ priceFile: p }),
      (error: unknown) => error instanceof SourceError && error.source === p && message.test(error.message),
      name,
    );
  }
  const missing = path.join(tmp, 'missing.yaml');
  assert.throws(
    () => loadPriceBook({ priceFile: missing }),
    (e: unknown) => e instanceof SourceError && e.source === missing,
  );
});

test('priceOfNode reads instance and capacity type labels (Karpenter and EKS)', () => {
  const book = loadPriceBook();
  const m6i = catalogueOnDemand('m6i.large');
  const type = { 'node.kubernetes.io/instance-type': 'm6i.large' };
  const rows: [string, Record<string, string>, number | undefined, string][] = [
    // Karpenter on-demand
    ['karpenter on-demand', { ...type, 'karpenter.sh/capacity-type': 'on-demand' }, m6i, 'on-demand'],
    // Karpenter spot
    ['karpenter spot', { ...type, 'karpenter.sh/capacity-type': 'spot' }, m6i * 0.35, 'spot'],
    // EKS managed node group spot
    ['eks spot', { ...type, 'eks.amazonaws.com/capacityType': 'SPOT' }, m6i * 0.35, 'spot'],
    // EKS managed node group on-demand
    ['eks on-demand', { ...type, 'eks.amazonaws.com/capacityType': 'ON_DEMAND' }, m6i, 'on-demand'],
    // no capacity type: on-demand, with a note
    ['unlabelled', type, m6i, 'on-demand'],
  ];
  for (const [label, labels, want, capacityType] of rows) {
    const p = book.priceOfNode(node(label, labels));
    assert.ok(p.priced, label);
    assert.ok(Math.abs(p.hourlyUSD - (want as number)) < 1e-12, label);
    assert.equal(p.capacityType, capacityType, label);
  }
  const unlabelled = book.priceOfNode(node('u', type));
  assert.ok(unlabelled.priced && unlabelled.notes.some((n) => /taken as on-demand/.test(n)));

  const unknown = book.priceOfNode(node('odd', { 'node.kubernetes.io/instance-type': 'zz9.huge' }));
  assert.equal(unknown.priced, false);
  assert.ok(!unknown.priced && /zz9\.huge/.test(unknown.reason));
  const none = book.priceOfNode(node('bare', {}));
  assert.ok(!none.priced && /instance-type/.test(none.reason));
});

test('Fargate nodes are priced from the pod CapacityProvisioned annotation', () => {
  const book = loadPriceBook();
  const fargate = node('fargate-ip-10-0-1-2.ec2.internal', {
    'eks.amazonaws.com/compute-type': 'fargate',
    'kubernetes.io/arch': 'amd64',
  });
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'n', annotations: { CapacityProvisioned: '0.5vCPU 1GB' } },
    spec: { nodeName: 'fargate-ip-10-0-1-2.ec2.internal' },
  };
  const p = book.priceOfNode(fargate, [pod]);
  assert.ok(p.priced);
  const rates = DEFAULT_FARGATE_RATES.amd64;
  assert.ok(Math.abs(p.hourlyUSD - (0.5 * rates.vcpuHourlyUSD + 1 * rates.memoryGBHourlyUSD)) < 1e-12);
  assert.equal(book.priceOfNode(fargate, []).priced, false);
});
