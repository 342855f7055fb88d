/**
 * What expires when: every certificate (plus estimates — control-plane Nodes' boot certificates,
 * cert-manager Certificates known only by their status) on one time line, grouped by month, the
 * ones that stop the cluster marked. `compact` keeps the table output readable on a cluster with
 * thousands of application certificates: everything critical, near or wrong is listed, the rest
 * is counted per month.
 */

import { compareText } from '../../core/compare-text.ts';
import type { CertAnalysis } from './analysis.ts';
import { describeRecord, shortWhere } from './check-subject.ts';
import { certManagerOnlyFromStatus } from './checks/cert-manager-status.ts';
import { BOOT_CERTIFICATE_LIFETIME_MS } from './checks/control-plane-node-age/check.ts';
import { DAY_MS, isoDay } from './duration.ts';
import type { Criticality } from './roles.ts';
import { type ExpiryStatus, expiryStatus } from './severity-policy.ts';

/** One line of the timeline. */
export interface TimelineEntry {
  date: Date;
  label: string;
  where: string;
  criticality: Criticality;
  status: ExpiryStatus;
  /** An estimate (Node age, cert-manager status), not a certificate that was read. */
  estimated: boolean;
  isCa: boolean;
  /** The day the expiry cliff it belongs to starts, if any. */
  cliff?: string;
  fingerprint?: string;
}

/** Every certificate and estimate, earliest first. */
export function buildTimeline(analysis: CertAnalysis): TimelineEntry[] {
  const { options } = analysis;
  const cliffOf = new Map<string, string>();
  for (const cliff of analysis.cliffs)
    for (const m of cliff.members) cliffOf.set(m.fingerprint, isoDay(cliff.start));
  const entries: TimelineEntry[] = analysis.inventory.records.map((rec) => {
    const more = rec.placements.length - 1;
    const cliff = cliffOf.get(rec.fingerprint);
    return {
      date: rec.notAfter,
      label: describeRecord(rec),
      where: `${shortWhere(rec)}${more > 0 ? ` (+${more})` : ''}`,
      criticality: rec.role.criticality,
      status: expiryStatus(rec.notBefore, rec.notAfter, options),
      estimated: false,
      isCa: rec.isCa,
      ...(cliff ? { cliff } : {}),
      fingerprint: rec.fingerprint,
    };
  });
  for (const node of analysis.discovery.controlPlaneNodes) {
    const created = new Date(node.createdAt);
    if (Number.isNaN(created.getTime())) continue;
    const date = new Date(created.getTime() + BOOT_CERTIFICATE_LIFETIME_MS);
    entries.push({
      date,
      label: `boot-time certificates of control-plane node ${node.name} (if never rotated)`,
      where: `Node ${node.name}`,
      criticality: 'control-plane',
      status: expiryStatus(created, date, options),
      estimated: true,
      isCa: false,
    });
  }
  for (const { certificate, notAfter, notBefore } of certManagerOnlyFromStatus(analysis)) {
    entries.push({
      date: notAfter,
      label: `cert-manager Certificate ${certificate.name} (from its status)`,
      where: `Certificate ${certificate.namespace}/${certificate.name}`,
      criticality: 'workload',
      status: expiryStatus(notBefore ?? new Date(0), notAfter, options),
      estimated: true,
      isCa: false,
    });
  }
  return entries.sort((a, b) => a.date.getTime() - b.date.getTime() || compareText(a.label, b.label));
}

const RED = '\u001b[31m';
const BOLD_RED = '\u001b[1;31m';
const YELLOW = '\u001b[33m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** Timelines shorter than this are printed whole even when `compact` is asked for. */
const COMPACT_FROM = 40;

/** How the timeline is printed. */
export interface TimelineRenderOptions {
  now: Date;
  color: boolean;
  /** Count routine application certificates per month instead of listing them (from 40 entries on). */
  compact: boolean;
}

function left(entry: TimelineEntry, now: Date): string {
  const days = Math.trunc((entry.date.getTime() - now.getTime()) / DAY_MS);
  if (entry.status === 'expired') return days === 0 ? 'expired today' : `expired ${-days}d ago`;
  if (days >= 730) return `${(days / 365).toFixed(1)}y`;
  return days === 0 ? 'today' : `${days}d`;
}

function marker(entry: TimelineEntry): string {
  const critical =
    entry.criticality === 'control-plane' ? '!!' : entry.criticality === 'cluster' ? '! ' : '  ';
  return `${critical}${entry.estimated ? '~' : ' '}`;
}

function isListed(entry: TimelineEntry): boolean {
  return (
    entry.criticality === 'control-plane' ||
    entry.criticality === 'cluster' ||
    entry.isCa ||
    entry.status !== 'ok' ||
    entry.cliff !== undefined
  );
}

/** The timeline as terminal text, grouped by month, expired first. */
export function renderTimeline(entries: readonly TimelineEntry[], options: TimelineRenderOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${RESET}` : text);
  const out: string[] = [];
  const controlPlane = entries.filter((e) => e.criticality === 'control-plane').length;
  out.push(
    `Timeline: ${entries.length} certificate${entries.length === 1 ? '' : 's'} (${controlPlane} control-plane critical), what expires when`,
  );
  out.push(
    paint(
      DIM,
      '  !! control plane stops   ! cluster feature breaks   ~ estimated   ◆ part of an expiry cliff',
    ),
  );
  if (entries.length === 0) return `${out.join('\n')}\n`;
  const labelWidth = Math.min(70, Math.max(...entries.map((e) => e.label.length)));
  // A short timeline is read whole; a long one keeps what matters and counts the rest.
  const compact = options.compact && entries.length >= COMPACT_FROM;
  let group = '';
  let hidden = 0;
  const flushHidden = (): void => {
    if (hidden > 0)
      out.push(paint(DIM, `         + ${hidden} other application certificate${hidden === 1 ? '' : 's'}`));
    hidden = 0;
  };
  for (const entry of entries) {
    const heading = entry.status === 'expired' ? 'expired' : entry.date.toISOString().slice(0, 7);
    if (heading !== group) {
      flushHidden();
      group = heading;
      out.push(`  ${heading === 'expired' ? paint(BOLD_RED, 'EXPIRED') : heading}`);
    }
    if (compact && !isListed(entry)) {
      hidden++;
      continue;
    }
    const color =
      entry.status === 'expired' || entry.status === 'critical'
        ? entry.status === 'expired'
          ? BOLD_RED
          : RED
        : entry.status === 'warning' || entry.status === 'not-yet-valid'
          ? YELLOW
          : '';
    const label = entry.label.length > labelWidth ? `${entry.label.slice(0, labelWidth - 1)}…` : entry.label;
    const line = `    ${marker(entry)}${entry.cliff ? '◆' : ' '} ${isoDay(entry.date)}  ${left(entry, options.now).padStart(15)}  ${label.padEnd(labelWidth)}  ${entry.where}`;
    out.push(color ? paint(color, line) : line);
  }
  flushHidden();
  return `${out.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The compact timeline as a Markdown table, for pull-request comments and wikis. */
export function renderTimelineMarkdown(entries: readonly TimelineEntry[], now: Date): string {
  const listed = entries.filter(isListed);
  const out = [
    '### Certificate timeline',
    '',
    `${entries.length} certificates; ${listed.length} listed (control plane, cluster features, CAs, and anything expiring, expired or in a cliff).`,
    '',
    '| Expires | Left | Certificate | Where | |',
    '|---|---|---|---|---|',
  ];
  for (const e of listed) {
    const marks = [
      e.criticality === 'control-plane' ? '**control plane**' : e.criticality === 'cluster' ? 'cluster' : '',
      e.estimated ? 'estimated' : '',
      e.cliff ? `cliff ${e.cliff}` : '',
    ]
      .filter((m) => m !== '')
      .join(', ');
    out.push(`| ${isoDay(e.date)} | ${left(e, now)} | ${cell(e.label)} | ${cell(e.where)} | ${marks} |`);
  }
  return `${out.join('\n')}\n`;
}
