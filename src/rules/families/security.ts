/** The container security baseline and network isolation. */
import containerRunsAsRoot from '../container-runs-as-root/rule.ts';
import type { AnyRule } from '../define-rule.ts';

export const SECURITY_RULES: AnyRule[] = [containerRunsAsRoot];
