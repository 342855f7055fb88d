import type { ObjectPath } from '../../core/finding.ts';
import {
  allowsSpot,
  INSTANCE_CATEGORY_LABEL,
  INSTANCE_FAMILY_LABEL,
  INSTANCE_GENERATION_LABEL,
  INSTANCE_TYPE_LABEL,
  inValues,
  type NodePoolView,
  readNodePool,
  ZONE_ID_LABEL,
  ZONE_LABEL,
} from '../../scheduling/node-pool.ts';
import { defineRule, ruleOptions } from '../define-rule.ts';

const Options = ruleOptions(
  {
    // 5 is the flexibility below which Karpenter itself logs an error when it falls back to on-demand.
    minInstanceTypes: 5,
    minInstanceFamilies: 2,
  },
  (z) => ({
    minInstanceTypes: z
      .number()
      .int()
      .positive()
      .describe('Fewer spot instance types than this is too narrow'),
    minInstanceFamilies: z
      .number()
      .int()
      .positive()
      .describe('Fewer instance families than this is too narrow (the post uses four: c5, c6i, m5, m6i)'),
  }),
);

const LEGACY_INSTANCE_TYPE_LABEL = 'beta.kubernetes.io/instance-type';

/** `c6i.2xlarge` → `c6i`. */
function familyOf(instanceType: string): string {
  const dot = instanceType.indexOf('.');
  return dot === -1 ? instanceType : instanceType.slice(0, dot);
}

function requirementPath(pool: NodePoolView, key: string): ObjectPath {
  const r = pool.requirements.find((x) => x.key === key && x.operator === 'In');
  return r?.path ?? ['spec', 'template', 'spec', 'requirements'];
}

function list(values: readonly string[]): string {
  return values.length <= 6 ? values.join(', ') : `${values.slice(0, 6).join(', ')}, …`;
}

export default defineRule({
  id: 'nodepool-spot-not-diversified',
  category: 'spot',
  severity: 'medium',
  lesson: 'spot',
  title: 'Spot NodePools must spread over many instance types and zones',
  appliesTo: ['NodePool'],
  options: Options,
  messages: {
    fewTypes:
      'allows spot on only {count} ({types}): when those spot pools run short or are reclaimed in a wave, every node goes at once. The post diversifies over c5, c6i, m5 and m6i; allow at least {min} types across several families',
    fewFamilies:
      'allows spot from only {count} ({families}): one family shares one spot capacity pool per zone, so an interruption wave takes all of its nodes. The post diversifies over c5, c6i, m5 and m6i; allow at least {min} families',
    oneGeneration:
      "allows spot only from instance category {category}, generation {generation}: narrower than the post's c5, c6i, m5, m6i mix across two categories and two generations; widen the category or the generation",
    oneZone:
      'allows spot in one zone only ({zone}): a capacity shortage or an interruption wave there takes every spot node of the pool. The post runs spot across several availability zones',
  },
  check(entry, ctx) {
    const pool = readNodePool(entry);
    if (!pool || !allowsSpot(pool)) return;
    const { minInstanceTypes, minInstanceFamilies } = ctx.options;

    const typeKey = inValues(pool, INSTANCE_TYPE_LABEL) ? INSTANCE_TYPE_LABEL : LEGACY_INSTANCE_TYPE_LABEL;
    // An empty list launches nothing at all: another problem, not this one.
    const narrowed = (key: string) => {
      const values = inValues(pool, key);
      return values && values.length > 0 ? values : undefined;
    };
    const types = narrowed(typeKey);
    const families = narrowed(INSTANCE_FAMILY_LABEL);
    const categories = narrowed(INSTANCE_CATEGORY_LABEL);
    const generations = narrowed(INSTANCE_GENERATION_LABEL);
    const typeFamilies = types ? [...new Set(types.map(familyOf))] : undefined;

    if (types && types.length < minInstanceTypes) {
      ctx.report({
        messageId: 'fewTypes',
        data: {
          count: `${types.length} instance ${types.length === 1 ? 'type' : 'types'}`,
          types: list(types),
          min: minInstanceTypes,
        },
        path: requirementPath(pool, typeKey),
      });
    } else if (typeFamilies && typeFamilies.length < minInstanceFamilies) {
      ctx.report({
        messageId: 'fewFamilies',
        data: {
          count: `${typeFamilies.length} instance ${typeFamilies.length === 1 ? 'family' : 'families'}`,
          families: list(typeFamilies),
          min: minInstanceFamilies,
        },
        path: requirementPath(pool, typeKey),
      });
    } else if (families && families.length < minInstanceFamilies) {
      ctx.report({
        messageId: 'fewFamilies',
        data: {
          count: `${families.length} instance ${families.length === 1 ? 'family' : 'families'}`,
          families: list(families),
          min: minInstanceFamilies,
        },
        path: requirementPath(pool, INSTANCE_FAMILY_LABEL),
      });
    } else if (!types && !families && categories?.length === 1 && generations?.length === 1) {
      ctx.report({
        messageId: 'oneGeneration',
        data: { category: categories[0] ?? '', generation: generations[0] ?? '' },
        path: requirementPath(pool, INSTANCE_GENERATION_LABEL),
        severity: 'low',
      });
    }

    const zoneKey = inValues(pool, ZONE_LABEL) ? ZONE_LABEL : ZONE_ID_LABEL;
    const zones = narrowed(zoneKey);
    if (zones?.length === 1)
      ctx.report({
        messageId: 'oneZone',
        data: { zone: zones[0] ?? '' },
        path: requirementPath(pool, zoneKey),
      });
  },
});
