/**
 * Scale-to-zero generation: an idle worker whose env names its queue gets a ScaledObject on that
 * queue; an idle worker with no recognisable event source gets a note, never an invented
 * trigger; a busy worker gets nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { load } from 'js-yaml';
import { loadPriceBook } from '../../analyzers/cost/prices.ts';
import type { RightsizingRun } from '../../analyzers/rightsizing/rightsizing-run.ts';
import type { KubeObject } from '../../core/resource.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { spotVerdict } from '../../scheduling/spot-verdict.ts';
import { writeGenerated } from './generate.ts';

function worker(name: string, env: Array<{ name: string; value: string }>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'jobs' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: `example/${name}:1`, env }] },
      },
    },
  };
}

test('idle workers: a ScaledObject on the queue their env names, a note when there is none, nothing for busy ones', async () => {
  const objects = [
    worker('thumbnails', [
      { name: 'QUEUE_URL', value: 'https://sqs.us-east-1.amazonaws.com/123456789012/thumbnails' },
    ]),
    worker('reports', [{ name: 'LOG_LEVEL', value: 'info' }]),
    worker('busy', [{ name: 'QUEUE_URL', value: 'https://sqs.us-east-1.amazonaws.com/123456789012/busy' }]),
  ];
  const inventory = buildInventory(objects.map((object) => ({ object, origin: { source: 'test.yaml' } })));
  const workloads = new Map(inventory.ofKind('Deployment').map((e) => [`Deployment/jobs/${e.ref.name}`, e]));
  const verdicts = new Map([...workloads].map(([k, e]) => [k, spotVerdict(inventory, e)]));
  const rightsizing = {
    recommendations: [],
    idleShare: new Map([
      ['Deployment/jobs/thumbnails', 0.92],
      ['Deployment/jobs/reports', 0.8],
      ['Deployment/jobs/busy', 0.1],
    ]),
  } as unknown as RightsizingRun;
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-keda-'));
  const said: string[] = [];
  try {
    const written = await writeGenerated(
      { kedaDir: dir, clusterName: 'prod', variant: 'burstable' },
      { inventory, rightsizing, plan: undefined, book: loadPriceBook(), workloads, verdicts },
      (line) => said.push(line),
    );
    assert.deepEqual(readdirSync(dir), ['jobs-thumbnails.yaml']);
    assert.deepEqual(written, [join(dir, 'jobs-thumbnails.yaml')]);
    const so = load(readFileSync(join(dir, 'jobs-thumbnails.yaml'), 'utf8')) as {
      spec: {
        minReplicaCount: number;
        maxReplicaCount: number;
        triggers: Array<{ type: string; metadata: Record<string, string> }>;
      };
    };
    assert.equal(so.spec.minReplicaCount, 0);
    assert.equal(so.spec.maxReplicaCount, 3);
    assert.equal(so.spec.triggers[0]?.type, 'aws-sqs-queue');
    assert.equal(
      so.spec.triggers[0]?.metadata.queueURL,
      'https://sqs.us-east-1.amazonaws.com/123456789012/thumbnails',
    );
    assert.equal(said.length, 1);
    assert.match(
      said[0] ?? '',
      /Deployment jobs\/reports is idle 80% of the time but names no queue or topic/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
