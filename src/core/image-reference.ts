/**
 * Container image references as the kubelet and the registries read them:
 * `[registry[:port]/]repository[:tag][@digest]`. The colon of a registry port is not a tag
 * (`registry.local:5000/app` has no tag), and a digest pins the image whatever the tag says.
 */

export interface ImageReference {
  /** The registry host (with port) when the reference names one, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
  registry?: string;
  /** Repository path without registry, tag or digest, e.g. `fluent/fluent-bit`. */
  repository: string;
  tag?: string;
  /** `sha256:…` when the reference is pinned by digest. */
  digest?: string;
}

/** True for values that are not image references yet: unrendered templates and variables. */
function isPlaceholder(image: string): boolean {
  return /\s|\{\{|\$\(|\$\{/.test(image);
}

/**
 * Parses an image reference; undefined for empty strings and unrendered templates
 * (`{{ .Values.image }}`, `$(IMAGE)`), which are not references a rule can judge.
 */
export function parseImageReference(image: unknown): ImageReference | undefined {
  if (typeof image !== 'string') return undefined;
  const text = image.trim();
  if (text === '' || isPlaceholder(text)) return undefined;

  let name = text;
  let digest: string | undefined;
  const at = text.indexOf('@');
  if (at !== -1) {
    digest = text.slice(at + 1);
    name = text.slice(0, at);
  }

  let tag: string | undefined;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon !== -1) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }

  let registry: string | undefined;
  const firstSlash = name.indexOf('/');
  if (firstSlash !== -1) {
    const first = name.slice(0, firstSlash);
    // Docker's rule: the first component is a registry when it looks like a host.
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      name = name.slice(firstSlash + 1);
    }
  }

  const ref: ImageReference = { repository: name };
  if (registry !== undefined) ref.registry = registry;
  if (tag !== undefined && tag !== '') ref.tag = tag;
  if (digest !== undefined && digest !== '') ref.digest = digest;
  return ref;
}

/** The image pinned by digest, for a message: `repo@sha256:…`. */
export function withDigest(image: string, digest: string): string {
  const at = image.indexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  return `${colon === -1 ? name : name.slice(0, colon)}@${digest}`;
}
