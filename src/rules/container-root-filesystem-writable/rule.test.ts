import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (
  containerSecurity?: object,
  extra: { volumes?: object[]; mounts?: object[]; os?: string } = {},
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    template: {
      spec: {
        ...(extra.os ? { os: { name: extra.os } } : {}),
        ...(extra.volumes ? { volumes: extra.volumes } : {}),
        containers: [
          {
            name: 'app',
            image: 'app:1',
            ...(containerSecurity ? { securityContext: containerSecurity } : {}),
            ...(extra.mounts ? { volumeMounts: extra.mounts } : {}),
          },
        ],
      },
    },
  },
});

test('container-root-filesystem-writable', () => {
  const cases: [string, object, string[]][] = [
    // the baseline setting
    ['read-only', deployment({ readOnlyRootFilesystem: true }), []],
    // unset means writable
    ['unset', deployment(), ['notSet']],
    // an empty securityContext is the same as none
    ['empty securityContext', deployment({}), ['notSet']],
    // explicitly writable gets its own message
    ['explicit false', deployment({ readOnlyRootFilesystem: false }), ['setFalse']],
    // Windows containers have no readOnlyRootFilesystem: the API server rejects it
    ['windows pod', deployment(undefined, { os: 'windows' }), []],
    // a wrongly typed securityContext does not throw
    ['securityContext is a string', deployment('nonsense' as unknown as object), ['notSet']],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('container-root-filesystem-writable checks init containers too', () => {
  const object = deployment({ readOnlyRootFilesystem: true });
  (object.spec.template.spec as Record<string, unknown>).initContainers = [
    { name: 'migrate', image: 'app:1' },
  ];
  const findings = checkRule(rule, [object]);
  assert.deepEqual(
    findings.map((f) => f.container),
    ['migrate'],
  );
  assert.deepEqual(findings[0]?.path, ['spec', 'template', 'spec', 'initContainers', 0, 'securityContext']);
});

test('container-root-filesystem-writable fix adds a /tmp emptyDir unless one is there', () => {
  const cases: [string, object, string[]][] = [
    // nothing there: set the flag, add the volume and the mount
    ['no volumes', deployment(), ['set', 'add-to-list', 'add-to-list']],
    // /tmp already mounted: only the flag
    [
      'tmp mounted',
      deployment(undefined, {
        volumes: [{ name: 'scratch', emptyDir: {} }],
        mounts: [{ name: 'scratch', mountPath: '/tmp/' }],
      }),
      ['set'],
    ],
    // an emptyDir called tmp exists but is not mounted: mount it
    [
      'tmp volume unmounted',
      deployment(undefined, { volumes: [{ name: 'tmp', emptyDir: {} }] }),
      ['set', 'add-to-list'],
    ],
    // a volume called tmp that is not an emptyDir: do not touch it
    [
      'tmp is a configMap',
      deployment(undefined, { volumes: [{ name: 'tmp', configMap: { name: 'x' } }] }),
      ['set'],
    ],
  ];
  for (const [name, object, ops] of cases) {
    const [finding] = checkRule(rule, [object]);
    assert.deepEqual(
      finding?.fix?.edits.map((e) => e.op),
      ops,
      name,
    );
  }
  const [finding] = checkRule(rule, [deployment()]);
  assert.deepEqual(finding?.fix?.edits, [
    {
      op: 'set',
      path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'readOnlyRootFilesystem'],
      value: true,
    },
    {
      op: 'add-to-list',
      path: ['spec', 'template', 'spec', 'volumes'],
      value: { name: 'tmp', emptyDir: {} },
    },
    {
      op: 'add-to-list',
      path: ['spec', 'template', 'spec', 'containers', 0, 'volumeMounts'],
      value: { name: 'tmp', mountPath: '/tmp' },
    },
  ]);
});
