/**
 * Fuzzing every reader of untrusted bytes, in CI: a bounded slice of the inputs bench/fuzz.ts
 * runs by the million (src/testing/fuzz-driver.ts) — generated and mutated manifests,
 * certificate bytes and Prometheus answers through the reader, every rule, every reporter, the
 * fixer, the certificate decoders and the Prometheus answer parsing. Nothing may throw but the
 * expected typed errors, and every read error must name its file. Deterministic: a failure names
 * its seed and input index, which `node bench/fuzz.ts --seed S --replay I` runs alone.
 *
 * Then every crash the fuzzer found, minimised, as a regression row naming where it was fixed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  crashSignature,
  createFuzzContext,
  type FuzzContext,
  runBatch,
  runFuzz,
} from '../testing/fuzz-driver.ts';
import type { FuzzInput } from '../testing/fuzz-inputs.ts';
import { issueCertificate } from '../testing/test-pki.ts';

/** Inputs per CI run: about 20 s on two busy cores. HINDSIGHT_FUZZ_INPUTS overrides. */
const INPUTS = Number(process.env.HINDSIGHT_FUZZ_INPUTS ?? 2000);
const SEED = 20261124;

let ctx: FuzzContext;
before(async () => {
  ctx = await createFuzzContext();
});
after(async () => {
  await ctx.close();
});

test(`fuzz: ${INPUTS} generated and mutated inputs crash nothing, and every error names its input`, async () => {
  const stats = await runFuzz(ctx, { seed: SEED, count: INPUTS, batch: 50, minimiseBudget: 100 });
  assert.deepEqual(
    stats.crashes.map(
      (c) =>
        `${c.target}: ${c.message} — node bench/fuzz.ts --seed ${c.seed} --replay ${c.index}; minimised: ${JSON.stringify(c.minimised.bytes.toString('utf8').slice(0, 500))}`,
    ),
    [],
  );
  // The slice must reach every consumer, on both sides of each check.
  const e = ctx.exercised;
  assert.ok(
    stats.byKind.manifest > INPUTS / 2 && stats.byKind.certificate > 0 && stats.byKind.prometheus > 0,
  );
  assert.ok(e.readErrors > INPUTS / 10, `${e.readErrors} read errors`);
  assert.ok(
    e.objects > INPUTS / 10 && e.findings > INPUTS / 10,
    `${e.objects} objects, ${e.findings} findings`,
  );
  assert.ok(e.fixed > 0, `${e.fixed} fixes applied`);
  assert.ok(e.certificates > 0, `${e.certificates} certificates`);
  assert.ok(
    e.prometheusAnswers > 0 && e.prometheusErrors > 0,
    `${e.prometheusAnswers}/${e.prometheusErrors}`,
  );
});

const deployment = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: legacy',
  '  namespace: shop',
  'spec:',
  '  selector: {matchLabels: {app: legacy}}',
  '  template:',
  '    metadata: {labels: {app: legacy}}',
  '    spec:',
  '      containers:',
  '        - name: app',
  '          image: registry.example.com/legacy:0.9.1',
  '          securityContext: {runAsUser: 0}',
  '',
].join('\n');

const manifest = (text: string, ext: 'yaml' | 'json' = 'yaml'): FuzzInput => ({
  kind: 'manifest',
  ext,
  bytes: Buffer.from(text),
});
const prometheus = (body: unknown): FuzzInput => ({
  kind: 'prometheus',
  status: 200,
  encoding: '',
  bytes: Buffer.from(JSON.stringify(body)),
});

/** A crash found by bench/fuzz.ts (or reported before it existed), minimised; where it was fixed. */
interface Regression {
  name: string;
  input: () => Promise<FuzzInput> | FuzzInput;
}

const FIXED: Regression[] = [
  {
    // scan: exit 70, "Maximum call stack size exceeded" in the reader's list flattening.
    name: 'JSON nested 100,000 deep (src/sources/manifests/strict-json.ts)',
    input: () => manifest(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'json'),
  },
  {
    name: 'a YAML flow sequence nested 100,000 deep (src/sources/manifests/strict-json.ts)',
    input: () => manifest(`${'['.repeat(100_000)}${']'.repeat(100_000)}\n`),
  },
  {
    // fix: "Expected YAML collection at spec. Remaining path: replicas" (seed 1, input 1003).
    name: "a fix through a scalar: spec: '-5m' (src/fixes/apply-edits.ts pathIsEditable)",
    input: () =>
      manifest(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: coredns\n  namespace: kube-system\nspec: '-5m'\n",
      ),
  },
  {
    // scan: "ownerReferences?.some is not a function" in the inventory summary (seed 3).
    name: 'ownerReferences that is not a list (src/analyzers/inventory/summarize.ts)',
    input: () =>
      manifest(
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n  ownerReferences: ALL\nspec: {}\n',
      ),
  },
  {
    // scan: four rules "Cannot read properties of null (reading 'kind')" (seed 20261203, input 99410).
    name: 'an ownerReferences entry that is null (src/core/serving.ts)',
    input: () => manifest('apiVersion: v1\nkind: Pod\nmetadata:\n  name: o\n  ownerReferences:\n  - null\n'),
  },
  {
    // scan: ten rules "Cannot convert object to primitive value" (seed 20261203, input 278010).
    name: 'a container name that is a mapping with a toString key (src/core/workload.ts containersAt)',
    input: () =>
      manifest(
        'apiVersion: v1\nkind: Pod\nmetadata:\n name: e\nspec:\n containers:\n - name:\n    toString:\n',
      ),
  },
  {
    // scan: namespace-without-default-deny "Cannot convert object to primitive value" (seed
    // 20261203, inputs 59469 and 59486 in one batch).
    name: 'policyTypes holding a mapping with toString and valueOf keys (src/core/network-isolation.ts)',
    input: () =>
      manifest(
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-ingress\n  namespace: search\nspec:\n  podSelector: {}\n  policyTypes:\n    - toString: 1\n      valueOf: []\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: search\n',
      ),
  },
  {
    // certs: "RangeError: Invalid time value" in the timeline (seed 1, input 254).
    name: 'a certificate with an unreadable notAfter (src/sources/tls/decode-certificates.ts)',
    input: () => ({
      kind: 'certificate',
      ext: 'cer',
      bytes: Buffer.from(
        [
          '-----BEGIN CERTIFICATE-----',
          'MIIBVTCB/KADAgECAgIQATAKBggqhkjOPQQDAjASMRAwDgYDVQQDEwdmdXp6LWNh',
          'MB4XDTI2MDEwMTAwMDAwMFoXDTI3MNAwMTAwMDAwMFowEjEQMA4GA1UEAxMHZnV6',
          'ei1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOwzIyC01xzdoTE9rr4znvA2',
          'ZG8SaKy97D9tHtVn3WAiWGrhogZ6cAuhY8WHLGaBSi3WXhuQZP728+PS7gro4Xij',
          'QjBAMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFFqDnWXbVRR5qScl4d982rRh',
          'Z5C1MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEAss6KI6bEsBrv',
          'QvyJgQgC1YhqkoJ2g4UcMpXyG3buJQ4zIHdnnwz43HP2rTktJrCDVVe5hdim8Xz5',
          'ozjJ/hWzOBmz',
          '-----END CERTIFICATE-----',
        ].join('\n'),
      ),
    }),
  },
  {
    // certs: "Maximum call stack size exceeded" from 5,000 concatenated DER certificates (2 MB).
    name: 'thousands of DER certificates back to back (src/sources/tls/decode-certificates.ts)',
    input: async () => {
      const cert = await issueCertificate({
        cn: 'many',
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2027-01-01T00:00:00Z'),
      });
      return {
        kind: 'certificate',
        ext: 'der',
        bytes: Buffer.concat(Array.from({ length: 5000 }, () => cert.der)),
      };
    },
  },
  {
    // fix: exit 70. js-yaml accepts 21 aliases; yaml's toJSON allows count × aliasCount ≤ 100.
    name: 'fix of a document with 11 aliases of an anchor holding 10 aliases (src/fixes/fix-files.ts)',
    input: () =>
      manifest(
        deployment.replace(
          '          securityContext: {runAsUser: 0}\n',
          `          securityContext: {runAsUser: 0}\n          env: [{name: A, value: &a x}]\n          args: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n          command: [${Array(11).fill('*b').join(', ')}]\n`,
        ),
      ),
  },
  {
    // fix: exit 70. The reader refuses the second document; the fixer's toJSON throws on it.
    name: 'fix of a file whose other document has an undefined alias (src/fixes/fix-files.ts)',
    input: () => manifest(`${deployment}---\n[*s]\n`),
  },
  {
    name: 'a vector result item that is null (src/sources/prometheus/client.ts)',
    input: () => prometheus({ status: 'success', data: { resultType: 'vector', result: [null] } }),
  },
  {
    name: 'a matrix point that is null (src/sources/prometheus/client.ts)',
    input: () =>
      prometheus({
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: {}, values: [null] }] },
      }),
  },
  {
    name: 'a series answer with null in the list (src/sources/prometheus/client.ts)',
    input: () => prometheus({ status: 'success', data: [null, {}] }),
  },
  {
    name: 'label values that are not strings (src/sources/prometheus/client.ts)',
    input: () => prometheus({ status: 'success', data: [{ a: 1 }, ''] }),
  },
];

for (const row of FIXED) {
  test(`fuzz regression: ${row.name}`, async () => {
    const found = await runBatch(ctx, [await row.input()]);
    assert.deepEqual(
      found.map((f) => `${crashSignature(f.crash)}: ${f.crash.message}`),
      [],
    );
  });
}
