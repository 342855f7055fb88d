import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
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

test('container-runs-as-root points at an explicit UID 0 and leaves it to a human', () => {
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
  assert.equal(finding?.fix, undefined, 'an explicit runAsUser: 0 is a decision, not flipped');
  assert.match(finding?.manual ?? '', /set explicitly/);
});

test('container-runs-as-root sets runAsNonRoot only with a UID the image is known to run as', () => {
  const withImage = (image: string) => ({
    ...deployment({}),
    spec: { template: { spec: { containers: [{ name: 'app', image }] } } },
  });
  // Rows: image → the UID the fix sets, or undefined when it needs a human.
  const cases: [string, number | undefined][] = [
    ['bitnami/redis:7.2', 1001], // Bitnami images run as 1001
    ['gcr.io/distroless/static:nonroot', 65532],
    ['nginxinc/nginx-unprivileged:1.27', 101],
    ['mongo:7', undefined], // runs as root: runAsNonRoot alone would stop it from starting
    ['mysql:8.4', undefined],
    ['registry.example.com/app:1.0', undefined], // unknown: never assumed safe
  ];
  for (const [image, uid] of cases) {
    const [finding] = checkRule(rule, [withImage(image)]);
    if (uid === undefined) {
      assert.equal(finding?.fix, undefined, image);
      assert.match(finding?.manual ?? '', /user is not known/, image);
    } else {
      assert.deepEqual(
        finding?.fix?.edits.map((e) => (e.op === 'set' ? [e.path.at(-1), e.value] : [])),
        [
          ['runAsUser', uid],
          ['runAsNonRoot', true],
        ],
        image,
      );
    }
  }
});
