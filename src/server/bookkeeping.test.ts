import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/resource.ts';
import { onlyBookkeeping } from './serve.ts';

const node = (heartbeat: string, ready: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', resourceVersion: rv, labels: { 'karpenter.sh/capacity-type': 'spot' } },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: ready,
        lastHeartbeatTime: heartbeat,
        lastTransitionTime: '2026-11-01T00:00:00Z',
      },
    ],
  },
});

test('a heartbeat or a new resourceVersion alone is not a change; a condition or a label is', () => {
  const before = node('2026-11-12T10:00:00Z', 'True', '10');
  assert.equal(onlyBookkeeping(before, node('2026-11-12T10:05:00Z', 'True', '11')), true);
  assert.equal(onlyBookkeeping(before, node('2026-11-12T10:05:00Z', 'False', '11')), false);
  const relabelled = node('2026-11-12T10:00:00Z', 'True', '12');
  relabelled.metadata.labels = { 'karpenter.sh/capacity-type': 'on-demand' };
  assert.equal(onlyBookkeeping(before, relabelled), false);
});

test('the same object with its keys in another order (a list item, then a watch event) is bookkeeping', () => {
  const listed = node('2026-11-12T10:00:00Z', 'True', '10');
  const { apiVersion, kind, ...rest } = listed;
  // A list item gets apiVersion and kind added after its own fields.
  const reordered = { ...rest, apiVersion, kind } as KubeObject;
  const watched = node('2026-11-12T10:05:00Z', 'True', '11');
  assert.equal(onlyBookkeeping(reordered, watched), true);
  assert.equal(onlyBookkeeping(reordered, node('2026-11-12T10:05:00Z', 'False', '11')), false);
  // A field present on one side only is a change, whatever the order.
  const extra = node('2026-11-12T10:05:00Z', 'True', '11');
  extra.spec = { unschedulable: true };
  assert.equal(onlyBookkeeping(reordered, extra), false);
});
