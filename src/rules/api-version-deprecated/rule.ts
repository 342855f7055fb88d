import type { Fix } from '../../core/finding.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { getAt } from '../../core/workload.ts';
import {
  type ApiComponent,
  compareMinor,
  type DeprecatedApi,
  deprecatedApi,
  deprecatedKinds,
  newestKnown,
  parseMinor,
} from '../../data/deprecated-apis.ts';
import { defineRule } from '../define-rule.ts';

const COMPONENT_NAMES: Record<ApiComponent, string> = {
  kubernetes: 'Kubernetes',
  flux: 'Flux',
  karpenter: 'Karpenter',
};

/** Objects that clients create and the API server answers, never kept in git or read back. */
const RUNTIME_ONLY = new Set([
  'Event',
  'Lease',
  'TokenReview',
  'SubjectAccessReview',
  'LocalSubjectAccessReview',
  'SelfSubjectAccessReview',
]);

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The apiVersion the object was last `kubectl apply`-ed with, when it differs from the served one. */
function lastAppliedVersion(object: KubeObject): string | undefined {
  const raw = object.metadata.annotations?.[LAST_APPLIED];
  if (typeof raw !== 'string' || raw.length > 1_000_000) return undefined;
  try {
    const parsed = asRecord(JSON.parse(raw));
    const apiVersion = parsed?.apiVersion;
    return typeof apiVersion === 'string' && apiVersion !== object.apiVersion && parsed?.kind === object.kind
      ? apiVersion
      : undefined;
  } catch {
    return undefined;
  }
}

function selectorIsSet(object: KubeObject): boolean {
  const selector = asRecord(asRecord(object.spec)?.selector);
  if (!selector) return false;
  const labels = asRecord(selector.matchLabels);
  const expressions = selector.matchExpressions;
  return (
    (labels !== undefined && Object.keys(labels).length > 0) ||
    (Array.isArray(expressions) && expressions.length > 0)
  );
}

/** Whether changing apiVersion alone keeps this object's meaning. */
function renameIsSafe(api: DeprecatedApi, object: KubeObject): boolean {
  switch (api.migration) {
    case 'rename':
      // A field the replacement lacks would be dropped or rejected.
      return !api.droppedFields?.some((field) => getAt(object, field) !== undefined);
    case 'rename-with-selector':
    case 'rename-with-nonempty-selector':
      return selectorIsSet(object);
    default:
      return false;
  }
}

function action(api: DeprecatedApi, object: KubeObject): string {
  const target = api.replacement
    ? `${api.replacement.apiVersion}${api.replacement.kind ? ` ${api.replacement.kind}` : ''}`
    : undefined;
  if (!target) return `no replacement API: ${api.note ?? 'remove it'}`;
  if (renameIsSafe(api, object)) return `change apiVersion to ${target}; nothing else in this object changes`;
  return `move to ${target}, which is not a pure rename (so no automatic fix): ${api.note ?? 'see the migration guide'}`;
}

export default defineRule({
  id: 'api-version-deprecated',
  category: 'upgrades',
  severity: 'high',
  lesson: 'upgrades',
  title: 'Manifests must not use deprecated or removed API versions',
  appliesTo: deprecatedKinds().filter((k) => !RUNTIME_ONLY.has(k)),
  messages: {
    removed: '{apiVersion} {kind} is not served since {component} {removedIn}{target}: {action}',
    deprecated:
      '{apiVersion} {kind} is deprecated since {component} {deprecatedIn} and stops being served in {removedIn}{target}: {action}',
    removedLastApplied:
      'last applied as {apiVersion} {kind} (kubectl.kubernetes.io/last-applied-configuration), which is not served since {component} {removedIn}{target}: the manifest it came from fails on its next apply; {action}',
    deprecatedLastApplied:
      'last applied as {apiVersion} {kind} (kubectl.kubernetes.io/last-applied-configuration), deprecated since {component} {deprecatedIn} and not served from {removedIn}{target}: update the manifest it came from; {action}',
  },
  check(entry, ctx) {
    const object = entry.object;
    const lastApplied = lastAppliedVersion(object);
    const candidates: [string, boolean][] = [[object.apiVersion, false]];
    if (lastApplied) candidates.push([lastApplied, true]);
    for (const [apiVersion, fromAnnotation] of candidates) {
      const api = deprecatedApi(apiVersion, object.kind);
      if (!api) continue;
      let target: string;
      let targetNote = '';
      if (api.component === 'kubernetes') {
        const given = ctx.targetVersion && parseMinor(ctx.targetVersion) ? ctx.targetVersion : undefined;
        target = given ?? newestKnown('kubernetes');
        if (!given)
          targetNote = ` (no --target-version given: checked against ${target}, the newest Kubernetes release hindsight knows)`;
      } else {
        // A CRD's version belongs to its controller's release train, not to Kubernetes: check
        // against the newest release we know, so the finding lands before the upgrade breaks.
        target = newestKnown(api.component);
      }
      const removed = api.removedIn !== undefined && compareMinor(api.removedIn, target) <= 0;
      const deprecated =
        !removed && api.deprecatedIn !== undefined && compareMinor(api.deprecatedIn, target) <= 0;
      if (!removed && !deprecated) continue;
      const data = {
        apiVersion,
        kind: object.kind,
        component: COMPONENT_NAMES[api.component],
        removedIn: api.removedIn ?? 'a future release',
        deprecatedIn: api.deprecatedIn ?? '',
        target: targetNote,
        action: action(api, object),
      };
      const fix: Fix | undefined =
        !fromAnnotation && api.replacement && renameIsSafe(api, object)
          ? {
              description: `change apiVersion to ${api.replacement.apiVersion}`,
              edits: [{ op: 'set', path: ['apiVersion'], value: api.replacement.apiVersion }],
            }
          : undefined;
      const messageId =
        `${removed ? 'removed' : 'deprecated'}${fromAnnotation ? 'LastApplied' : ''}` as const;
      ctx.report({
        messageId,
        ...(removed ? {} : { severity: 'medium' as const }),
        data,
        path: fromAnnotation ? ['metadata', 'annotations', LAST_APPLIED] : ['apiVersion'],
        ...(fix ? { fix } : {}),
      });
    }
  },
});
