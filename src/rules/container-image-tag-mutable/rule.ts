import { parseImageReference, withDigest } from '../../core/image-reference.ts';
import type { KubeObject } from '../../core/resource.ts';
import { containersAt } from '../../core/workload.ts';
import { defineRule, ruleOptions } from '../define-rule.ts';

const options = ruleOptions(
  {
    mutableTags: ['latest', 'main', 'master', 'develop', 'dev', 'edge', 'nightly', 'head', 'stable'],
    // `alpine`, `slim`, `bookworm` name a variant of the newest release, not a release.
    versionlessTagsMove: true,
  },
  (z) => ({
    mutableTags: z
      .array(z.string())
      .describe('Tags that name a moving target by convention (compared case-insensitively)'),
    versionlessTagsMove: z
      .boolean()
      .describe('Tags without a digit (alpine, slim, lts-alpine; not hex commit ids) move like latest'),
  }),
);

/** `alpine`, `lts-slim`: no version in the tag, so it follows the newest release. */
function isVersionless(tag: string): boolean {
  return !/\d/.test(tag) && !/^[0-9a-f]{7,64}$/i.test(tag);
}

/** The digest a live pod's container actually runs, from its status. */
function runningDigest(object: KubeObject, container: string): string | undefined {
  if (object.kind !== 'Pod' || object.status === null || typeof object.status !== 'object') return undefined;
  const status = object.status as { containerStatuses?: unknown; initContainerStatuses?: unknown };
  for (const list of [status.containerStatuses, status.initContainerStatuses]) {
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      if (s === null || typeof s !== 'object' || (s as { name?: unknown }).name !== container) continue;
      const imageID = (s as { imageID?: unknown }).imageID;
      if (typeof imageID !== 'string') continue;
      const match = /@(sha256:[0-9a-f]{64})$/.exec(imageID);
      if (match?.[1]) return match[1];
    }
  }
  return undefined;
}

export default defineRule({
  id: 'container-image-tag-mutable',
  category: 'security',
  severity: 'medium',
  lesson: 'security-baseline',
  title: 'Container images should be pinned to an immutable tag or digest',
  appliesTo: 'workloads',
  options,
  messages: {
    noTag:
      'container {container} uses image {image} without a tag, which means :latest: pods of one workload can run different code, and a rollback redeploys whatever latest is now{running}',
    mutableTag:
      'container {container} uses image {image}: the tag {tag} moves, so pods of one workload can run different code, and a rollback redeploys whatever {tag} is now{running}',
  },
  check(entry, ctx) {
    const mutable = new Set(ctx.options.mutableTags.map((t) => t.toLowerCase()));
    for (const { container, path } of containersAt(entry.object, { init: true })) {
      const image = container.image;
      const ref = parseImageReference(image);
      // A digest pins the image whatever the tag says; templates and blanks are not references yet.
      if (!ref || ref.digest !== undefined || typeof image !== 'string') continue;
      if (
        ref.tag !== undefined &&
        !mutable.has(ref.tag.toLowerCase()) &&
        !(ctx.options.versionlessTagsMove && isVersionless(ref.tag))
      )
        continue;
      const name = String(container.name ?? '');
      const digest = runningDigest(entry.object, name);
      const running = digest
        ? `; this pod runs ${digest}, pin it as ${withDigest(image.trim(), digest)}`
        : '';
      ctx.report({
        messageId: ref.tag === undefined ? 'noTag' : 'mutableTag',
        data: { container: name, image: image.trim(), tag: ref.tag ?? '', running },
        container: name,
        path: [...path, 'image'],
      });
    }
  },
});
