import assert from 'node:assert/strict';
import { test } from 'node:test';
import { locateInTemplate } from './locate.ts';

test('a path in a Helm template: each key after the previous one, deeper; the deepest found gives the line', () => {
  const template = [
    'apiVersion: apps/v1', // 1
    'kind: Deployment',
    'spec:',
    '  template:',
    '    spec:', // 5
    '      securityContext:',
    '        runAsNonRoot: true',
    '      containers:',
    '        - name: api',
    '          image: "{{ .Values.image }}"', // 10
    '          securityContext:',
    '            {{- include "common.security" . | nindent 12 }}',
    '      volumes:',
    '        - name: tmp',
  ].join('\n');
  const at = (path: (string | number)[]) => locateInTemplate(template, path);
  // The container's securityContext, not the pod's (which comes first).
  assert.equal(at(['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged']), 11);
  assert.equal(at(['spec', 'template', 'spec', 'securityContext', 'runAsNonRoot']), 7);
  assert.equal(at(['spec', 'template', 'spec', 'containers', 0, 'image']), 10);
  // A key that is not written: its deepest written ancestor.
  assert.equal(at(['spec', 'template', 'spec', 'containers', 0, 'readinessProbe']), 8);
  // Not even the first key: no line.
  assert.equal(at(['metadata', 'labels']), undefined);
});
