import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../rule-tester.ts';
import rule from './rule.ts';

const deployment = (podSecurity: object, containerSecurity?: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    template: {
      spec: {
        securityContext: podSecurity,
        containers: [
          {
            name: 'app',
            image: 'app:1',
            ...(containerSecurity ? { securityContext: containerSecurity } : {}),
          },
        ],
      },
    },
  },
});

test('container-runs-as-root', () => {
  const cases: [string, object, string[]][] = [
    // pod-level runAsNonRoot applies to the container
    ['pod runAsNonRoot', deployment({ runAsNonRoot: true }), []],
    // a container UID above 0 is enough
    ['container uid 1000', deployment({}, { runAsUser: 1000 }), []],
    // the container's UID 0 wins over the pod's runAsNonRoot
    ['container uid 0 overrides', deployment({ runAsNonRoot: true }, { runAsUser: 0 }), ['uidZero']],
    // nothing set: the image decides
    ['nothing set', deployment({}), ['mayRunAsRoot']],
    // runAsNonRoot false is the same as unset
    ['runAsNonRoot false', deployment({ runAsNonRoot: false }), ['mayRunAsRoot']],
  ];
  for (const [name, object, expected] of cases) {
    const findings = checkRule(rule, [object]);
    assert.deepEqual(
      findings.map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('container-runs-as-root points at the container and offers a fix', () => {
  const [finding] = checkRule(rule, [deployment({}, { runAsUser: 0 })]);
  assert.equal(finding?.container, 'app');
  assert.deepEqual(finding?.path, [
    'spec',
    'template',
    'spec',
    'containers',
    0,
    'securityContext',
    'runAsUser',
  ]);
  assert.deepEqual(
    finding?.fix?.edits.map((e) => e.op),
    ['set', 'set'],
  );
});
