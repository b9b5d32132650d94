/** Reads what a digest sums up: the window's rows (by day, the table's `byDay` index) and the alerts sent about them. */

import type { RecentFilter } from '../adapters/dynamodb-attribution-queries';
import { alertKeysOf, type DigestRow, type SentAlert, type Window } from '../domain/digest/summarize';
import type { StoredRow } from '../schema/stored-row';

export interface DigestSource {
  recent(filter: RecentFilter & { readonly fromMs: number; readonly toMs: number }): AsyncIterable<StoredRow>;
}

export interface SentAlertSource {
  sentFor(alertKeys: Iterable<string>): Promise<ReadonlyMap<string, SentAlert>>;
}

export interface DigestInputs {
  readonly rows: readonly DigestRow[];
  readonly alerts: ReadonlyMap<string, SentAlert>;
}

/** Only what the digest reads, so a busy week fits in memory: a row's free text stays in the table. */
function slim(row: StoredRow): DigestRow {
  const instanceType = row.launch?.instanceType;
  return {
    instanceId: row.instanceId,
    eventKey: row.eventKey,
    eventTime: row.eventTime,
    eventName: row.eventName,
    action: row.action,
    outcome: row.outcome,
    errorCode: row.errorCode,
    account: row.account,
    region: row.region,
    actor: {
      name: row.actor.name,
      arn: row.actor.arn,
      type: row.actor.type,
      ...(typeof row.actor.sourceIdentity === 'string' ? { sourceIdentity: row.actor.sourceIdentity } : {}),
    },
    via: row.via ? { service: row.via.service } : null,
    initiator: row.initiator ? { name: row.initiator.name, arn: row.initiator.arn } : null,
    launch: typeof instanceType === 'string' ? { instanceType } : null,
  };
}

export async function collectDigestInputs(
  source: DigestSource,
  sent: SentAlertSource,
  window: Window,
  where: RecentFilter = {},
): Promise<DigestInputs> {
  const rows: DigestRow[] = [];
  for await (const row of source.recent({ ...where, fromMs: window.fromMs, toMs: window.toMs }))
    rows.push(slim(row));
  const alerts = await sent.sentFor(rows.flatMap((row) => alertKeysOf(row.eventKey)));
  return { rows, alerts };
}
