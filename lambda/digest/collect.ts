/** Reads what a digest sums up: the window's rows (by day, the table's `byDay` index) and the alerts sent about them. */

import type { RecentFilter } from '../adapters/dynamodb-attribution-queries';
import {
  alertKeysOf,
  type DigestRow,
  LAUNCHER_OPT_OUT_TAGS,
  type SentAlert,
  type Window,
} from '../domain/digest/summarize';
import { type ActorKind, actorWith, personProof } from '../domain/identity';
import { type CallerFacts, isVerifiedPerson } from '../domain/lineage/link';
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
/** The ec2trail tags the launcher set in the request itself (`ec2trail:ack`, `ec2trail:protected`). */
function optedOutWith(launch: Record<string, unknown> | null): string | null {
  const tags = launch?.tags;
  if (tags === null || typeof tags !== 'object') return null;
  const found = Object.entries(tags as Record<string, unknown>)
    .filter(([key]) => LAUNCHER_OPT_OUT_TAGS.includes(key))
    .map(([key, value]) => `${key}=${String(value)}`);
  return found.length > 0 ? found.join(', ') : null;
}

/** Whether the row's person is verified (docs/attribution.md): a claim never reaches a personal digest. */
function verifiedOf(row: StoredRow): boolean {
  if (row.initiator) {
    const { kind, verified } = row.initiator as { kind?: unknown; verified?: unknown };
    return isVerifiedPerson({
      kind: typeof kind === 'string' ? (kind as CallerFacts['kind']) : 'unknown',
      verified: typeof verified === 'boolean' ? verified : null,
    });
  }
  const actor = row.actor as unknown as Record<string, unknown>;
  const text = (key: string) => (typeof actor[key] === 'string' ? (actor[key] as string) : null);
  const proof = personProof(
    actorWith({
      type: row.actor.type,
      kind: row.actor.kind as ActorKind,
      name: row.actor.name,
      arn: row.actor.arn,
      userName: text('userName'),
      roleArn: text('roleArn'),
      roleName: text('roleName'),
      sessionName: text('sessionName'),
      sourceIdentity: text('sourceIdentity'),
    }),
  );
  return proof?.verified !== false;
}

function slim(row: StoredRow): DigestRow {
  const instanceType = row.launch?.instanceType;
  const optedOut = optedOutWith(row.launch);
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
    verified: verifiedOf(row),
    launch:
      typeof instanceType === 'string' || optedOut !== null
        ? {
            ...(typeof instanceType === 'string' ? { instanceType } : {}),
            ...(optedOut !== null ? { optedOut } : {}),
          }
        : null,
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
