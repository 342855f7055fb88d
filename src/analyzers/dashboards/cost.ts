/**
 * Cost and waste, from the gauges `hindsight serve --prometheus` sets every `--cost-interval`
 * (docs/metrics.md): what the nodes cost and what of it is idle, cost allocated per namespace
 * and team (max of request and usage), what spot and right-sizing would save, and the
 * right-sizing recommendations per container.
 */
import type { DashboardSpec } from './model.ts';

const SERVE = 'cluster=~"$cluster"';
const SCOPED = 'cluster=~"$cluster", namespace=~"$namespace"';

export const COST_AND_WASTE: DashboardSpec = {
  uid: 'hindsight-cost',
  title: 'hindsight / Cost and waste',
  description:
    'What the nodes cost per month, what of it is idle, who it is allocated to, and what spot and right-sizing save, as hindsight cost computes it.',
  tags: ['cost'],
  from: 'now-30d',
  panels: [
    {
      type: 'stat',
      title: 'Nodes, per month',
      description: 'What the nodes cost per month at current prices.',
      unit: 'currencyUSD',
      width: 6,
      queries: [{ expr: `sum(hindsight_cost_nodes_monthly_usd{${SERVE}})`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Idle, per month',
      description: 'The part of the node cost no request or usage takes.',
      unit: 'currencyUSD',
      width: 6,
      queries: [{ expr: `sum(hindsight_cost_idle_monthly_usd{${SERVE}})`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Right-sizing saves, per month',
      description: 'Requests set to the recommendations from usage history.',
      unit: 'currencyUSD',
      width: 6,
      queries: [{ expr: `sum(hindsight_rightsizing_savings_monthly_usd{${SERVE}})`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Spot saves, per month',
      description: 'The planned node mix with spot where the workloads allow it.',
      unit: 'currencyUSD',
      width: 6,
      queries: [{ expr: `sum(hindsight_cost_spot_savings_monthly_usd{${SERVE}})`, instant: true }],
    },
    {
      type: 'timeseries',
      title: 'Node cost: now, planned, idle',
      description: 'The plan is the node mix hindsight cost proposes for the same requests.',
      unit: 'currencyUSD',
      width: 12,
      queries: [
        { expr: `sum(hindsight_cost_nodes_monthly_usd{${SERVE}})`, legend: 'nodes' },
        { expr: `sum(hindsight_cost_plan_monthly_usd{${SERVE}})`, legend: 'planned' },
        { expr: `sum(hindsight_cost_idle_monthly_usd{${SERVE}})`, legend: 'idle' },
      ],
    },
    {
      type: 'timeseries',
      title: 'Cost per team',
      description: 'Allocated per month: each pod costs the larger of its request and its usage.',
      unit: 'currencyUSD',
      width: 12,
      queries: [
        {
          expr: `sum by (team) (hindsight_cost_team_monthly_usd{${SERVE}, team=~"$team"})`,
          legend: '{{team}}',
        },
      ],
    },
    {
      type: 'bargauge',
      title: 'Cost per namespace',
      description: 'Allocated per month, the most expensive first.',
      unit: 'currencyUSD',
      width: 12,
      queries: [
        {
          expr: `sort_desc(sum by (namespace) (hindsight_cost_namespace_monthly_usd{${SCOPED}}))`,
          legend: '{{namespace}}',
          instant: true,
        },
      ],
    },
    {
      type: 'table',
      title: 'Right-sizing CPU (cores): requested (A) and recommended (B)',
      description: "Each container's CPU request now (A) and the one recommended from its usage history (B).",
      unit: 'none',
      width: 12,
      sortBy: { column: 'Value #A', desc: true },
      queries: [
        {
          expr: `sum by (namespace, workload_kind, workload, container) (hindsight_rightsizing_requested{${SCOPED}, resource="cpu"})`,
          instant: true,
        },
        {
          expr: `sum by (namespace, workload_kind, workload, container) (hindsight_rightsizing_recommended{${SCOPED}, resource="cpu"})`,
          instant: true,
        },
      ],
    },
    {
      type: 'table',
      title: 'Right-sizing memory: requested (A) and recommended (B)',
      description:
        "Each container's memory request now (A) and the one recommended from its usage history (B).",
      unit: 'bytes',
      width: 12,
      sortBy: { column: 'Value #A', desc: true },
      queries: [
        {
          expr: `sum by (namespace, workload_kind, workload, container) (hindsight_rightsizing_requested{${SCOPED}, resource="memory"})`,
          instant: true,
        },
        {
          expr: `sum by (namespace, workload_kind, workload, container) (hindsight_rightsizing_recommended{${SCOPED}, resource="memory"})`,
          instant: true,
        },
      ],
    },
    {
      type: 'stat',
      title: 'Cost data age',
      description: 'Since cost last ran (every --cost-interval, default 6 h).',
      unit: 's',
      width: 12,
      redFrom: 86400,
      queries: [{ expr: `time() - max(hindsight_cost_last_run_timestamp_seconds{${SERVE}})`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Partial (Prometheus gaps)',
      description: '1 when the last cost run had gaps in the usage history.',
      unit: 'none',
      width: 12,
      redFrom: 1,
      queries: [{ expr: `max(hindsight_cost_partial{${SERVE}})`, instant: true }],
    },
  ],
};
