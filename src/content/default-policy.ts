/** The early-warning thresholds shipped with smsguard (data/content/early-warning-policy.json). */
import data from '../../data/content/early-warning-policy.json' with { type: 'json' };
import type { EarlyWarningPolicy } from './early-warning.js';

export const DEFAULT_EARLY_WARNING_POLICY: EarlyWarningPolicy = data as EarlyWarningPolicy;
