/**
 * The digest of a window of the table: what was launched, stopped and terminated, what failed,
 * which rules broke, who launched most, what is still running after breaking a rule, and what
 * services launched for whom. Pure: rows and the alerts sent about them in, numbers out, so the
 * scheduled function, `ec2trail digest` and `ec2trail report` agree by construction.
 */

import type { ForgottenSection } from '../inventory/snapshot';
import type { Severity } from '../policy/schema';

/** The fields of a stored row the digest reads (a `StoredRow` has them all). */
export interface DigestRow {
  readonly instanceId: string | null;
  readonly eventKey: string;
  readonly eventTime: string | null;
  readonly eventName: string;
  readonly action: string;
  readonly outcome: 'success' | 'failed';
  readonly errorCode: string | null;
  readonly account: string | null;
  readonly region: string | null;
  readonly actor: {
    readonly name: string | null;
    readonly arn: string | null;
    readonly type: string;
    readonly sourceIdentity?: unknown;
  };
  readonly via: { readonly service: string } | null;
  readonly initiator: { readonly name: string | null; readonly arn: string | null } | null;
  readonly launch: Readonly<Record<string, unknown>> | null;
  /**
   * False when the person's name is a claim the caller chose (docs/attribution.md, "Verified or
   * claimed"): such a row is listed as a claim and never makes a personal digest. Absent: verified.
   */
  readonly verified?: boolean;
}

/** What the alert marker of an event says was sent: its highest severity and the rules it listed. */
export interface SentAlert {
  readonly severity: Severity;
  readonly rules: readonly string[];
}

export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface Counted {
  readonly name: string;
  readonly count: number;
}

export interface StillRunning {
  readonly instanceId: string;
  readonly launchedBy: string;
  readonly launchedAt: string | null;
  readonly account: string | null;
  readonly region: string | null;
  readonly severity: Severity;
  readonly rules: readonly string[];
}

export interface ServiceLaunches {
  readonly service: string;
  /** The person the service launched for; null when none is known. */
  readonly person: string | null;
  readonly instances: number;
}

export interface FailedAttempt {
  readonly person: string;
  readonly eventName: string;
  readonly errorCode: string;
  readonly count: number;
}

export interface Digest {
  readonly from: string;
  readonly to: string;
  /** `team`, or the person this digest is about. */
  readonly scope: { readonly kind: 'team' } | { readonly kind: 'person'; readonly person: string };
  readonly totals: {
    readonly launchCalls: number;
    readonly instancesLaunched: number;
    readonly stops: number;
    readonly starts: number;
    readonly terminations: number;
    readonly failedAttempts: number;
    readonly alerts: number;
  };
  readonly alertsBySeverity: Readonly<Record<Severity, number>>;
  /** Events that broke each rule, most first. */
  readonly violationsByRule: readonly Counted[];
  /** Instances launched per person (services' launches counted for the person behind them), most first. */
  readonly topLaunchers: readonly Counted[];
  /**
   * Instances per person launched with ec2trail's own opt-out tags in the request (`ec2trail:ack`,
   * `ec2trail:protected`): allowed, and never quiet.
   */
  readonly optedOutAtLaunch: readonly Counted[];
  readonly stillRunning: readonly StillRunning[];
  readonly services: readonly ServiceLaunches[];
  readonly failed: readonly FailedAttempt[];
  /**
   * What the latest inventory found running a long time and untouched (possibly forgotten);
   * absent when no inventory was taken lately.
   */
  readonly forgotten?: ForgottenSection;
}

/** The tags a launcher can set in the request to keep remediation from stopping (or marking) an instance. */
export const LAUNCHER_OPT_OUT_TAGS: readonly string[] = ['ec2trail:ack', 'ec2trail:protected'];

/** How many of each list a digest keeps: it is read, not searched. */
export const DIGEST_LIST_MAX = 10;

/**
 * The person behind a row, as alerts name them: the initiator when a service acted for someone,
 * the service itself (null) when no person is known, else the caller (source identity first).
 */
export function personOfRow(row: DigestRow): string | null {
  if (row.verified === false) return null;
  if (row.initiator) return row.initiator.name ?? row.initiator.arn;
  if (row.via) return null;
  const source = typeof row.actor.sourceIdentity === 'string' ? row.actor.sourceIdentity : null;
  return source ?? row.actor.name ?? row.actor.arn;
}

/** The person's name for lists: an unknown person behind a service reads as that service. */
function label(row: DigestRow): string {
  if (row.verified === false) {
    const claimed = row.initiator?.name ?? row.actor.sourceIdentity ?? row.actor.name;
    return `${row.actor.arn ?? 'a caller'} (claims to be ${String(claimed)})`;
  }
  return personOfRow(row) ?? (row.via ? `${row.via.service} (no person known)` : 'an unidentified caller');
}

function ranked(counts: ReadonlyMap<string, number>): Counted[] {
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function inWindow(row: DigestRow, window: Window): boolean {
  const time = Date.parse(row.eventTime ?? '');
  return !Number.isNaN(time) && time >= window.fromMs && time <= window.toMs;
}

/** The alert key of an event's own alert, and of the alert about a protected instance it stopped or terminated. */
export function alertKeysOf(eventKey: string): readonly string[] {
  return [eventKey, `protected#${eventKey}`];
}

/**
 * Sums up `rows` (any order; the same row twice counts once) with the alerts sent about them.
 * `person` narrows it to what one person did, or had services do (matched lower-cased, as the
 * `person` attribute of alerts is).
 */
export function summarize(
  rows: Iterable<DigestRow>,
  alerts: ReadonlyMap<string, SentAlert>,
  window: Window,
  person?: string,
): Digest {
  const wanted = person?.toLowerCase();
  const seen = new Set<string>();
  const launchCalls = new Set<string>();
  const failedCalls = new Set<string>();
  const alerted = new Set<string>();
  const launched = new Map<string, DigestRow>();
  // The latest stop, start or terminate of each instance: it is running unless that is a stop or terminate.
  const lastChange = new Map<string, { time: string; action: string }>();
  let stops = 0;
  let starts = 0;
  let terminations = 0;
  const bySeverity: Record<Severity, number> = { info: 0, warning: 0, critical: 0 };
  const byRule = new Map<string, number>();
  const launchers = new Map<string, number>();
  const optedOut = new Map<string, number>();
  const services = new Map<string, { service: string; person: string | null; instances: number }>();
  const failed = new Map<string, FailedAttempt>();

  for (const row of rows) {
    if (!inWindow(row, window)) continue;
    if (wanted !== undefined && personOfRow(row)?.toLowerCase() !== wanted) continue;
    const rowKey = `${row.eventKey}|${row.instanceId ?? ''}`;
    if (seen.has(rowKey)) continue;
    seen.add(rowKey);

    for (const key of alertKeysOf(row.eventKey)) {
      const alert = alerts.get(key);
      if (!alert || alerted.has(key)) continue;
      alerted.add(key);
      bySeverity[alert.severity] += 1;
      for (const rule of new Set(alert.rules)) bump(byRule, rule);
    }

    if (row.outcome === 'failed') {
      if (failedCalls.has(row.eventKey)) continue;
      failedCalls.add(row.eventKey);
      const who = label(row);
      const code = row.errorCode ?? 'unknown error';
      const key = `${who}\u0000${row.eventName}\u0000${code}`;
      const entry = failed.get(key);
      failed.set(key, {
        person: who,
        eventName: row.eventName,
        errorCode: code,
        count: (entry?.count ?? 0) + 1,
      });
      continue;
    }
    if (row.instanceId === null) continue;
    switch (row.action) {
      case 'launch': {
        launchCalls.add(row.eventKey);
        launched.set(row.instanceId, row);
        bump(launchers, label(row));
        if (typeof row.launch?.optedOut === 'string') bump(optedOut, label(row));
        if (row.via) {
          const behind = personOfRow(row);
          const key = `${row.via.service}\u0000${behind ?? ''}`;
          const entry = services.get(key) ?? { service: row.via.service, person: behind, instances: 0 };
          services.set(key, { ...entry, instances: entry.instances + 1 });
        }
        break;
      }
      case 'stop':
      case 'start':
      case 'terminate': {
        if (row.action === 'stop') stops += 1;
        else if (row.action === 'start') starts += 1;
        else terminations += 1;
        const time = row.eventTime ?? '';
        const last = lastChange.get(row.instanceId);
        // A terminate is final whatever CloudTrail's order says.
        if (!last || (last.action !== 'terminate' && (time >= last.time || row.action === 'terminate')))
          lastChange.set(row.instanceId, { time, action: row.action });
        break;
      }
    }
  }

  const stillRunning: StillRunning[] = [];
  for (const [instanceId, row] of launched) {
    const alert = alerts.get(row.eventKey);
    const last = lastChange.get(instanceId)?.action;
    if (!alert || last === 'stop' || last === 'terminate') continue;
    stillRunning.push({
      instanceId,
      launchedBy: label(row),
      launchedAt: row.eventTime,
      account: row.account,
      region: row.region,
      severity: alert.severity,
      rules: alert.rules,
    });
  }
  const severityRank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
  stillRunning.sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.launchedAt ?? '').localeCompare(b.launchedAt ?? '') ||
      a.instanceId.localeCompare(b.instanceId),
  );

  return {
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    scope: wanted === undefined ? { kind: 'team' } : { kind: 'person', person: wanted },
    totals: {
      launchCalls: launchCalls.size,
      instancesLaunched: launched.size,
      stops,
      starts,
      terminations,
      failedAttempts: failedCalls.size,
      alerts: alerted.size,
    },
    alertsBySeverity: bySeverity,
    violationsByRule: ranked(byRule),
    topLaunchers: ranked(launchers),
    optedOutAtLaunch: ranked(optedOut),
    stillRunning,
    services: [...services.values()].sort(
      (a, b) => b.instances - a.instances || a.service.localeCompare(b.service),
    ),
    failed: [...failed.values()].sort((a, b) => b.count - a.count || a.person.localeCompare(b.person)),
  };
}

/** Whom a personal digest goes to: the `person` and `personArn` attributes alerts carry. */
export interface DigestAddress {
  readonly person: string;
  readonly personArn: string;
}

/** Everyone who did something in the window, lower-cased as alerts name them, with an ARN they acted under. */
export function peopleIn(rows: Iterable<DigestRow>, window: Window): DigestAddress[] {
  const people = new Map<string, string>();
  for (const row of rows) {
    if (!inWindow(row, window)) continue;
    const person = personOfRow(row)?.toLowerCase();
    if (!person) continue;
    const arn = row.initiator ? row.initiator.arn : row.actor.arn;
    if (!people.has(person) || (people.get(person) === 'unknown' && arn))
      people.set(person, arn ?? 'unknown');
  }
  return [...people]
    .map(([person, personArn]) => ({ person: person.slice(0, 256), personArn: personArn.slice(0, 1024) }))
    .sort((a, b) => a.person.localeCompare(b.person));
}

/** The digest with the latest inventory's forgotten section, when there is one. */
export function withForgotten(digest: Digest, section: ForgottenSection | null): Digest {
  return section ? { ...digest, forgotten: section } : digest;
}
