import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateCalicoSelector, parseCalicoSelector } from './calico-selector.ts';

/** Labels of the namespace `shop` as Calico sees them on every pod; other labels are unknown. */
const known = (key: string): string | null | undefined =>
  ({ 'projectcalico.org/namespace': 'shop', 'pcns.team': 'storefront' })[key] ??
  (key.startsWith('pcns.') ? null : undefined);

test('calico selectors in three-valued logic', () => {
  const cases: [string, unknown, boolean | undefined | 'invalid'][] = [
    // selects everything
    ['all()', 'all()', true],
    ['missing', undefined, true],
    ['empty', '', true],
    // namespace labels decide
    ['namespace ==', "projectcalico.org/namespace == 'shop'", true],
    ['namespace !=', 'projectcalico.org/namespace != "shop"', false],
    ['not in', "projectcalico.org/namespace not in {'kube-system', 'calico-system'}", true],
    ['in', "projectcalico.org/namespace in { 'shop' }", true],
    ['namespace label', "pcns.team == 'storefront'", true],
    ['absent namespace label', 'has(pcns.owner)', false],
    ['negated absent', '!has(pcns.owner)', true],
    ['starts with', "projectcalico.org/namespace starts with 'sh'", true],
    // pod labels are unknown: the selector may not select every pod
    ['pod label', "app == 'api'", undefined],
    ['and with unknown', "all() && app == 'api'", undefined],
    ['or with true', "app == 'api' || all()", true],
    ['and with false', "app == 'api' && projectcalico.org/namespace == 'web'", false],
    ['parentheses', "!(projectcalico.org/namespace == 'web') && (all())", true],
    ['global()', 'global()', false],
    // not selectors
    ['dangling operator', 'all() &&', 'invalid'],
    ['unterminated string', "app == 'api", 'invalid'],
    ['not a string', 42, 'invalid'],
  ];
  for (const [name, text, expected] of cases) {
    const selector = parseCalicoSelector(text);
    if (expected === 'invalid') assert.equal(selector, undefined, name);
    else assert.equal(selector && evaluateCalicoSelector(selector, known), expected, name);
  }
});
