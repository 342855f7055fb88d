import { asRecord } from '../../core/records.ts';
import { isKarpenterNodePool } from '../../scheduling/node-pool.ts';
import { defineRule } from '../define-rule.ts';

/** A budget of zero nodes, at all times, for the reasons consolidation uses. */
function blocksConsolidationAlways(raw: unknown): boolean {
  const budget = asRecord(raw);
  if (!budget || budget.schedule !== undefined) return false;
  const nodes = String(budget.nodes ?? '').trim();
  if (nodes !== '0' && nodes !== '0%') return false;
  const reasons = budget.reasons;
  if (!Array.isArray(reasons)) return true;
  return reasons.includes('Underutilized') || reasons.includes('Empty');
}

const SEED =
  '"Consolidation actually consolidates (removes underutilised nodes)" is where Karpenter\'s savings come from';

export default defineRule({
  id: 'nodepool-consolidation-disabled',
  category: 'spot',
  severity: 'medium',
  lesson: 'karpenter',
  title: 'Karpenter consolidation must be on',
  appliesTo: ['NodePool'],
  messages: {
    never: `has consolidateAfter: Never: Karpenter never consolidates this pool, not even empty nodes. ${SEED}; protect pods that must not move with the karpenter.sh/do-not-disrupt annotation instead`,
    whenEmpty: `has consolidationPolicy: WhenEmpty: underutilised nodes are never packed together and replaced by cheaper ones, only empty nodes go. ${SEED}; use {policy} and protect pods that must not move with karpenter.sh/do-not-disrupt`,
    zeroBudget: `has a disruption budget of nodes: "{nodes}" with no schedule: consolidation is blocked at all times. ${SEED}; give the budget a schedule (a freeze window) or a non-zero node count`,
  },
  check(entry, ctx) {
    if (!isKarpenterNodePool(entry.object)) return;
    const disruption = asRecord(asRecord(entry.object.spec)?.disruption);
    if (!disruption) return; // the defaults consolidate
    if (disruption.consolidateAfter === 'Never') {
      ctx.report({ messageId: 'never', path: ['spec', 'disruption', 'consolidateAfter'] });
      return;
    }
    if (disruption.consolidationPolicy === 'WhenEmpty') {
      // v1 calls the full policy WhenEmptyOrUnderutilized; v1beta1 called it WhenUnderutilized.
      const policy =
        entry.object.apiVersion === 'karpenter.sh/v1beta1' ? 'WhenUnderutilized' : 'WhenEmptyOrUnderutilized';
      ctx.report({
        messageId: 'whenEmpty',
        data: { policy },
        path: ['spec', 'disruption', 'consolidationPolicy'],
      });
      return;
    }
    const budgets = Array.isArray(disruption.budgets) ? disruption.budgets : [];
    const index = budgets.findIndex(blocksConsolidationAlways);
    if (index !== -1)
      ctx.report({
        messageId: 'zeroBudget',
        data: { nodes: String(asRecord(budgets[index])?.nodes ?? '0') },
        path: ['spec', 'disruption', 'budgets', index],
      });
  },
});
