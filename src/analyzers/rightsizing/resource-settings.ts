/**
 * What a right-sizing strategy recommends for one container: requests and limits, each a
 * number of cores or bytes, or absent when the strategy sets none (or declines to say).
 */

import type { ResourcePair } from '../../core/usage-history.ts';

/** The two resources right-sizing covers. */
export type Resource = 'cpu' | 'memory';

/** Requests and limits a strategy recommends. */
export interface ResourceSettings {
  requests: ResourcePair;
  limits: ResourcePair;
}
