import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (...images: unknown[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
});

test('container-image-tag-mutable', () => {
  const cases: [string, unknown, string[]][] = [
    // a version tag
    ['version', 'nginx:1.27.2', []],
    ['ecr version', '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:3.8.2', []],
    // no tag means latest
    ['no tag', 'nginx', ['noTag']],
    ['no tag with path', 'ghcr.io/acme/api', ['noTag']],
    // a registry port is not a tag
    ['registry port, no tag', 'registry.local:5000/api', ['noTag']],
    ['registry port and tag', 'registry.local:5000/api:1.2.0', []],
    ['localhost port', 'localhost:5000/api', ['noTag']],
    // latest, in any case
    ['latest', 'fluent/fluent-bit:latest', ['mutableTag']],
    ['Latest', 'app:Latest', ['mutableTag']],
    // other conventional moving tags
    ['main', 'ghcr.io/acme/api:main', ['mutableTag']],
    ['stable', 'nginx:stable', ['mutableTag']],
    // a tag without a version: a variant of the newest release, moving like latest
    ['variant', 'redis:alpine', ['mutableTag']],
    ['lts', 'node:lts-slim', ['mutableTag']],
    ['versioned variant', 'python:3.12-slim', []],
    ['hex commit id', 'ghcr.io/acme/api:deadbeef', []],
    // a digest pins the image whatever the tag
    ['digest', `nginx@sha256:${'a'.repeat(64)}`, []],
    ['latest with digest', `nginx:latest@sha256:${'b'.repeat(64)}`, []],
    ['port and digest', `registry.local:5000/api@sha256:${'c'.repeat(64)}`, []],
    // unrendered templates and blanks are not references yet
    ['helm template', '{{ .Values.image }}', []],
    ['env var', '$(IMAGE)', []],
    ['empty', '', []],
    ['missing', undefined, []],
    ['number', 42, []],
  ];
  for (const [name, image, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [deployment(image)]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('container-image-tag-mutable options and per-container findings', () => {
  const config = {
    rules: {
      'container-image-tag-mutable': {
        options: { mutableTags: ['latest', 'prod'], versionlessTagsMove: false },
      },
    },
    excludeNamespaces: [],
    exemptions: [],
  };
  assert.deepEqual(
    checkRule(rule, [deployment('app:prod', 'app:main', 'app:latest')], { config }).map((f) => f.container),
    ['c0', 'c2'],
  );
  const [finding] = checkRule(rule, [deployment('app:1', 'app')]);
  assert.deepEqual(finding?.path, ['spec', 'template', 'spec', 'containers', 1, 'image']);
  assert.equal(finding?.fix, undefined, 'hindsight cannot know which version to pin');
});

test('container-image-tag-mutable tells a live pod which digest it runs', () => {
  const digest = `sha256:${'d'.repeat(64)}`;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api-1', namespace: 'shop' },
    spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/api:latest' }] },
    status: { containerStatuses: [{ name: 'app', imageID: `ghcr.io/acme/api@${digest}` }] },
  };
  const [finding] = checkRule(rule, [pod]);
  assert.match(
    finding?.message ?? '',
    new RegExp(`this pod runs ${digest}, pin it as ghcr.io/acme/api@${digest}$`),
  );
});
