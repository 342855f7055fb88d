/**
 * The CustomResourceDefinitions of the add-ons hindsight reads and generates objects for —
 * Karpenter (NodePool, NodeClaim, EC2NodeClass), the Vertical Pod Autoscaler, KEDA's
 * ScaledObject, the wg-policy PolicyReports and prometheus-operator's monitoring objects — taken from their upstream Go modules through the Go module proxy (the same
 * route as the control-plane binaries) and installed on every platform, so the fixture's
 * Karpenter objects load and generated manifests are validated by a real API server against the
 * real schemas.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { load } from 'js-yaml';
import type { ApiClient } from './apply.ts';

interface CrdSource {
  module: string;
  versionKey: string;
  files: string[];
}

const SOURCES: readonly CrdSource[] = [
  {
    module: 'github.com/aws/karpenter-provider-aws',
    versionKey: 'KARPENTER_VERSION',
    files: [
      'pkg/apis/crds/karpenter.sh_nodepools.yaml',
      'pkg/apis/crds/karpenter.sh_nodeclaims.yaml',
      'pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml',
    ],
  },
  {
    module: 'k8s.io/autoscaler/vertical-pod-autoscaler',
    versionKey: 'VPA_VERSION',
    files: ['deploy/vpa-v1-crd-gen.yaml'],
  },
  {
    module: 'github.com/kedacore/keda/v2',
    versionKey: 'KEDA_VERSION',
    files: ['config/crd/bases/keda.sh_scaledobjects.yaml'],
  },
  {
    // The wg-policy PolicyReport and ClusterPolicyReport, as Kyverno ships them: what
    // `serve --policy-reports` writes and Policy Reporter, k9s and kubectl read.
    module: 'github.com/kyverno/kyverno',
    versionKey: 'KYVERNO_VERSION',
    files: [
      'config/crds/policyreport/wgpolicyk8s.io_policyreports.yaml',
      'config/crds/policyreport/wgpolicyk8s.io_clusterpolicyreports.yaml',
    ],
  },
  {
    // What `alerts lint` and the observability rules read live: prometheus-operator's objects.
    module: 'github.com/prometheus-operator/prometheus-operator',
    versionKey: 'PROMETHEUS_OPERATOR_VERSION',
    files: [
      'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
      'example/prometheus-operator-crd/monitoring.coreos.com_alertmanagerconfigs.yaml',
      'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
      'example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml',
    ],
  },
];

function versionsEnv(): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readFileSync(join(import.meta.dirname, 'versions.env'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) values.set(match[1], match[2]);
  }
  return values;
}

interface Crd {
  kind: string;
  metadata: { name: string };
  spec: { group: string };
}

/** The CRD objects, from the module cache (downloaded through the Go module proxy when missing). */
export function readCrds(): Crd[] {
  const versions = versionsEnv();
  const out: Crd[] = [];
  for (const source of SOURCES) {
    const version = versions.get(source.versionKey);
    if (!version) throw new Error(`testenv/versions.env has no ${source.versionKey}`);
    let json: string;
    try {
      json = execFileSync('go', ['mod', 'download', '-json', `${source.module}@v${version}`], {
        encoding: 'utf8',
        env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-modcacherw' },
        cwd: import.meta.dirname,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      // It exits 1 when it reports an Error, with the JSON still on stdout.
      json = String((error as { stdout?: string }).stdout ?? '');
      if (!json.trim()) throw error;
    }
    // A module whose go.mod asks for a newer Go than the machine's is downloaded but not
    // extracted (Error set, Dir missing); its zip is there, and only YAML is needed from it.
    const info = JSON.parse(json) as { Dir?: string; Zip?: string; Error?: string };
    const zip = info.Zip ? readFileSync(info.Zip) : undefined;
    if (!info.Dir && !zip)
      throw new Error(`go mod download ${source.module}@v${version}: ${info.Error ?? 'nothing downloaded'}`);
    for (const file of source.files) {
      const text = info.Dir
        ? readFileSync(join(info.Dir, file), 'utf8')
        : zipEntry(zip as Buffer, `${source.module}@v${version}/${file}`);
      for (const doc of text.split(/^---\s*$/m)) {
        const object = load(doc) as Crd | null | undefined;
        if (object?.kind === 'CustomResourceDefinition') out.push(object);
      }
    }
  }
  return out;
}

/** One file of a zip archive (stored or deflated), found through the central directory. */
function zipEntry(zip: Buffer, name: string): string {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + nameLength + extra + comment;
  }
  throw new Error(`${name} is not in the module zip`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates the CRDs and waits until each is Established and its group is in discovery. */
export async function installCrds(client: ApiClient, timeoutMs = 60_000): Promise<number> {
  return installCrdObjects(client, readCrds(), timeoutMs);
}

/** Creates these CRDs (an existing one is kept) and waits until each is Established and served. */
export async function installCrdObjects(
  client: ApiClient,
  crds: readonly { metadata: { name: string }; spec: { group: string } }[],
  timeoutMs = 60_000,
): Promise<number> {
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const crd of crds) {
    const res = await client.send('POST', base, crd);
    if (res.status >= 300 && res.status !== 409)
      throw new Error(`creating CRD ${crd.metadata.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  }
  const deadline = performance.now() + timeoutMs;
  for (const crd of crds) {
    for (;;) {
      const current = await client.json<{
        status?: { conditions?: Array<{ type: string; status: string }> };
      }>('GET', `${base}/${crd.metadata.name}`);
      const established = current.status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      );
      const served = established && (await client.send('GET', `/apis/${crd.spec.group}`)).status === 200;
      if (served) break;
      if (performance.now() > deadline)
        throw new Error(`CRD ${crd.metadata.name} not established in ${timeoutMs} ms`);
      await sleep(100);
    }
  }
  return crds.length;
}
