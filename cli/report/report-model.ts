/**
 * What the HTML report shows, computed from the same rows and alert markers as the digest:
 * per-instance timelines, launches per day by person and by service, violations by rule and
 * severity, failed attempts. Pure, so the numbers can be checked without a browser.
 */

import {
  type Digest,
  type DigestRow,
  personOfRow,
  type SentAlert,
  summarize,
  type Window,
} from '../../lambda/domain/digest/summarize';
import type { Severity } from '../../lambda/domain/policy/schema';

export interface TimelineStep {
  readonly time: string;
  readonly action: string;
  readonly person: string;
  readonly outcome: 'success' | 'failed';
}

export interface Timeline {
  readonly instanceId: string;
  readonly account: string | null;
  readonly region: string | null;
  readonly steps: readonly TimelineStep[];
}

/** Counts per UTC day for each series (a person, or a service), days in order. */
export interface DailySeries {
  readonly days: readonly string[];
  readonly series: readonly { readonly name: string; readonly counts: readonly number[] }[];
}

export interface Report {
  readonly digest: Digest;
  readonly timelines: readonly Timeline[];
  /** Instances with a timeline beyond the ones shown. */
  readonly timelinesOmitted: number;
  readonly launchesByPerson: DailySeries;
  readonly launchesByService: DailySeries;
  /** Alerts that listed each rule, by the alert's severity. */
  readonly violations: readonly {
    readonly rule: string;
    readonly bySeverity: Readonly<Record<Severity, number>>;
  }[];
}

/** Timelines the report draws at most: the instances launched last. */
export const TIMELINES_MAX = 200;
/** Series a chart colours at most; the rest are summed as "others". */
export const SERIES_MAX = 8;

const DAY_MS = 86_400_000;

function daysOf(window: Window): string[] {
  const days: string[] = [];
  for (let day = Math.floor(window.fromMs / DAY_MS) * DAY_MS; day <= window.toMs; day += DAY_MS)
    days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}

function label(row: DigestRow): string {
  return personOfRow(row) ?? (row.via ? `${row.via.service} (no person known)` : 'an unidentified caller');
}

function daily(days: readonly string[], counts: Map<string, Map<string, number>>): DailySeries {
  const totals = [...counts].map(([name, byDay]) => ({
    name,
    byDay,
    total: [...byDay.values()].reduce((a, b) => a + b, 0),
  }));
  totals.sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const shown = totals.slice(0, SERIES_MAX);
  const rest = totals.slice(SERIES_MAX);
  const series = shown.map(({ name, byDay }) => ({ name, counts: days.map((d) => byDay.get(d) ?? 0) }));
  if (rest.length > 0)
    series.push({
      name: `${rest.length} others`,
      counts: days.map((d) => rest.reduce((sum, r) => sum + (r.byDay.get(d) ?? 0), 0)),
    });
  return { days, series };
}

export function buildReport(
  rows: readonly DigestRow[],
  alerts: ReadonlyMap<string, SentAlert>,
  window: Window,
): Report {
  const digest = summarize(rows, alerts, window);
  const days = daysOf(window);
  const seen = new Set<string>();
  const steps = new Map<
    string,
    { account: string | null; region: string | null; steps: TimelineStep[]; launchedAt: string }
  >();
  const byPerson = new Map<string, Map<string, number>>();
  const byService = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const time = row.eventTime;
    const ms = Date.parse(time ?? '');
    if (
      time === null ||
      Number.isNaN(ms) ||
      ms < window.fromMs ||
      ms > window.toMs ||
      row.instanceId === null
    )
      continue;
    const key = `${row.eventKey}|${row.instanceId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry: {
      account: string | null;
      region: string | null;
      steps: TimelineStep[];
      launchedAt: string;
    } = steps.get(row.instanceId) ?? {
      account: row.account,
      region: row.region,
      steps: [],
      launchedAt: '',
    };
    entry.steps.push({ time, action: row.action, person: label(row), outcome: row.outcome });
    if (row.action === 'launch' && row.outcome === 'success') {
      entry.launchedAt = time;
      // Where it was launched is where it lives; a later call may be recorded from elsewhere.
      entry.account = row.account;
      entry.region = row.region;
      const day = time.slice(0, 10);
      const person = byPerson.get(label(row)) ?? new Map<string, number>();
      person.set(day, (person.get(day) ?? 0) + 1);
      byPerson.set(label(row), person);
      const service = row.via?.service ?? 'direct call';
      const bySvc = byService.get(service) ?? new Map<string, number>();
      bySvc.set(day, (bySvc.get(day) ?? 0) + 1);
      byService.set(service, bySvc);
    }
    steps.set(row.instanceId, entry);
  }
  const timelines = [...steps]
    .map(([instanceId, e]) => ({
      instanceId,
      account: e.account,
      region: e.region,
      launchedAt: e.launchedAt,
      steps: e.steps.sort((a, b) => a.time.localeCompare(b.time)),
    }))
    .sort((a, b) => b.launchedAt.localeCompare(a.launchedAt) || a.instanceId.localeCompare(b.instanceId));

  const violations = new Map<string, Record<Severity, number>>();
  const counted = new Set<string>();
  for (const row of rows) {
    for (const alertKey of [row.eventKey, `protected#${row.eventKey}`]) {
      const alert = alerts.get(alertKey);
      const ms = Date.parse(row.eventTime ?? '');
      if (!alert || counted.has(alertKey) || Number.isNaN(ms) || ms < window.fromMs || ms > window.toMs)
        continue;
      counted.add(alertKey);
      for (const rule of new Set(alert.rules)) {
        const entry = violations.get(rule) ?? { info: 0, warning: 0, critical: 0 };
        entry[alert.severity] += 1;
        violations.set(rule, entry);
      }
    }
  }
  return {
    digest,
    timelines: timelines.slice(0, TIMELINES_MAX).map(({ launchedAt: _l, ...t }) => t),
    timelinesOmitted: Math.max(0, timelines.length - TIMELINES_MAX),
    launchesByPerson: daily(days, byPerson),
    launchesByService: daily(days, byService),
    violations: [...violations]
      .map(([rule, bySeverity]) => ({ rule, bySeverity }))
      .sort(
        (a, b) =>
          b.bySeverity.critical +
            b.bySeverity.warning +
            b.bySeverity.info -
            (a.bySeverity.critical + a.bySeverity.warning + a.bySeverity.info) ||
          a.rule.localeCompare(b.rule),
      ),
  };
}
