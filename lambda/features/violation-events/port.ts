import type { ViolationEvent } from '../../domain/violation-event';

/** Where violations go as events for other tools' rules (EventBridge). Throws when refused. */
export interface ViolationBus {
  put(event: ViolationEvent): Promise<void>;
}
