/** What the CDK side and the function agree on for violation events (config `violationEvents`). */

declare global {
  interface Ec2TrailBuild {
    /** Put each alerted violation on the default event bus: bundles the EventBridge client. */
    readonly violationEvents: boolean;
  }
}

export const VIOLATION_EVENT_METRICS = {
  /** Violations put on the event bus for other tools. */
  put: 'ViolationEventsPut',
  /** Violations the event bus refused (after the SDK's retries): alarmed. */
  failures: 'ViolationEventFailures',
} as const;
