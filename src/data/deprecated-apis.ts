/**
 * API versions that are deprecated or removed, for Kubernetes itself and for the CRDs of the
 * tools the post runs on (Flux, Karpenter): group/version/kind → when it was deprecated, when it
 * stops being served, what replaces it, and whether moving is a pure apiVersion change.
 *
 * Sources:
 * - Kubernetes "Deprecated API Migration Guide" (kubernetes.io/docs/reference/using-api/deprecation-guide/)
 *   for every removal from 1.16 to 1.32 and the notable changes of each replacement;
 * - FairwindsOps/pluto `versions.yaml` and doitintl/kube-no-trouble's rego rules for the
 *   deprecation releases the guide does not state;
 * - Dynamic Resource Allocation: kubernetes PRs #127511 (v1beta1 in 1.32, v1alpha3 kept),
 *   #132000 (v1alpha3 reduced to DeviceTaintRule in 1.34), #132706 (v1 GA in 1.34) and the
 *   API server's warning "resource.k8s.io/v1beta1 … is deprecated in v1.35+, unavailable in
 *   v1.38+"; v1beta2 follows the same prerelease lifecycle (introduced 1.33, +3 releases each);
 * - StorageVersionMigration v1alpha1 removed in 1.35 (pluto v5.24 `versions.yaml`);
 * - Flux: helm-controller PR #1396 ("API v2beta1 was removed in Flux 2.7"), flux2 issues #5474
 *   (v1beta1/v2beta1 removals) and #5711 (v1beta2/v2beta2 removals, shipped in Flux 2.8), the
 *   v2.0/v2.2/v2.3/v2.6 release notes for when each GA API arrived;
 * - Karpenter: the v1beta1 migration guide (v1alpha5 deprecated in v0.32, gone in v0.33) and the
 *   v1 upgrade guide (v1beta1 still served by v1.0, dropped in v1.1).
 *
 * Versions are `major.minor` of the component named by `component`.
 */

export type ApiComponent = 'kubernetes' | 'flux' | 'karpenter';

/**
 * How a manifest moves to the replacement:
 * - `rename`: same schema, change `apiVersion` only;
 * - `rename-with-selector`: same schema once `spec.selector` is set (apps/v1 requires it);
 * - `rename-with-nonempty-selector`: same meaning unless `spec.selector` is empty (policy/v1
 *   reads an empty selector as "every pod in the namespace", policy/v1beta1 as "none");
 * - `rewrite`: fields moved or changed: see `note`;
 * - `none`: there is no replacement API.
 */
export type Migration =
  | 'rename'
  | 'rename-with-selector'
  | 'rename-with-nonempty-selector'
  | 'rewrite'
  | 'none';

export interface DeprecatedApi {
  component: ApiComponent;
  /** API group, '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Release that deprecated it; absent for alpha APIs, which are withdrawn without notice. */
  deprecatedIn?: string;
  /** First release that no longer serves it. */
  removedIn?: string;
  replacement?: { apiVersion: string; kind?: string };
  migration: Migration;
  /** What changes when moving, for `rewrite` and `none` (and for a `rename` that drops a field set). */
  note?: string;
  /** Fields the replacement does not have: a `rename` is safe only when the object sets none of them. */
  droppedFields?: string[][];
}

type Row = Omit<DeprecatedApi, 'component' | 'group' | 'version' | 'kind'>;

function rows(component: ApiComponent, apiVersion: string, kinds: string[], row: Row): DeprecatedApi[] {
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  return kinds.map((kind) => ({ component, group, version, kind, ...row }));
}

const k8s = (apiVersion: string, kinds: string[], row: Row) => rows('kubernetes', apiVersion, kinds, row);
const flux = (apiVersion: string, kinds: string[], row: Row) => rows('flux', apiVersion, kinds, row);
const karpenter = (apiVersion: string, kinds: string[], row: Row) =>
  rows('karpenter', apiVersion, kinds, row);

/**
 * DRA alpha and beta to v1, from `resource/{v1alpha3,v1beta1,v1}/types.go` of k8s.io/api (the
 * github.com/kubernetes/api copy of staging/src/k8s.io/api: tags v0.31.0 and v0.32.0, master at
 * 10b39a3): DeviceClassSpec is the same in each (selectors,
 * config, later extendedResourceName) except v1alpha3's suitableNodes, which 1.32 dropped; a
 * claim's device request and a slice's device changed shape.
 */
const DRA_CLAIM_NOTE = "v1 nests a request's deviceClassName, selectors and allocationMode under exactly";
const DRA_SLICE_NOTE =
  "v1 drops a device's basic wrapper: its attributes and capacity sit on the device itself";
const APPS_V1 = { apiVersion: 'apps/v1' };
const APPS_NOTE =
  'apps/v1 requires spec.selector (immutable; use the template labels) and changes defaults (RollingUpdate for DaemonSets, revisionHistoryLimit 10, progressDeadlineSeconds 600)';
const INGRESS_NOTE =
  'networking.k8s.io/v1 renames spec.backend to spec.defaultBackend, serviceName/servicePort to service.name and service.port.number|name, and requires pathType on every path (ImplementationSpecific matches the old behaviour)';
const HPA_V2BETA1_NOTE =
  'autoscaling/v2 moves metric targets into target: {type, averageUtilization|averageValue|value} (targetAverageUtilization becomes target.averageUtilization)';
const PLC_NOTE =
  'flowcontrol v1 renames spec.limited.assuredConcurrencyShares to nominalConcurrencyShares and no longer turns an explicit 0 into 30';
const FLUX_MIGRATE =
  'run `flux migrate` for the objects stored in the cluster, and update the manifests in git (deprecated fields were dropped)';

export const DEPRECATED_APIS: readonly DeprecatedApi[] = [
  // Removed in 1.16
  ...k8s('extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], {
    deprecatedIn: '1.9',
    removedIn: '1.16',
    replacement: APPS_V1,
    migration: 'rename-with-selector',
    note: APPS_NOTE,
  }),
  ...k8s('apps/v1beta1', ['Deployment', 'StatefulSet', 'ReplicaSet'], {
    deprecatedIn: '1.9',
    removedIn: '1.16',
    replacement: APPS_V1,
    migration: 'rename-with-selector',
    note: APPS_NOTE,
  }),
  ...k8s('apps/v1beta2', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], {
    deprecatedIn: '1.9',
    removedIn: '1.16',
    replacement: APPS_V1,
    migration: 'rename-with-selector',
    note: APPS_NOTE,
  }),
  ...k8s('extensions/v1beta1', ['NetworkPolicy'], {
    deprecatedIn: '1.9',
    removedIn: '1.16',
    replacement: { apiVersion: 'networking.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('extensions/v1beta1', ['PodSecurityPolicy'], {
    deprecatedIn: '1.10',
    removedIn: '1.16',
    migration: 'none',
    note: 'PodSecurityPolicy is gone since 1.25: enforce the Pod Security Standards with Pod Security Admission namespace labels (pod-security.kubernetes.io/enforce) or a policy engine',
  }),
  // Removed in 1.17
  ...k8s('scheduling.k8s.io/v1alpha1', ['PriorityClass'], {
    removedIn: '1.17',
    replacement: { apiVersion: 'scheduling.k8s.io/v1' },
    migration: 'rename',
  }),
  // Removed in 1.22
  ...k8s(
    'admissionregistration.k8s.io/v1beta1',
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    {
      deprecatedIn: '1.16',
      removedIn: '1.22',
      replacement: { apiVersion: 'admissionregistration.k8s.io/v1' },
      migration: 'rewrite',
      note: 'v1 requires sideEffects (None or NoneOnDryRun) and admissionReviewVersions, and defaults failurePolicy to Fail, matchPolicy to Equivalent and timeoutSeconds to 10',
    },
  ),
  ...k8s('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], {
    deprecatedIn: '1.16',
    removedIn: '1.22',
    replacement: { apiVersion: 'apiextensions.k8s.io/v1' },
    migration: 'rewrite',
    note: 'v1 requires spec.scope and a structural spec.versions[*].schema.openAPIV3Schema, and moves validation, subresources and printer columns under each version',
  }),
  ...k8s('apiregistration.k8s.io/v1beta1', ['APIService'], {
    deprecatedIn: '1.10',
    removedIn: '1.22',
    replacement: { apiVersion: 'apiregistration.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('authentication.k8s.io/v1beta1', ['TokenReview'], {
    deprecatedIn: '1.6',
    removedIn: '1.22',
    replacement: { apiVersion: 'authentication.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s(
    'authorization.k8s.io/v1beta1',
    ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview'],
    {
      deprecatedIn: '1.19',
      removedIn: '1.22',
      replacement: { apiVersion: 'authorization.k8s.io/v1' },
      migration: 'rewrite',
      note: 'v1 renames spec.group to spec.groups',
    },
  ),
  ...k8s('certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], {
    deprecatedIn: '1.19',
    removedIn: '1.22',
    replacement: { apiVersion: 'certificates.k8s.io/v1' },
    migration: 'rewrite',
    note: 'v1 requires spec.signerName (not kubernetes.io/legacy-unknown) and spec.usages',
  }),
  ...k8s('coordination.k8s.io/v1beta1', ['Lease'], {
    deprecatedIn: '1.14',
    removedIn: '1.22',
    replacement: { apiVersion: 'coordination.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('extensions/v1beta1', ['Ingress'], {
    deprecatedIn: '1.14',
    removedIn: '1.22',
    replacement: { apiVersion: 'networking.k8s.io/v1' },
    migration: 'rewrite',
    note: INGRESS_NOTE,
  }),
  ...k8s('networking.k8s.io/v1beta1', ['Ingress'], {
    deprecatedIn: '1.19',
    removedIn: '1.22',
    replacement: { apiVersion: 'networking.k8s.io/v1' },
    migration: 'rewrite',
    note: INGRESS_NOTE,
  }),
  ...k8s('networking.k8s.io/v1beta1', ['IngressClass'], {
    deprecatedIn: '1.19',
    removedIn: '1.22',
    replacement: { apiVersion: 'networking.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('rbac.authorization.k8s.io/v1alpha1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], {
    deprecatedIn: '1.17',
    removedIn: '1.22',
    replacement: { apiVersion: 'rbac.authorization.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('rbac.authorization.k8s.io/v1beta1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], {
    deprecatedIn: '1.17',
    removedIn: '1.22',
    replacement: { apiVersion: 'rbac.authorization.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('scheduling.k8s.io/v1beta1', ['PriorityClass'], {
    deprecatedIn: '1.14',
    removedIn: '1.22',
    replacement: { apiVersion: 'scheduling.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('storage.k8s.io/v1beta1', ['StorageClass'], {
    deprecatedIn: '1.6',
    removedIn: '1.22',
    replacement: { apiVersion: 'storage.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('storage.k8s.io/v1beta1', ['VolumeAttachment'], {
    deprecatedIn: '1.13',
    removedIn: '1.22',
    replacement: { apiVersion: 'storage.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('storage.k8s.io/v1beta1', ['CSINode'], {
    deprecatedIn: '1.17',
    removedIn: '1.22',
    replacement: { apiVersion: 'storage.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('storage.k8s.io/v1beta1', ['CSIDriver'], {
    deprecatedIn: '1.19',
    removedIn: '1.22',
    replacement: { apiVersion: 'storage.k8s.io/v1' },
    migration: 'rename',
  }),
  // Removed in 1.25
  ...k8s('batch/v1beta1', ['CronJob'], {
    deprecatedIn: '1.21',
    removedIn: '1.25',
    replacement: { apiVersion: 'batch/v1' },
    migration: 'rename',
  }),
  ...k8s('discovery.k8s.io/v1beta1', ['EndpointSlice'], {
    deprecatedIn: '1.21',
    removedIn: '1.25',
    replacement: { apiVersion: 'discovery.k8s.io/v1' },
    migration: 'rewrite',
    note: 'v1 uses each endpoint\'s nodeName and zone instead of topology["kubernetes.io/hostname"] and topology["topology.kubernetes.io/zone"]',
  }),
  ...k8s('events.k8s.io/v1beta1', ['Event'], {
    deprecatedIn: '1.19',
    removedIn: '1.25',
    replacement: { apiVersion: 'events.k8s.io/v1' },
    migration: 'rewrite',
    note: 'v1 renames involvedObject to regarding and requires reportingController, reportingInstance, action and reason',
  }),
  ...k8s('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], {
    deprecatedIn: '1.22',
    removedIn: '1.25',
    replacement: { apiVersion: 'autoscaling/v2' },
    migration: 'rewrite',
    note: HPA_V2BETA1_NOTE,
  }),
  ...k8s('policy/v1beta1', ['PodDisruptionBudget'], {
    deprecatedIn: '1.21',
    removedIn: '1.25',
    replacement: { apiVersion: 'policy/v1' },
    migration: 'rename-with-nonempty-selector',
    note: 'an empty spec.selector ({}) selects no pods in policy/v1beta1 but every pod in the namespace in policy/v1',
  }),
  ...k8s('policy/v1beta1', ['PodSecurityPolicy'], {
    deprecatedIn: '1.21',
    removedIn: '1.25',
    migration: 'none',
    note: 'enforce the Pod Security Standards with Pod Security Admission namespace labels (pod-security.kubernetes.io/enforce) or a policy engine',
  }),
  ...k8s('node.k8s.io/v1beta1', ['RuntimeClass'], {
    deprecatedIn: '1.22',
    removedIn: '1.25',
    replacement: { apiVersion: 'node.k8s.io/v1' },
    migration: 'rename',
  }),
  // Removed in 1.26
  ...k8s('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], {
    deprecatedIn: '1.23',
    removedIn: '1.26',
    replacement: { apiVersion: 'autoscaling/v2' },
    migration: 'rename',
  }),
  ...k8s('flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema'], {
    deprecatedIn: '1.23',
    removedIn: '1.26',
    replacement: { apiVersion: 'flowcontrol.apiserver.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('flowcontrol.apiserver.k8s.io/v1beta1', ['PriorityLevelConfiguration'], {
    deprecatedIn: '1.23',
    removedIn: '1.26',
    replacement: { apiVersion: 'flowcontrol.apiserver.k8s.io/v1' },
    migration: 'rewrite',
    note: PLC_NOTE,
  }),
  // Removed in 1.27
  ...k8s('storage.k8s.io/v1beta1', ['CSIStorageCapacity'], {
    deprecatedIn: '1.24',
    removedIn: '1.27',
    replacement: { apiVersion: 'storage.k8s.io/v1' },
    migration: 'rename',
  }),
  // Removed in 1.29
  ...k8s('flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema'], {
    deprecatedIn: '1.26',
    removedIn: '1.29',
    replacement: { apiVersion: 'flowcontrol.apiserver.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('flowcontrol.apiserver.k8s.io/v1beta2', ['PriorityLevelConfiguration'], {
    deprecatedIn: '1.26',
    removedIn: '1.29',
    replacement: { apiVersion: 'flowcontrol.apiserver.k8s.io/v1' },
    migration: 'rewrite',
    note: PLC_NOTE,
  }),
  // Removed in 1.31 and later: Dynamic Resource Allocation
  ...k8s(
    'resource.k8s.io/v1alpha2',
    [
      'ResourceClass',
      'ResourceClaim',
      'ResourceClaimTemplate',
      'PodSchedulingContext',
      'ResourceSlice',
      'ResourceClaimParameters',
      'ResourceClassParameters',
    ],
    {
      removedIn: '1.31',
      replacement: { apiVersion: 'resource.k8s.io/v1' },
      migration: 'rewrite',
      note: 'classic DRA was withdrawn: structured parameters (DeviceClass, ResourceClaim with device requests, ResourceSlice) replace ResourceClass and the parameter objects',
    },
  ),
  // Removed in 1.32
  ...k8s('flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], {
    deprecatedIn: '1.29',
    removedIn: '1.32',
    replacement: { apiVersion: 'flowcontrol.apiserver.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('resource.k8s.io/v1alpha3', ['PodSchedulingContext'], {
    removedIn: '1.32',
    migration: 'none',
    note: 'PodSchedulingContext belonged to classic DRA, withdrawn in 1.32: the scheduler allocates structured-parameter claims itself',
  }),
  ...k8s('resource.k8s.io/v1alpha3', ['DeviceClass'], {
    removedIn: '1.34',
    replacement: { apiVersion: 'resource.k8s.io/v1' },
    migration: 'rename',
    droppedFields: [['spec', 'suitableNodes']],
    note: 'spec.suitableNodes (1.31 only) has no successor in v1: delete it; ResourceSlices say which nodes have the devices',
  }),
  ...k8s('resource.k8s.io/v1alpha3', ['ResourceClaim', 'ResourceClaimTemplate'], {
    removedIn: '1.34',
    replacement: { apiVersion: 'resource.k8s.io/v1' },
    migration: 'rewrite',
    note: DRA_CLAIM_NOTE,
  }),
  ...k8s('resource.k8s.io/v1alpha3', ['ResourceSlice'], {
    removedIn: '1.34',
    replacement: { apiVersion: 'resource.k8s.io/v1' },
    migration: 'rewrite',
    note: DRA_SLICE_NOTE,
  }),
  ...k8s('resource.k8s.io/v1beta1', ['DeviceClass'], {
    deprecatedIn: '1.35',
    removedIn: '1.38',
    replacement: { apiVersion: 'resource.k8s.io/v1' },
    migration: 'rename',
  }),
  ...k8s('resource.k8s.io/v1beta1', ['ResourceClaim', 'ResourceClaimTemplate'], {
    deprecatedIn: '1.35',
    removedIn: '1.38',
    replacement: { apiVersion: 'resource.k8s.io/v1' },
    migration: 'rewrite',
    note: DRA_CLAIM_NOTE,
  }),
  ...k8s('resource.k8s.io/v1beta1', ['ResourceSlice'], {
    deprecatedIn: '1.35',
    removedIn: '1.38',
    replacement: { apiVersion: 'resource.k8s.io/v1' },
    migration: 'rewrite',
    note: DRA_SLICE_NOTE,
  }),
  ...k8s(
    'resource.k8s.io/v1beta2',
    ['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'],
    {
      deprecatedIn: '1.36',
      removedIn: '1.39',
      replacement: { apiVersion: 'resource.k8s.io/v1' },
      migration: 'rename',
    },
  ),
  ...k8s('storagemigration.k8s.io/v1alpha1', ['StorageVersionMigration'], {
    removedIn: '1.35',
    replacement: { apiVersion: 'storagemigration.k8s.io/v1beta1' },
    migration: 'rewrite',
    note: 'a StorageVersionMigration runs once: create new ones with the beta API rather than converting old ones',
  }),

  // Flux
  ...flux('helm.toolkit.fluxcd.io/v2beta1', ['HelmRelease'], {
    deprecatedIn: '2.2',
    removedIn: '2.7',
    replacement: { apiVersion: 'helm.toolkit.fluxcd.io/v2' },
    migration: 'rewrite',
    note: FLUX_MIGRATE,
  }),
  ...flux('helm.toolkit.fluxcd.io/v2beta2', ['HelmRelease'], {
    deprecatedIn: '2.3',
    removedIn: '2.8',
    replacement: { apiVersion: 'helm.toolkit.fluxcd.io/v2' },
    migration: 'rewrite',
    note: FLUX_MIGRATE,
  }),
  ...flux('kustomize.toolkit.fluxcd.io/v1beta1', ['Kustomization'], {
    deprecatedIn: '2.0',
    removedIn: '2.7',
    replacement: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1' },
    migration: 'rewrite',
    note: FLUX_MIGRATE,
  }),
  ...flux('kustomize.toolkit.fluxcd.io/v1beta2', ['Kustomization'], {
    deprecatedIn: '2.0',
    removedIn: '2.8',
    replacement: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1' },
    migration: 'rewrite',
    note: `${FLUX_MIGRATE}; v1 replaces patchesStrategicMerge and patchesJson6902 with patches`,
  }),
  ...flux('source.toolkit.fluxcd.io/v1beta1', ['GitRepository', 'HelmRepository', 'HelmChart', 'Bucket'], {
    deprecatedIn: '2.0',
    removedIn: '2.7',
    replacement: { apiVersion: 'source.toolkit.fluxcd.io/v1' },
    migration: 'rewrite',
    note: FLUX_MIGRATE,
  }),
  ...flux('source.toolkit.fluxcd.io/v1beta2', ['GitRepository'], {
    deprecatedIn: '2.0',
    removedIn: '2.8',
    replacement: { apiVersion: 'source.toolkit.fluxcd.io/v1' },
    migration: 'rewrite',
    note: `${FLUX_MIGRATE}; v1 drops spec.gitImplementation and spec.accessFrom`,
  }),
  ...flux('source.toolkit.fluxcd.io/v1beta2', ['HelmRepository', 'HelmChart', 'Bucket'], {
    deprecatedIn: '2.3',
    removedIn: '2.8',
    replacement: { apiVersion: 'source.toolkit.fluxcd.io/v1' },
    migration: 'rewrite',
    note: FLUX_MIGRATE,
  }),
  ...flux('source.toolkit.fluxcd.io/v1beta2', ['OCIRepository'], {
    deprecatedIn: '2.6',
    removedIn: '2.8',
    replacement: { apiVersion: 'source.toolkit.fluxcd.io/v1' },
    migration: 'rewrite',
    note: FLUX_MIGRATE,
  }),
  ...flux('notification.toolkit.fluxcd.io/v1beta1', ['Alert', 'Provider', 'Receiver'], {
    deprecatedIn: '2.0',
    removedIn: '2.7',
    replacement: { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3' },
    migration: 'rewrite',
    note: `${FLUX_MIGRATE}; Receiver is notification.toolkit.fluxcd.io/v1`,
  }),
  ...flux('image.toolkit.fluxcd.io/v1beta1', ['ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation'], {
    deprecatedIn: '2.3',
    removedIn: '2.7',
    replacement: { apiVersion: 'image.toolkit.fluxcd.io/v1beta2' },
    migration: 'rewrite',
    note: FLUX_MIGRATE,
  }),

  // Karpenter
  ...karpenter('karpenter.sh/v1alpha5', ['Provisioner'], {
    deprecatedIn: '0.32',
    removedIn: '0.33',
    replacement: { apiVersion: 'karpenter.sh/v1', kind: 'NodePool' },
    migration: 'rewrite',
    note: 'Provisioner became NodePool (requirements under spec.template, consolidation under spec.disruption); karpenter-convert translates it',
  }),
  ...karpenter('karpenter.sh/v1alpha5', ['Machine'], {
    deprecatedIn: '0.32',
    removedIn: '0.33',
    replacement: { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim' },
    migration: 'rewrite',
    note: 'Machines are created by Karpenter, not written by hand: NodeClaims replace them',
  }),
  ...karpenter('karpenter.k8s.aws/v1alpha1', ['AWSNodeTemplate'], {
    deprecatedIn: '0.32',
    removedIn: '0.33',
    replacement: { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass' },
    migration: 'rewrite',
    note: 'AWSNodeTemplate became EC2NodeClass (role instead of instance profile, amiSelectorTerms); karpenter-convert translates it',
  }),
  ...karpenter('karpenter.sh/v1beta1', ['NodePool', 'NodeClaim'], {
    deprecatedIn: '1.0',
    removedIn: '1.1',
    replacement: { apiVersion: 'karpenter.sh/v1' },
    migration: 'rewrite',
    note: 'v1 requires nodeClassRef group and kind, renames consolidationPolicy WhenUnderutilized to WhenEmptyOrUnderutilized, and moves expireAfter to spec.template.spec',
  }),
  ...karpenter('karpenter.k8s.aws/v1beta1', ['EC2NodeClass'], {
    deprecatedIn: '1.0',
    removedIn: '1.1',
    replacement: { apiVersion: 'karpenter.k8s.aws/v1' },
    migration: 'rewrite',
    note: 'v1 requires amiSelectorTerms (amiFamily alone is not enough; use an alias such as al2023@v20241011)',
  }),
];

/** `1.25`, `v1.25.3`, `1.25.0-eks-…` → [1, 25]; undefined when it is not a version. */
export function parseMinor(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** a < b → negative, by major then minor. */
export function compareMinor(a: string, b: string): number {
  const pa = parseMinor(a);
  const pb = parseMinor(b);
  if (!pa || !pb) return Number.NaN;
  return pa[0] - pb[0] || pa[1] - pb[1];
}

/** The newest release a component has an entry for: the default target when none is given. */
export function newestKnown(component: ApiComponent): string {
  let newest = '0.0';
  for (const api of DEPRECATED_APIS) {
    if (api.component !== component) continue;
    for (const v of [api.deprecatedIn, api.removedIn])
      if (v !== undefined && compareMinor(v, newest) > 0) newest = v;
  }
  return newest;
}

const byGvk = new Map<string, DeprecatedApi>(
  DEPRECATED_APIS.map((a) => [`${a.group}/${a.version}/${a.kind}`, a]),
);

/** The entry for an object's apiVersion and kind, if that version is deprecated or removed. */
export function deprecatedApi(apiVersion: string, kind: string): DeprecatedApi | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  return byGvk.get(`${group}/${version}/${kind}`);
}

/** Kinds the table has entries for. */
export function deprecatedKinds(): string[] {
  return [...new Set(DEPRECATED_APIS.map((a) => a.kind))].sort();
}
