import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareMinor, DEPRECATED_APIS, deprecatedApi, newestKnown, parseMinor } from './deprecated-apis.ts';

test('every deprecated-API entry is well-formed', () => {
  const seen = new Set<string>();
  for (const api of DEPRECATED_APIS) {
    const id = `${api.group}/${api.version}/${api.kind}`;
    assert.ok(!seen.has(id), `${id} is listed once`);
    seen.add(id);
    assert.match(api.version, /^v\d+((alpha|beta)\d+)?$/, `${id}: version`);
    assert.match(api.kind, /^[A-Z][A-Za-z0-9]+$/, `${id}: kind`);
    assert.match(api.group, /^([a-z0-9-]+(\.[a-z0-9-]+)*)?$/, `${id}: group`);
    assert.ok(api.deprecatedIn !== undefined || api.removedIn !== undefined, `${id}: deprecated or removed`);
    for (const v of [api.deprecatedIn, api.removedIn])
      if (v !== undefined) assert.ok(parseMinor(v), `${id}: ${v} is major.minor`);
    if (api.deprecatedIn && api.removedIn)
      assert.ok(compareMinor(api.removedIn, api.deprecatedIn) > 0, `${id}: removed after deprecated`);
    if (api.deprecatedIn === undefined)
      assert.match(api.version, /alpha/, `${id}: only alpha APIs go without deprecation`);
    if (api.migration === 'none') assert.equal(api.replacement, undefined, `${id}: no replacement`);
    else {
      assert.ok(api.replacement, `${id}: has a replacement`);
      assert.notEqual(
        api.replacement?.apiVersion,
        `${api.group}/${api.version}`,
        `${id}: replacement differs`,
      );
    }
    if (api.migration === 'rewrite' || api.migration === 'none')
      assert.ok(api.note, `${id}: says what changes`);
  }
});

test('the table covers what pluto and kubent cover', () => {
  const expected: [string, string, string][] = [
    ['extensions/v1beta1', 'Deployment', '1.16'],
    ['apps/v1beta2', 'StatefulSet', '1.16'],
    ['extensions/v1beta1', 'Ingress', '1.22'],
    ['networking.k8s.io/v1beta1', 'IngressClass', '1.22'],
    ['rbac.authorization.k8s.io/v1beta1', 'ClusterRole', '1.22'],
    ['apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', '1.22'],
    ['policy/v1beta1', 'PodDisruptionBudget', '1.25'],
    ['policy/v1beta1', 'PodSecurityPolicy', '1.25'],
    ['batch/v1beta1', 'CronJob', '1.25'],
    ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', '1.25'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', '1.26'],
    ['storage.k8s.io/v1beta1', 'CSIStorageCapacity', '1.27'],
    ['flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema', '1.29'],
    ['flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration', '1.32'],
    ['helm.toolkit.fluxcd.io/v2beta2', 'HelmRelease', '2.8'],
    ['karpenter.sh/v1beta1', 'NodePool', '1.1'],
  ];
  for (const [apiVersion, kind, removedIn] of expected)
    assert.equal(deprecatedApi(apiVersion, kind)?.removedIn, removedIn, `${apiVersion} ${kind}`);
  // current versions are not in the table
  assert.equal(deprecatedApi('apps/v1', 'Deployment'), undefined);
  assert.equal(deprecatedApi('v1', 'Pod'), undefined);
});

test('versions compare by major and minor', () => {
  assert.deepEqual(parseMinor('v1.35.2-eks-1234'), [1, 35]);
  assert.ok(compareMinor('1.9', '1.16') < 0);
  assert.ok(compareMinor('2.8', '2.10') < 0);
  assert.equal(compareMinor('1.25', 'v1.25.4'), 0);
  assert.ok(compareMinor(newestKnown('kubernetes'), '1.32') > 0);
  assert.equal(newestKnown('karpenter'), '1.1');
});
