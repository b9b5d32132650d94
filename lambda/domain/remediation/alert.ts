/**
 * What alerts say about remediation: the launch's alert says what will happen and when; the
 * alert at the deadline says what happened. Plain data in, text out; values from the event are
 * shown through the same guards as every other alert line.
 */

import { type AlertMessage, SMS_MAX, SUBJECT_MAX } from '../alert';
import type { Severity } from '../policy/schema';
import { cut, cutGsm, gsmSafe, shown } from '../text';
import type { KeptReason, StopDecision } from './decide';
import type { RemediationPlan, StopRequest } from './plan';
import { ACK_TAG, VIOLATION_TAG } from './settings';

/** What the attribution function did with a plan. */
export interface RemediationOutcome {
  readonly plan: RemediationPlan;
  /**
   * `done`: tags written and stops scheduled as planned; `dry-run`: nothing changed; `not-ours`:
   * the instances are in an account this deploy does not act in; `failed`: some step failed
   * (`problems` says which), and whatever was not scheduled will not be stopped.
   */
  readonly status: 'done' | 'dry-run' | 'not-ours' | 'failed';
  /** When the scheduled stops run (an existing schedule's time on a retry); null when none is. */
  readonly deadline: string | null;
  readonly tagged: readonly string[];
  readonly scheduled: readonly string[];
  readonly problems: readonly string[];
}

/** "2026-03-02 10:32 UTC" */
export function utcMinute(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function ids(list: readonly string[], max = 10): string {
  const head = list.slice(0, max).map((id) => shown(id, 40));
  return list.length > max ? `${head.join(', ')} and ${list.length - max} more` : head.join(', ');
}

/** The lines of "What happens next", each starting with text of ours. */
export function nextStepLines(outcome: RemediationOutcome): string[] {
  const { plan } = outcome;
  const violation = `${VIOLATION_TAG}=${shown(plan.tags[0]?.value ?? plan.rules.join(' '), 200)}`;
  const lines: string[] = [];
  const stopsAt = plan.deadline ? utcMinute(outcome.deadline ?? plan.deadline) : null;
  const stopping = plan.stops.flatMap((s) => s.instanceIds);
  if (outcome.status === 'dry-run') {
    lines.push('  Dry run (remediation mode "dry-run"): nothing was changed. In "enforce" mode:');
    if (plan.tagged.length > 0) lines.push(`  - ${ids(plan.tagged)} would be tagged ${violation}.`);
    if (stopping.length > 0 && stopsAt)
      lines.push(
        `  - ${ids(stopping)} would be stopped at ${stopsAt} unless tagged ${ACK_TAG}=<reason> by then.`,
      );
  } else if (outcome.status === 'not-ours') {
    lines.push(
      `  Nothing was changed: account ${shown(plan.account ?? 'unknown', 40)} is not the account this deploy remediates in.`,
    );
  } else {
    if (outcome.tagged.length > 0) lines.push(`  ${ids(outcome.tagged)} tagged ${violation}.`);
    if (outcome.scheduled.length > 0 && outcome.deadline)
      lines.push(
        `  ${ids(outcome.scheduled)} will be stopped at ${utcMinute(outcome.deadline)} unless tagged ${ACK_TAG}=<reason> by then. Never terminated.`,
      );
    const unscheduled = stopping.filter((id) => !outcome.scheduled.includes(id));
    if (unscheduled.length > 0)
      lines.push(`  ${ids(unscheduled)} will NOT be stopped: the stop could not be scheduled.`);
    for (const problem of outcome.problems.slice(0, 5)) lines.push(`  Problem: ${shown(problem, 300)}`);
  }
  for (const left of plan.untouched)
    lines.push(`  ${shown(left.instanceId, 40)} left alone: ${left.reason}.`);
  for (const left of plan.notStopped)
    lines.push(`  ${shown(left.instanceId, 40)} not stopped: ${left.reason}.`);
  return lines;
}

/** The attribute subscribers can filter on: what remediation is doing. */
function remediationAttribute(outcome: RemediationOutcome): string {
  if (outcome.status === 'dry-run') return 'dry-run';
  if (outcome.status === 'not-ours') return 'none';
  if (outcome.status === 'failed') return 'failed';
  if (outcome.scheduled.length > 0) return 'stop-scheduled';
  return outcome.tagged.length > 0 ? 'tagged' : 'none';
}

/** The launch's alert, with what remediation does next: a section of the email, the JSON and the SMS. */
export function withRemediation(message: AlertMessage, outcome: RemediationOutcome): AlertMessage {
  const section = ['What happens next', ...nextStepLines(outcome)].join('\n');
  const marker = '\n\nWho\n';
  const at = message.email.indexOf(marker);
  const email =
    at < 0
      ? `${message.email}\n\n${section}`
      : `${message.email.slice(0, at)}\n\n${section}${message.email.slice(at)}`;
  let json = message.json;
  try {
    const body = JSON.parse(message.json) as Record<string, unknown>;
    json = JSON.stringify({
      ...body,
      remediation: {
        mode: outcome.plan.mode,
        status: outcome.status,
        rules: outcome.plan.rules,
        remedy: outcome.plan.remedy,
        deadline: outcome.deadline,
        tagged: outcome.tagged,
        scheduled: outcome.scheduled,
        untouched: outcome.plan.untouched,
        notStopped: outcome.plan.notStopped,
        problems: outcome.problems,
      },
    });
  } catch {
    // A body that is not an object stays as it is; the email and attributes still say it.
  }
  const stopNote =
    outcome.status === 'done' && outcome.scheduled.length > 0 && outcome.deadline
      ? ` Stop at ${outcome.deadline.slice(11, 16)} UTC unless tagged ${ACK_TAG}.`
      : '';
  return {
    ...message,
    email,
    json,
    sms: stopNote
      ? cutGsm(`${message.sms.replace(/\.\.\.$/, '')}${gsmSafe(stopNote)}`, SMS_MAX)
      : message.sms,
    attributes: { ...message.attributes, remediation: remediationAttribute(outcome) },
  };
}

/** What the remediation function did at the deadline, for the second alert. */
export interface StopResult {
  readonly decisions: readonly StopDecision[];
  readonly stopped: readonly string[];
  /** Instances whose StopInstances failed, with the error code. */
  readonly failed: readonly { readonly instanceId: string; readonly code: string }[];
}

/** How the deadline alert names an instance it did not stop: only a running one was "kept running". */
function keptVerb(code: KeptReason): string {
  if (code === 'already-stopped') return 'Already stopped';
  if (code === 'gone' || code === 'not-running' || code === 'not-this-launch') return 'Not stopped';
  return 'Kept running';
}

/** The alert at the deadline: what was stopped, what was kept running and why. */
export function renderStopAlert(request: StopRequest, result: StopResult): AlertMessage {
  const severity: Severity = request.severity;
  const kept = result.decisions.filter((d): d is Extract<StopDecision, { stop: false }> => !d.stop);
  const who = request.launchedBy ? shown(request.launchedBy, 80) : 'an unidentified caller';
  const rules = request.rules.join(', ');
  const headline =
    result.stopped.length > 0
      ? `ec2trail stopped ${ids(result.stopped, 3)} launched by ${who} (${rules})`
      : result.failed.length > 0
        ? `ec2trail could not stop ${ids(
            result.failed.map((f) => f.instanceId),
            3,
          )} launched by ${who}`
        : `ec2trail did not stop ${ids(
            kept.map((d) => d.instanceId),
            3,
          )} launched by ${who}`;
  const tag = `[${severity.toUpperCase()}]`;
  const lines = [
    `ec2trail remediation: ${severity.toUpperCase()}`,
    '',
    `Summary: ${headline} in ${shown(request.region, 30)} (account ${shown(request.account, 40)}).`,
    '',
    'What happened',
    ...(result.stopped.length > 0
      ? [`  Stopped (not terminated): ${ids(result.stopped, 50)}. Start them again once the launch is fixed.`]
      : []),
    ...result.failed.map((f) => `  Could not stop ${shown(f.instanceId, 40)}: ${shown(f.code, 80)}.`),
    ...kept.map((d) => `  ${keptVerb(d.code)} ${shown(d.instanceId, 40)}: ${d.reason}.`),
    '',
    'Why',
    `  Broken rules: ${rules}.`,
    `  Launched by: ${who}${request.launchedAt ? ` at ${shown(request.launchedAt, 40)}` : ''}.`,
    `  Deadline: ${utcMinute(request.at)}.`,
    '',
    `Launch event ${shown(request.eventKey, 100)}. Sent by ec2trail.`,
  ];
  const decision =
    result.failed.length > 0 ? 'failed' : result.stopped.length > 0 ? 'stopped' : 'not-stopped';
  return {
    subject: cut(`${tag} ${headline}`, SUBJECT_MAX),
    email: lines.join('\n'),
    sms: cutGsm(gsmSafe(`ec2trail ${severity.toUpperCase()}: ${headline}.`), SMS_MAX),
    json: JSON.stringify({
      source: 'ec2trail',
      kind: 'remediation',
      severity,
      summary: headline,
      request,
      stopped: result.stopped,
      failed: result.failed,
      kept: kept.map(({ instanceId, code, reason }) => ({ instanceId, code, reason })),
    }),
    attributes: {
      severity,
      rules: request.rules.join(','),
      kind: 'alert',
      action: 'remediate',
      account: request.account,
      region: request.region,
      remediation: decision,
      // The launch's verified person, so the one who launched it also hears what was done.
      person: request.person ? request.person.slice(0, 256) : 'unknown',
    },
  };
}
