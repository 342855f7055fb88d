/**
 * SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one run, the rules that ran
 * with their help text, results located in the user's files (line of the offending field when
 * it could be found), logical locations naming the object, exempted findings as suppressions.
 */
import { relative } from 'node:path';
import { environmentPresence, type Finding } from '../core/finding.ts';
import type { Severity } from '../core/severity.ts';
import { findingFile, findingLine } from './finding-view.ts';
import type { ScanReport } from './report.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub's `security-severity` scale (0–10) for security findings. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function renderSarif(report: ScanReport, cwd: string): string {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const extraRules = new Set<string>();
  for (const f of [...report.findings, ...report.exempted])
    if (!ruleIndex.has(f.ruleId)) extraRules.add(f.ruleId);
  const rules = [
    ...report.rules.map((r) => ({
      id: r.id,
      name: r.id,
      shortDescription: { text: r.title },
      fullDescription: { text: `${r.title}. Lesson: ${r.lesson.title}. ${r.lesson.story}` },
      help: { text: r.help ?? r.title, ...(r.help ? { markdown: r.help } : {}) },
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: {
        tags: [r.category, 'kubernetes', `lesson:${r.lesson.id}`],
        precision: 'high',
        ...(r.category === 'security' ? { 'security-severity': SECURITY_SEVERITY[r.severity] } : {}),
      },
    })),
    ...[...extraRules].map((id) => ({ id, name: id, shortDescription: { text: id } })),
  ];
  rules.forEach((r, i) => {
    ruleIndex.set(r.id, i);
  });

  const result = (f: Finding, suppressed: boolean) => {
    const file = findingFile(f);
    const line = findingLine(report, f);
    const objectName = `${f.ref.kind}/${f.ref.namespace ? `${f.ref.namespace}/` : ''}${f.ref.name}`;
    const presence = environmentPresence(f);
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: `${objectName}: ${f.message}${presence ? ` (${presence})` : ''}` },
      locations: [
        {
          ...(file
            ? {
                physicalLocation: {
                  artifactLocation: { uri: toUri(relative(cwd, file) || file) },
                  ...(line !== undefined ? { region: { startLine: line } } : {}),
                },
              }
            : {}),
          logicalLocations: [
            {
              fullyQualifiedName: f.container ? `${objectName}/${f.container}` : objectName,
              kind: 'object',
            },
          ],
        },
      ],
      ...(f.environments || f.origin?.rendered
        ? {
            properties: {
              ...(f.origin?.rendered ? { rendered: f.origin.rendered } : {}),
              ...(f.environments
                ? { environments: f.environments.in, notInEnvironments: f.environments.notIn }
                : {}),
            },
          }
        : {}),
      // Stable across runs and line moves: rule, object and container.
      partialFingerprints: {
        'hindsight/v1': `${f.ruleId}:${objectName}:${f.container ?? ''}:${f.messageId ?? ''}`,
      },
      ...(suppressed && f.exemption
        ? {
            suppressions: [
              {
                kind: f.exemption.source === 'annotation' ? 'inSource' : 'external',
                justification: f.exemption.reason,
                status: 'accepted',
              },
            ],
          }
        : {}),
    };
  };

  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'hindsight',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules,
          },
        },
        results: [
          ...report.findings.map((f) => result(f, false)),
          ...report.exempted.map((f) => result(f, true)),
        ],
        invocations: [
          {
            executionSuccessful: report.inputs.errors.length === 0,
            toolExecutionNotifications: [
              ...report.inputs.errors.map((e) => ({ level: 'error', message: { text: e } })),
              ...report.inputs.notes.map((n) => ({ level: 'note', message: { text: n } })),
            ],
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function toUri(path: string): string {
  return path.split('\\').join('/').split('/').map(encodeURIComponent).join('/');
}
