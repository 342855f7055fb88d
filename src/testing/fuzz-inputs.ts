/**
 * Fuzz inputs: seeded, reproducible manifests, certificate bytes and Prometheus answers, generated
 * from scratch or mutated from a corpus of real ones (the example repo, every rule's fixtures,
 * generated certificates). Input `index` of seed `seed` is always the same bytes, whatever ran
 * before it, so a crash found at input 731,402 of a million is replayed alone.
 *
 * A test helper: never imported by product code, so never in the build, used by src/cli/fuzz.test.ts and
 * bench/fuzz.ts through ./fuzz-driver.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { REPO_ROOT } from '../../testenv/paths.ts';
import { issueCertificate } from './test-pki.ts';

/** What a generated input is fed to. */
export type FuzzInput =
  /** A file for the manifest reader (and, through it, rules, reporters, the fixer, `certs`). */
  | { kind: 'manifest'; ext: 'yaml' | 'yml' | 'json'; bytes: Buffer }
  /** A file for the certificate decoders and `certs`. */
  | { kind: 'certificate'; ext: 'pem' | 'crt' | 'der' | 'cer'; bytes: Buffer }
  /** One HTTP answer, given to every Prometheus API call. */
  | { kind: 'prometheus'; status: number; encoding: string; bytes: Buffer };

export type FuzzKind = FuzzInput['kind'];

/** sfc32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** The generator of input `index` of run `seed`: independent of every other input. */
export function inputRandom(seed: number, index: number): () => number {
  // splitmix32 of (seed, index), so neighbouring indexes start far apart.
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aafd) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
  return prng((h ^ (h >>> 15)) >>> 0);
}

class Pick {
  readonly rand: () => number;
  constructor(rand: () => number) {
    this.rand = rand;
  }
  int(max: number): number {
    return Math.floor(this.rand() * max);
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  one<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** The real inputs mutations start from. */
export interface Corpus {
  /** YAML documents (one each) from examples/ and every rule's fixtures. */
  yamlDocuments: string[];
  /** The same, parsed (for structural mutation). */
  objects: unknown[];
  /** PEM texts: certificates, chains, keys. */
  pems: string[];
  /** DER certificates. */
  ders: Buffer[];
}

function yamlFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) found.push(p);
    }
  };
  walk(dir);
  return found;
}

/** Builds the corpus: deterministic (sorted walks; certificates are random, but only mutated). */
export async function loadCorpus(): Promise<Corpus> {
  const yamlDocuments: string[] = [];
  for (const dir of [join(REPO_ROOT, 'examples'), join(REPO_ROOT, 'src', 'rules')]) {
    for (const file of yamlFilesUnder(dir)) {
      for (const chunk of readFileSync(file, 'utf8').split(/^---$/m)) {
        if (chunk.trim() !== '') yamlDocuments.push(chunk.replace(/^\n/, ''));
      }
    }
  }
  const objects: unknown[] = [];
  for (const text of yamlDocuments) {
    try {
      const value = load(text);
      if (value !== null && typeof value === 'object') objects.push(value);
    } catch {
      // A fixture that is broken on purpose: text mutations still use it.
    }
  }
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2027-01-01T00:00:00Z');
  const ca = await issueCertificate({ cn: 'fuzz-ca', notBefore: t0, notAfter: t1, isCa: true });
  const leaf = await issueCertificate({
    cn: 'fuzz-leaf',
    org: 'system:nodes',
    notBefore: t0,
    notAfter: new Date('2026-02-01T00:00:00Z'),
    issuer: ca,
    dnsNames: ['api.example.test', '*.svc'],
    ips: ['10.0.0.1'],
  });
  const expired = await issueCertificate({
    cn: 'fuzz-old',
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2021-01-01T00:00:00Z'),
    issuer: ca,
  });
  return {
    yamlDocuments,
    objects,
    pems: [ca.pem, leaf.pem, `${leaf.pem}${ca.pem}`, leaf.keyPem, `${expired.pem}${leaf.keyPem}${ca.pem}`],
    ders: [ca.der, leaf.der, expired.der],
  };
}

// ——— values and tokens that break parsers and rules ———

const WEIRD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  -1e-308,
  2 ** 53 + 1,
  '',
  'x',
  true,
  false,
  [],
  {},
  [null],
  [[[]]],
  { a: [1, { b: null }] },
  '0',
  'ALL',
  '1Gi',
  '-5m',
  '1e400',
  'NaN',
  '+Inf',
  '0x1F',
  '1.5.6',
  '999999999999999999999Ei',
  '2026-13-45T99:99:99Z',
  'a'.repeat(5000),
  '\u0000',
  '\ud800',
  '𝒳𝒴',
  '\u202e',
  '../../etc/passwd',
  '*',
  'image:tag@sha256:zz',
  'host:99999',
  { __proto__: null, constructor: 'x' },
  { toString: 1, valueOf: [] },
];

const WEIRD_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  '0',
  'kind',
  'metadata',
];

const TEXT_TOKENS = [
  '\n',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '<<: *a\n',
  '!!binary ',
  '!!js/function ',
  '!custom ',
  '? ',
  '\t',
  '\r',
  '\r\n',
  '\n---\n',
  '\n...\n',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '"',
  "'",
  '|',
  '>-',
  '#',
  '\\',
  '\u2028',
  '\ufeff',
  '\u0085',
  '\u0000',
  '\u001b[31m',
  'null',
  '~',
  '1e400',
  '-.inf',
  '.nan',
  'yes',
  '0o777',
  '"\\ud800"',
  '"\\u0000"',
  '𝒳',
  'apiVersion: v1\n',
  'kind: List\n',
  'items: ',
  'metadata:\n  name: x\n',
];

/** Deep nesting in the shapes parsers recurse on. */
function deepNesting(pick: Pick): string {
  const depth = pick.one([50, 999, 1000, 1001, 1002, 5000, 100_000]);
  switch (pick.int(6)) {
    case 0:
      return `${'['.repeat(depth)}${pick.chance(0.5) ? ']'.repeat(depth) : ''}`;
    case 1:
      return `${'- '.repeat(depth)}x\n`;
    case 2:
      return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    case 3:
      return `${'{a: '.repeat(depth)}1${'}'.repeat(pick.chance(0.5) ? depth : 0)}`;
    case 4: {
      // Block mappings: indentation grows with depth, so keep the text small.
      const n = Math.min(depth, 1500);
      const lines: string[] = [];
      for (let i = 0; i < n; i++) lines.push(`${' '.repeat(i)}a:`);
      return `${lines.join('\n')} 1\n`;
    }
    default:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  }
}

/** Anchors and aliases: laughs, cycles, self-references, merges. */
function aliasStructure(pick: Pick): string {
  switch (pick.int(5)) {
    case 0: {
      const levels = 2 + pick.int(60);
      const lines = [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: laughs',
        'data:',
        '  l0: &l0 [x, x]',
      ];
      for (let i = 1; i < levels; i++) lines.push(`  l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
      return `${lines.join('\n')}\n`;
    }
    case 1:
      return 'apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: p\n  self: *m\nspec: &s\n  containers: [*s]\n';
    case 2:
      return 'a: &a {b: *a}\n';
    case 3: {
      const n = 1 + pick.int(30);
      const body = Array.from({ length: n }, () => '*b').join(', ');
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop, annotations: {a: &a x}}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.0\n        args: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n        command: [${body}]\n`;
    }
    default:
      return 'base: &base {cpu: 1}\nderived:\n  <<: *base\n  <<: *base\n  cpu: 2\n';
  }
}

function randomBytes(pick: Pick, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = pick.int(256);
  return out;
}

/** Replaces one random node of a parsed object by a weird value, renames a key, or deletes it. */
function mutateValue(value: unknown, pick: Pick, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 12) return pick.one(WEIRD_VALUES);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return pick.one(WEIRD_VALUES);
  const key = pick.one(keys);
  const target = copy as Record<string, unknown>;
  const r = pick.rand();
  if (r < 0.12) delete target[key];
  else if (r < 0.2 && !Array.isArray(copy)) {
    Object.defineProperty(target, pick.one(WEIRD_KEYS), {
      value: target[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (r < 0.6) target[key] = mutateValue(target[key], pick, depth + 1);
  else target[key] = pick.one(WEIRD_VALUES);
  return copy;
}

function mutateText(text: string, pick: Pick): string {
  const lines = text.split('\n');
  const at = pick.int(text.length + 1);
  switch (pick.int(12)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + pick.one(TEXT_TOKENS) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + pick.int(40));
    case 3: {
      // A repeated line: a duplicate key where the line is one.
      const i = pick.int(lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 4: {
      const i = pick.int(lines.length);
      const j = pick.int(lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 5: {
      const i = pick.int(lines.length);
      lines[i] = `${' '.repeat(1 + pick.int(6))}${lines[i] ?? ''}`;
      return lines.join('\n');
    }
    case 6:
      return text.replace(/: /g, ':');
    case 7:
      return text.replace(/\n/g, '\r\n');
    case 8:
      return `\ufeff${text}`;
    case 9:
      return `${text}\n---\n${text}`;
    case 10:
      return text.replace(/^(\s*)(\w+):/m, '$1$2: &a\n$1dup: *a\n$1$2:');
    default:
      return text.slice(0, at) + String.fromCharCode(pick.int(0x110)) + text.slice(at + 1);
  }
}

function mutateBytes(bytes: Buffer, pick: Pick): Buffer {
  const out = Buffer.from(bytes);
  switch (pick.int(6)) {
    case 0:
      return out.subarray(0, pick.int(out.length + 1));
    case 1: {
      for (let n = 1 + pick.int(4); n > 0 && out.length > 0; n--) out[pick.int(out.length)] = pick.int(256);
      return out;
    }
    case 2: {
      // ASN.1 lengths: long forms that promise more than there is.
      const i = pick.int(Math.max(1, out.length));
      return Buffer.concat([
        out.subarray(0, i),
        Buffer.from([0x84, 0xff, 0xff, 0xff, 0xf0]),
        out.subarray(i + 1),
      ]);
    }
    case 3:
      return Buffer.concat([out, randomBytes(pick, pick.int(64))]);
    case 4: {
      const i = pick.int(Math.max(1, out.length));
      return Buffer.concat([out.subarray(0, i), out.subarray(i + 1 + pick.int(16))]);
    }
    default:
      return Buffer.concat([out.subarray(0, pick.int(out.length + 1)), out]);
  }
}

function manifestInput(pick: Pick, corpus: Corpus): FuzzInput {
  const r = pick.rand();
  let text: string;
  let ext: 'yaml' | 'yml' | 'json' = pick.chance(0.8) ? 'yaml' : 'json';
  if (r < 0.4 && corpus.objects.length > 0) {
    let value: unknown = pick.chance(0.15) ? certificateObject(pick, corpus) : pick.one(corpus.objects);
    for (let m = 1 + pick.int(4); m > 0; m--) value = mutateValue(value, pick);
    if (pick.chance(0.15))
      value = { apiVersion: 'v1', kind: 'List', items: [value, pick.one(corpus.objects)] };
    try {
      text = ext === 'json' ? JSON.stringify(value ?? null) : dump(value ?? null, { noRefs: true });
    } catch {
      text = JSON.stringify(String(value));
    }
  } else if (r < 0.8) {
    text = pick.one(corpus.yamlDocuments);
    for (let m = 1 + pick.int(3); m > 0; m--) text = mutateText(text, pick);
    ext = pick.chance(0.9) ? 'yaml' : 'json';
  } else if (r < 0.86) {
    text = deepNesting(pick);
  } else if (r < 0.93) {
    text = aliasStructure(pick);
    if (pick.chance(0.3)) text = mutateText(text, pick);
  } else if (r < 0.96) {
    // Duplicate keys in JSON, where JSON.parse would merge them.
    const obj = JSON.stringify(pick.one(corpus.objects) ?? {});
    text = obj.replace(/\{"(\w+)":/, (_m, k: string) => `{"${k}":null,"${k}":`);
    ext = 'json';
  } else {
    const bytes = pick.chance(0.5)
      ? randomBytes(pick, pick.int(4096))
      : Buffer.concat([Buffer.from(pick.one(corpus.yamlDocuments)), randomBytes(pick, 1 + pick.int(8))]);
    return { kind: 'manifest', ext: pick.chance(0.5) ? 'yaml' : 'yml', bytes };
  }
  let bytes: Buffer = Buffer.from(text);
  if (pick.chance(0.05)) bytes = mutateBytes(bytes, pick);
  if (pick.chance(0.01)) bytes = Buffer.from(text, 'utf16le');
  return { kind: 'manifest', ext, bytes };
}

/** Certificate bytes as they appear inside objects: base64 of PEM or DER, whole or mutated. */
function embeddedCertificate(pick: Pick, corpus: Corpus): string {
  const raw = pick.chance(0.5) ? Buffer.from(pick.one(corpus.pems)) : pick.one(corpus.ders);
  const bytes = pick.chance(0.6) ? mutateBytes(raw, pick) : raw;
  return pick.chance(0.9) ? bytes.toString('base64') : bytes.toString('latin1');
}

/** Objects `certs` reads certificates from: TLS Secrets, kubeconfigs, webhooks, APIServices. */
function certificateObject(pick: Pick, corpus: Corpus): unknown {
  switch (pick.int(4)) {
    case 0:
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name: 'tls', namespace: 'shop' },
        data: { 'tls.crt': embeddedCertificate(pick, corpus), 'ca.crt': embeddedCertificate(pick, corpus) },
      };
    case 1:
      return {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'c',
            cluster: pick.chance(0.5)
              ? {
                  server: 'https://127.0.0.1:6443',
                  'certificate-authority-data': embeddedCertificate(pick, corpus),
                }
              : {
                  server: 'https://127.0.0.1:6443',
                  // Files a kubeconfig may point at: devices and FIFOs must not be read.
                  'certificate-authority': pick.one([
                    '/dev/zero',
                    '/dev/urandom',
                    '/dev/null',
                    '/proc/self/status',
                    'missing.crt',
                    '.',
                  ]),
                },
          },
        ],
        users: [{ name: 'u', user: { 'client-certificate-data': embeddedCertificate(pick, corpus) } }],
      };
    case 2:
      return {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'hook' },
        webhooks: [
          {
            name: 'a.example.com',
            clientConfig: {
              caBundle: embeddedCertificate(pick, corpus),
              service: { name: 's', namespace: 'n', port: 443 },
            },
          },
        ],
      };
    default:
      return {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1.metrics.k8s.io' },
        spec: {
          caBundle: embeddedCertificate(pick, corpus),
          service: { name: 'metrics', namespace: 'kube-system' },
        },
      };
  }
}

function pemArmour(label: string, body: Buffer): string {
  const base64 = body.toString('base64');
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----\n`;
}

function certificateInput(pick: Pick, corpus: Corpus): FuzzInput {
  const der = pick.one(corpus.ders);
  let bytes: Buffer;
  switch (pick.int(8)) {
    case 0:
      bytes = mutateBytes(der, pick);
      break;
    case 1:
      bytes = Buffer.from(pemArmour('CERTIFICATE', mutateBytes(der, pick)));
      break;
    case 2:
      bytes = Buffer.from(mutateText(pick.one(corpus.pems), pick));
      break;
    case 3:
      bytes = Buffer.from(
        pemArmour(
          pick.one([
            'CERTIFICATE',
            'X509 CRL',
            'PKCS12',
            'TRUSTED CERTIFICATE',
            'RSA PRIVATE KEY',
            'FOO BAR',
            '',
          ]),
          pick.chance(0.5) ? der : randomBytes(pick, pick.int(600)),
        ),
      );
      break;
    case 4:
      bytes = Buffer.from(mutateBytes(der, pick).toString('base64'));
      break;
    case 5:
      bytes = Buffer.from(Buffer.from(pick.one(corpus.pems)).toString('base64'));
      break;
    case 6:
      // Now and then thousands of DER certificates back to back (a decoder that recursed per
      // certificate ran out of stack); usually random bytes.
      bytes = pick.chance(0.01)
        ? Buffer.concat(Array.from({ length: 12_000 }, () => der))
        : randomBytes(pick, pick.int(2048));
      break;
    default:
      bytes = Buffer.from(
        `${pick.one(corpus.pems)}-----BEGIN CERTIFICATE-----\n${'A'.repeat(pick.int(5000))}`,
      );
  }
  return { kind: 'certificate', ext: pick.one(['pem', 'crt', 'der', 'cer'] as const), bytes };
}

function randomLabels(pick: Pick): unknown {
  if (pick.chance(0.05)) return pick.one(WEIRD_VALUES);
  const labels: Record<string, unknown> = {};
  for (let n = pick.int(6); n > 0; n--) {
    const key = pick.one([
      '__name__',
      'namespace',
      'pod',
      'container',
      'owner_kind',
      'owner_name',
      'owner_is_controller',
      'replicaset',
      'job_name',
      'resource',
      'reason',
      'job',
      ...WEIRD_KEYS,
    ]);
    labels[key] = pick.chance(0.9)
      ? pick.one([
          'kube_pod_owner',
          'kube_replicaset_owner',
          'kube_job_owner',
          'ns',
          'web',
          'ReplicaSet',
          'Job',
          '<none>',
          'true',
          'cpu',
          'memory',
          'OOMKilled',
          'c',
        ])
      : pick.one(WEIRD_VALUES);
  }
  return labels;
}

function sampleValue(pick: Pick): unknown {
  if (pick.chance(0.1)) return pick.one(WEIRD_VALUES);
  return [
    pick.chance(0.9) ? 1_700_000_000 + pick.int(1_000_000) : pick.one(WEIRD_VALUES),
    pick.chance(0.9)
      ? pick.one(['0', '1', '0.5', '1e9', 'NaN', '+Inf', '-Inf', '123456789'])
      : pick.one(WEIRD_VALUES),
  ];
}

function prometheusData(pick: Pick): unknown {
  switch (pick.int(5)) {
    case 0:
      return {
        resultType: 'vector',
        result: Array.from({ length: pick.int(5) }, () =>
          pick.chance(0.95)
            ? { metric: randomLabels(pick), value: sampleValue(pick) }
            : pick.one(WEIRD_VALUES),
        ),
      };
    case 1:
      return {
        resultType: 'matrix',
        result: Array.from({ length: pick.int(5) }, () =>
          pick.chance(0.95)
            ? {
                metric: randomLabels(pick),
                values: pick.chance(0.95)
                  ? Array.from({ length: pick.int(8) }, () => sampleValue(pick))
                  : pick.one(WEIRD_VALUES),
              }
            : pick.one(WEIRD_VALUES),
        ),
      };
    case 2:
      return { resultType: 'scalar', result: sampleValue(pick) };
    case 3:
      // series and label values: lists of label sets or of strings.
      return Array.from({ length: pick.int(6) }, () =>
        pick.chance(0.5) ? randomLabels(pick) : pick.one(['ns', 'kube-system', '']),
      );
    default:
      return pick.one(WEIRD_VALUES);
  }
}

function prometheusInput(pick: Pick): FuzzInput {
  const envelope: Record<string, unknown> = {
    status: pick.chance(0.85) ? 'success' : pick.one(['error', '', 'x', null]),
    data: prometheusData(pick),
  };
  if (pick.chance(0.1)) envelope.warnings = pick.chance(0.5) ? ['partial response'] : pick.one(WEIRD_VALUES);
  if (pick.chance(0.1)) envelope.stats = { samples: { totalQueryableSamples: pick.one(WEIRD_VALUES) } };
  if (envelope.status !== 'success') {
    envelope.errorType = pick.one(['bad_data', 'timeout', 1, null]);
    envelope.error = pick.one(['parse error', '', null, { a: 1 }]);
  }
  let text = JSON.stringify(envelope);
  if (pick.chance(0.15)) text = mutateText(text, pick);
  const status = pick.chance(0.8) ? 200 : pick.one([204, 400, 401, 404, 422, 429, 500, 502, 503, 504]);
  const encoding = pick.chance(0.97) ? '' : pick.one(['gzip', 'deflate', 'br', 'x-unknown']);
  return { kind: 'prometheus', status, encoding, bytes: Buffer.from(text) };
}

/** Shares of each kind in a run; the rest are manifests. */
const CERTIFICATE_SHARE = 0.15;
const PROMETHEUS_SHARE = 0.1;

/** Input `index` of run `seed`. */
export function generateInput(seed: number, index: number, corpus: Corpus): FuzzInput {
  const pick = new Pick(inputRandom(seed, index));
  const r = pick.rand();
  if (r < PROMETHEUS_SHARE) return prometheusInput(pick);
  if (r < PROMETHEUS_SHARE + CERTIFICATE_SHARE) return certificateInput(pick, corpus);
  return manifestInput(pick, corpus);
}
