import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMatchers } from './alertmanager-config.ts';

test('a matcher string holds one matcher or several, as Alertmanager reads them', () => {
  assert.deepEqual(parseMatchers('severity = "critical"'), [
    { name: 'severity', op: '=', value: 'critical' },
  ]);
  assert.deepEqual(parseMatchers('{severity="critical", team=~"a|b"}'), [
    { name: 'severity', op: '=', value: 'critical' },
    { name: 'team', op: '=~', value: 'a|b' },
  ]);
  assert.deepEqual(parseMatchers('severity=critical,team!~c.*,'), [
    { name: 'severity', op: '=', value: 'critical' },
    { name: 'team', op: '!~', value: 'c.*' },
  ]);
  // A comma or an escaped quote inside a quoted value is part of it.
  assert.deepEqual(parseMatchers('msg="a,b", q="say \\"hi\\""'), [
    { name: 'msg', op: '=', value: 'a,b' },
    { name: 'q', op: '=', value: 'say "hi"' },
  ]);
  // Alertmanager drops each brace on its own.
  assert.deepEqual(parseMatchers('{severity="critical"'), [{ name: 'severity', op: '=', value: 'critical' }]);
  assert.deepEqual(parseMatchers('absent=""'), [{ name: 'absent', op: '=', value: '' }]);
  // Not matcher syntax: Alertmanager refuses these files.
  for (const bad of ['severity', 'msg="open', 'say=a"b', 'a=b,,c=d', '9x=y'])
    assert.equal(parseMatchers(bad), undefined, bad);
});
