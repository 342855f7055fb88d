import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImageReference, withDigest } from './image-reference.ts';

test('parseImageReference', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const cases: [string, unknown, object | undefined][] = [
    // Docker Hub short names
    ['bare', 'nginx', { repository: 'nginx' }],
    ['tag', 'nginx:1.27', { repository: 'nginx', tag: '1.27' }],
    ['path', 'fluent/fluent-bit:3.1', { repository: 'fluent/fluent-bit', tag: '3.1' }],
    // registries: a dot, a port or localhost makes the first component a host
    [
      'ecr',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2',
      {
        registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        repository: 'eks/coredns',
        tag: 'v1.11.4-eksbuild.2',
      },
    ],
    [
      'port, no tag',
      'registry.local:5000/team/api',
      { registry: 'registry.local:5000', repository: 'team/api' },
    ],
    ['port and tag', 'localhost:5000/api:1', { registry: 'localhost:5000', repository: 'api', tag: '1' }],
    // digests
    ['digest', `nginx@${digest}`, { repository: 'nginx', digest }],
    ['tag and digest', `nginx:1.27@${digest}`, { repository: 'nginx', tag: '1.27', digest }],
    // not references
    ['template', '{{ .Values.image.repository }}:{{ .Values.image.tag }}', undefined],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable, literally
    ['variable', '${IMAGE}', undefined],
    ['blank', '  ', undefined],
    ['not a string', 7, undefined],
  ];
  for (const [name, input, expected] of cases) assert.deepEqual(parseImageReference(input), expected, name);
});

test('withDigest drops the tag and keeps the registry port', () => {
  assert.equal(
    withDigest('registry.local:5000/api:latest', 'sha256:ab'),
    'registry.local:5000/api@sha256:ab',
  );
  assert.equal(withDigest('nginx', 'sha256:ab'), 'nginx@sha256:ab');
});
