/** Observability coverage: what is served but not scraped, logged or traced. */
import type { AnyRule } from '../define-rule.ts';
import namespaceNotLogged from '../namespace-not-logged/rule.ts';
import servicemonitorSelectsNothing from '../servicemonitor-selects-nothing/rule.ts';
import workloadNotScraped from '../workload-not-scraped/rule.ts';
import workloadWithoutOpentelemetry from '../workload-without-opentelemetry/rule.ts';

export const OBSERVABILITY_RULES: AnyRule[] = [
  workloadNotScraped,
  servicemonitorSelectsNothing,
  namespaceNotLogged,
  workloadWithoutOpentelemetry,
];
