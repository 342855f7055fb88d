import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEDICATED_FAMILIES,
  DEDICATED_LIMITS_BY_SIZE,
  estimateEbsAttachLimit,
  MAX_ENIS_BY_SIZE,
  NON_NITRO_FAMILIES,
} from './ebs-attach-limits.ts';

test('estimateEbsAttachLimit', () => {
  const cases: [string, number | undefined][] = [
    // shared Nitro: 28 - root - 4 ENIs
    ['c6i.2xlarge', 23],
    // shared Nitro, small: 28 - 1 - 3
    ['r6i.large', 24],
    // shared Nitro, big: 28 - 1 - 8
    ['c5.4xlarge', 19],
    // dedicated 32 - root
    ['m7i.xlarge', 31],
    // dedicated by size
    ['c7a.48xlarge', 127],
    // Xen
    ['m4.large', 38],
    // bare metal
    ['c5.metal', 30],
    // fixed low limit
    ['d3.8xlarge', 2],
    // high memory
    ['u-6tb1.metal', 18],
    // a dedicated family with a size the table does not know
    ['m7i-flex.16xlarge', 47],
    // unknown size: no estimate
    ['x2iedn.unknownsize', undefined],
    // not an instance type
    ['fargate', undefined],
  ];
  for (const [type, expected] of cases) assert.equal(estimateEbsAttachLimit(type)?.limit, expected, type);
});

test('the attach-limit tables are well-formed', () => {
  for (const f of [...NON_NITRO_FAMILIES, ...DEDICATED_FAMILIES]) assert.match(f, /^[a-z0-9-]+$/, f);
  assert.equal(new Set(NON_NITRO_FAMILIES).size, NON_NITRO_FAMILIES.length);
  for (const f of DEDICATED_FAMILIES) assert.ok(!NON_NITRO_FAMILIES.includes(f), `${f} in one list only`);
  for (const [size, limit] of [
    ...Object.entries(DEDICATED_LIMITS_BY_SIZE),
    ...Object.entries(MAX_ENIS_BY_SIZE),
  ])
    assert.ok(Number.isInteger(limit) && limit > 0, size);
  // every shared-Nitro estimate leaves room for volumes
  for (const size of Object.keys(MAX_ENIS_BY_SIZE))
    assert.ok((estimateEbsAttachLimit(`m5.${size}`)?.limit ?? 0) > 0, size);
});
