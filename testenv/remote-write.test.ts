/**
 * History through Prometheus' remote-write receiver: the hand-written protobuf and snappy
 * framing are checked byte by byte, and a real Prometheus fed by RemoteWriteSink answers PromQL
 * with exactly the fixture's usage (same series, same values) as the OpenMetrics route does.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateCluster } from './fixtures/generate.ts';
import { streamHistory, usageAt } from './fixtures/history.ts';
import { historyWorkloads, sampleWindow } from './fixtures/window.ts';
import { stopProcess } from './processes.ts';
import { findPrometheus, startPrometheus } from './prometheus.ts';
import { parseSeries, RemoteWriteSink, snappyLiteral } from './remote-write.ts';

test('series prefixes parse into sorted labels with __name__, escapes undone', () => {
  assert.deepEqual(parseSeries('up{job="kubelet",instance="a\\"b\\\\c\\nd"} '), [
    ['__name__', 'up'],
    ['instance', 'a"b\\c\nd'],
    ['job', 'kubelet'],
  ]);
});

test('snappy literal framing: varint length, then one literal tag sized for the data', () => {
  const rows: Array<[number, number[]]> = [
    [1, [0x01, 0x00]], // length 1, tag (1-1)<<2
    [60, [0x3c, 59 << 2]], // the longest one-byte tag
    [61, [0x3d, 60 << 2, 60]], // one extra length byte
    [300, [0xac, 0x02, 61 << 2, 0x2b, 0x01]], // 300 = varint ac 02; 299 = 0x012b in two bytes
    [70000, [0xf0, 0xa2, 0x04, 62 << 2, 0x6f, 0x11, 0x01]], // three length bytes
  ];
  for (const [size, head] of rows) {
    const out = snappyLiteral(Buffer.alloc(size, 7));
    assert.deepEqual([...out.subarray(0, head.length)], head, `size ${size}`);
    assert.equal(out.length, head.length + size);
  }
});

test('a real Prometheus fed through remote write holds the fixture history exactly', async (t) => {
  if (!existsSync(process.env.HINDSIGHT_PROMETHEUS ?? '/usr/bin/prometheus')) {
    if (process.env.HINDSIGHT_TESTENV === 'off') return t.skip('no Prometheus and HINDSIGHT_TESTENV=off');
    assert.fail('Prometheus is not installed: run testenv/ensure.sh');
  }
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-rw-'));
  const prom = await startPrometheus(findPrometheus(), dir, join(dir, 'data'), { remoteWriteReceiver: true });
  try {
    const fixture = generateCluster({ seed: 1, scale: 'small' });
    const opts = { days: 1, stepSeconds: 60, maxWorkloads: 6 };
    const sink = new RemoteWriteSink(prom.url, { batchSeconds: 600 });
    const stats = await streamHistory(fixture, sink, opts);
    assert.equal(sink.samples, stats.samples, 'every sample sent');
    const window = sampleWindow(fixture.now, opts);
    const query = async (expr: string, time: number) => {
      const res = await fetch(`${prom.url}/api/v1/query`, {
        method: 'POST',
        body: new URLSearchParams({ query: expr, time: String(time) }),
      });
      const text = await res.text();
      assert.equal(res.status, 200, `${expr}: ${text}`);
      const body = JSON.parse(text) as { data: { result: Array<{ value: [number, string] }> } };
      return body.data.result.map((r) => Number(r.value[1]));
    };
    // Every series arrived (the OpenMetrics route counts the same way).
    const [series] = await query(`count(last_over_time({__name__=~".+"}[${opts.days}d]))`, window.end);
    assert.equal(series, stats.series);
    // Memory at a few instants equals the usage model's value for that container and pod.
    for (const w of historyWorkloads(fixture.workloads, opts.maxWorkloads).slice(0, 3)) {
      const c = w.containers[0];
      const pod = w.pods[0];
      if (!c || !pod) continue;
      for (const at of [window.end - 3600, window.end]) {
        const [value] = await query(
          `container_memory_working_set_bytes{namespace="${w.namespace}",pod="${pod}",container="${c.name}"}`,
          at,
        );
        assert.equal(
          value,
          usageAt(w, c.name, 0, at).memoryBytes,
          `${w.namespace}/${pod}/${c.name} at ${at}`,
        );
      }
    }
  } finally {
    await stopProcess(prom.process.pid);
    rmSync(dir, { recursive: true, force: true });
  }
});
