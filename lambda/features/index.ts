/**
 * The optional features the recording functions load at cold start, in the order their launch
 * actions run: remediation first, so the alert can say what it did; then what reports the
 * violation elsewhere; owner tags after the row and the alert. A new feature is one folder
 * beside these and one line here.
 */

import type { RuntimeFeature } from './feature';
import { ownerTags } from './owner-tags';
import { remediation } from './remediation';
import { securityHub } from './security-hub';
import { violationEvents } from './violation-events';

export const RUNTIME_FEATURES: readonly RuntimeFeature[] = [
  remediation,
  violationEvents,
  securityHub,
  ownerTags,
];
