/**
 * hindsight's findings over time, from `hindsight serve`'s `hindsight_findings` gauge (labels
 * rule, severity, category, lesson, namespace, team, kind; docs/metrics.md) and its score. The
 * findings carry their own `team`, so the team variable filters them directly.
 */
import type { DashboardSpec } from './model.ts';

const FINDINGS = 'hindsight_findings{cluster=~"$cluster", namespace=~"$namespace", team=~"$team"}';
const SERVE = 'cluster=~"$cluster"';

export const FINDINGS_OVER_TIME: DashboardSpec = {
  uid: 'hindsight-findings',
  title: 'hindsight / Findings over time',
  description:
    'What hindsight serve finds, by severity, rule, namespace and team: whether the lessons are being learned.',
  tags: ['findings'],
  from: 'now-7d',
  panels: [
    {
      type: 'stat',
      title: 'Score',
      description: 'The score of the last evaluation (0–100), as hindsight scan reports it.',
      unit: 'none',
      width: 6,
      queries: [{ expr: `min(hindsight_score{${SERVE}})`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Critical findings',
      description: 'Findings of severity critical in the selected namespaces and teams.',
      unit: 'short',
      width: 6,
      redFrom: 1,
      queries: [
        { expr: `sum(${FINDINGS.replace('}', ', severity="critical"}')}) or vector(0)`, instant: true },
      ],
    },
    {
      type: 'stat',
      title: 'All findings',
      description: 'Findings of every severity in the selected namespaces and teams.',
      unit: 'short',
      width: 6,
      queries: [{ expr: `sum(${FINDINGS}) or vector(0)`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Since the last evaluation',
      description: 'serve evaluates on every change; more than 10 minutes means it stopped.',
      unit: 's',
      width: 6,
      redFrom: 600,
      queries: [
        { expr: `time() - max(hindsight_last_evaluation_timestamp_seconds{${SERVE}})`, instant: true },
      ],
    },
    {
      type: 'timeseries',
      title: 'Findings by severity',
      description: 'A falling line is a lesson learned; a step up is a change that reintroduced one.',
      unit: 'short',
      width: 24,
      queries: [{ expr: `sum by (severity) (${FINDINGS})`, legend: '{{severity}}' }],
    },
    {
      type: 'timeseries',
      title: 'Findings by team',
      description: 'The team is the first --team-label found on the object, else on its namespace.',
      unit: 'short',
      width: 12,
      queries: [{ expr: `sum by (team) (${FINDINGS})`, legend: '{{team}}' }],
    },
    {
      type: 'timeseries',
      title: 'Findings by lesson',
      description: 'Which production lessons the findings come from.',
      unit: 'short',
      width: 12,
      queries: [{ expr: `sum by (lesson) (${FINDINGS})`, legend: '{{lesson}}' }],
    },
    {
      type: 'bargauge',
      title: 'Top 10 rules',
      description: 'The rules with the most findings now.',
      unit: 'short',
      width: 12,
      queries: [{ expr: `topk(10, sum by (rule) (${FINDINGS}))`, legend: '{{rule}}', instant: true }],
    },
    {
      type: 'table',
      title: 'Findings by namespace, team and severity',
      description: 'Now, one row per namespace, team and severity.',
      unit: 'short',
      width: 12,
      queries: [{ expr: `sum by (namespace, team, severity) (${FINDINGS})`, instant: true }],
    },
  ],
};
