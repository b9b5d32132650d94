/** Serialises attribution records for `--json` output, sharing the parts one event's records have in common. */

import { type AttributionRecord, personProof, type Violation } from '../lambda/domain';
import type { InstanceOwnerTags } from '../lambda/domain/owner-tags';

const q = JSON.stringify;

/**
 * One JSON line per record of an event. The caller, source and violations are the same for
 * every record of the event, so they are serialised once; the output equals
 * `JSON.stringify({ ...record, violations, nameProof })` field for field (`nameProof`: whether the
 * person's name is verified, and from which field). With owner tags configured, a
 * launch record also says the tags its instance would get (`ownerTags`).
 */
export function recordLines(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  ownerTags?: ReadonlyMap<string, InstanceOwnerTags>,
): string {
  const first = records[0];
  if (!first) return '';
  const actor = q(first.actor);
  const source = q(first.source);
  const verdict = q(violations);
  const proof = q(personProof(first.actor));
  let out = '';
  for (const r of records) {
    out +=
      `{"eventId":${q(r.eventId)},"eventKey":${q(r.eventKey)},"eventTime":${q(r.eventTime)},"eventName":${q(r.eventName)},` +
      `"eventSource":${q(r.eventSource)},"action":${q(r.action)},"account":${q(r.account)},"region":${q(r.region)},` +
      `"instanceId":${q(r.instanceId)},"trail":${q(r.trail)},"outcome":${q(r.outcome)},"errorCode":${q(r.errorCode)},` +
      `"errorMessage":${q(r.errorMessage)},"requestId":${q(r.requestId)},` +
      `"actor":${r.actor === first.actor ? actor : q(r.actor)},"source":${r.source === first.source ? source : q(r.source)},` +
      `"launch":${q(r.launch)},"instanceState":${q(r.instanceState)},"via":${q(r.via)},"initiator":${q(r.initiator)},` +
      `"initiatorReason":${q(r.initiatorReason)},"lineage":${q(r.lineage)},"warnings":${q(r.warnings)},"violations":${verdict},` +
      `"nameProof":${r.actor === first.actor ? proof : q(personProof(r.actor))}`;
    const tags = r.instanceId === null ? undefined : ownerTags?.get(r.instanceId);
    out += tags ? `,"ownerTags":${q(tags)}}\n` : '}\n';
  }
  return out;
}
