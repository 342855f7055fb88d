/**
 * A frozen API server — the real kube-apiserver of a platform of its own, stopped with SIGSTOP:
 * the kernel still accepts connections, nothing answers. scan and snapshot, with their default
 * limits, end in one connect timeout with one clear error and exit 3.
 *
 * The test starts its own small platform (`sigstop`, no Prometheus; a few seconds) so that
 * freezing its API server disturbs no other test; HINDSIGHT_TESTENV=off skips it, and missing
 * platform binaries fail it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFixture } from '../../../testenv/load.ts';
import { startPlatform, stopPlatform } from '../../../testenv/platform.ts';
import { runCli } from '../../testing/run-cli.ts';

test('a frozen API server (SIGSTOP): scan and snapshot end in one timeout, exit 3, with defaults', {
  timeout: 180_000,
}, async (t) => {
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip('starts a test platform; skipped because HINDSIGHT_TESTENV=off');
    return;
  }
  const up = performance.now();
  const state = await startPlatform({ name: 'sigstop' });
  try {
    await loadFixture(state, {
      seed: 1,
      scale: 'small',
      prometheus: false,
      historyDays: 14,
      stepSeconds: 60,
    });
    t.diagnostic(
      `platform sigstop up with the small fixture in ${((performance.now() - up) / 1000).toFixed(1)} s`,
    );
    const env = { HOME: '/nonexistent-home', KUBECONFIG: state.kubeconfig };
    const healthy = await runCli(['scan', '-o', 'json'], { env });
    assert.equal(healthy.code, 0, healthy.stderr);

    const apiserver = state.processes.find((p) => p.name === 'kube-apiserver');
    assert.ok(apiserver, 'the platform runs a kube-apiserver');
    const host = new URL(state.server).host;
    process.kill(apiserver.pid, 'SIGSTOP');
    try {
      const timed = async (argv: string[]) => {
        const started = performance.now();
        const run = await runCli(argv, { env });
        return { ...run, seconds: (performance.now() - started) / 1000 };
      };
      const [scan, snapshot] = await Promise.all([timed(['scan', '-o', 'json']), timed(['snapshot'])]);
      for (const [name, run] of [
        ['scan', scan],
        ['snapshot', snapshot],
      ] as const) {
        assert.equal(run.code, 3, `${name}: ${run.stderr}`);
        assert.ok(run.seconds < 30, `${name} took ${run.seconds} s`);
        assert.deepEqual(
          run.stderr.split('\n').filter((l) => l.startsWith('error: ')),
          [
            `error: hindsight-testenv (${state.server}): the API server at ${host} accepted the connection but did not complete the TLS handshake within 10 s (connect timeout): it is frozen or overloaded; no further requests were sent`,
          ],
          name,
        );
      }
      t.diagnostic(
        `frozen API server: scan ${scan.seconds.toFixed(1)} s, snapshot ${snapshot.seconds.toFixed(1)} s`,
      );
    } finally {
      process.kill(apiserver.pid, 'SIGCONT');
    }
  } finally {
    await stopPlatform(state);
  }
});
