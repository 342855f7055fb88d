/**
 * How a certificate check is written: data (id, severity, lesson, message templates) plus one
 * `run` over the whole analysis — certificate checks judge relations between certificates
 * (a CA and its leaves, a caBundle and a served chain, a cliff), not one object at a time, so
 * they are not manifest rules and live in their own registry. Reports become the same
 * `Finding`s `scan` produces.
 */
import type { Category, ObjectPath } from '../../core/finding.ts';
import type { LessonId } from '../../core/lesson.ts';
import type { Origin } from '../../core/origin.ts';
import type { ResourceRef } from '../../core/resource.ts';
import type { Severity } from '../../core/severity.ts';
import type { CertAnalysis } from './analysis.ts';
import type { CertificateRecord } from './certificate-inventory.ts';

/** What a finding is about: the object (or file, endpoint, cliff) and where in it. */
export interface CheckSubject {
  ref: ResourceRef;
  origin?: Origin;
  path?: ObjectPath;
  /** The object's annotations, for exemption annotations on Secrets, webhooks and Nodes. */
  annotations?: Record<string, string>;
}

/** One problem a check reports; the runner makes it a Finding. */
export interface CertReport<MessageId extends string = string> {
  subject: CheckSubject;
  /** Key of the check's `messages`. */
  messageId: MessageId;
  data: Record<string, string | number>;
  severity?: Severity;
}

/** What a check gets: the analysis, the certificates already in cliffs, and `report`. */
export interface CertCheckContext<MessageId extends string = string> {
  analysis: CertAnalysis;
  /** Certificates already reported as part of an expiry cliff: one finding, not N. */
  inCliff: ReadonlySet<CertificateRecord>;
  report(report: CertReport<MessageId>): void;
}

/** A certificate check: metadata, message templates and one `run`. */
export interface CertCheck<MessageId extends string = string> {
  /** Kebab-case problem statement, equal to its folder name under checks/. */
  id: string;
  category: Category;
  severity: Severity;
  lesson: LessonId;
  title: string;
  /** Message templates by id; `ctx.report` accepts only these ids. */
  messages: Record<MessageId, string>;
  /** Reports problems; returns how many things it judged (certificates, pairs, nodes), for the score. */
  run(ctx: CertCheckContext<MessageId>): number;
}

/**
 * Declares a check (typed identity, as `defineRule` is for rules): message ids are inferred
 * from the keys of `messages`, so reporting an id the check does not have fails to compile.
 */
export function defineCertCheck<MessageId extends string = never>(
  check: CertCheck<MessageId>,
): CertCheck<MessageId> {
  return check;
}
