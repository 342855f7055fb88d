/**
 * Karpenter NodePool and EC2NodeClass (karpenter.sh/v1, karpenter.k8s.aws/v1) for a node mix:
 * the seed's Karpenter lessons in one object — diversified instance families (spot capacity
 * pools dry up one family at a time), spot with on-demand fallback (both capacity types allowed;
 * Karpenter prefers spot and falls back when spot is unavailable), limits (a runaway HPA must
 * not buy a data centre), and consolidation on (WhenEmptyOrUnderutilized) with a disruption
 * budget. Workloads that must stay on on-demand select it with
 * `karpenter.sh/capacity-type: on-demand`; the same NodePool serves them.
 */

export interface NodePoolInput {
  /** NodePool and EC2NodeClass name. */
  name: string;
  /** EKS cluster name, for the discovery tags and the node role. */
  clusterName: string;
  /** Instance families the plan uses or that fit the pods (e.g. m7i, c7g). */
  families: string[];
  architectures: Array<'amd64' | 'arm64'>;
  capacityTypes: Array<'spot' | 'on-demand'>;
  /** Total CPU cores and memory bytes the plan provisions; limits add `headroom`. */
  cpu: number;
  memory: number;
  /** Extra capacity allowed above the plan (default 0.5 = 50%). */
  headroom?: number;
  /** Node IAM role (default KarpenterNodeRole-<cluster>). */
  role?: string;
}

/** Families Karpenter may pick from: the plan's, widened to at least `min` for spot diversification. */
export function diversifyFamilies(
  planned: readonly string[],
  candidates: readonly string[],
  min = 4,
): string[] {
  const out = [...new Set(planned)];
  for (const f of candidates) {
    if (out.length >= min) break;
    if (!out.includes(f)) out.push(f);
  }
  return out.sort();
}

export function buildNodePool(input: NodePoolInput): Record<string, unknown>[] {
  const headroom = input.headroom ?? 0.5;
  const cpuLimit = Math.ceil(input.cpu * (1 + headroom));
  const memLimitGi = Math.ceil((input.memory * (1 + headroom)) / 2 ** 30);
  const role = input.role ?? `KarpenterNodeRole-${input.clusterName}`;
  const nodePool = {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: input.name, labels: { 'app.kubernetes.io/managed-by': 'hindsight' } },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: input.name },
          requirements: [
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...input.capacityTypes] },
            { key: 'kubernetes.io/arch', operator: 'In', values: [...input.architectures] },
            { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
            { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [...input.families] },
          ],
          expireAfter: '720h',
        },
      },
      limits: { cpu: String(cpuLimit), memory: `${memLimitGi}Gi` },
      disruption: {
        consolidationPolicy: 'WhenEmptyOrUnderutilized',
        consolidateAfter: '1m',
        budgets: [{ nodes: '10%' }],
      },
    },
  };
  const nodeClass = {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: input.name, labels: { 'app.kubernetes.io/managed-by': 'hindsight' } },
    spec: {
      role,
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': input.clusterName } }],
      securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': input.clusterName } }],
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
    },
  };
  return [nodePool, nodeClass];
}
