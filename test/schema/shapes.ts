/** The record lines and rows the public schema is read from: every fixture event that is a watched call. */

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { recordLines } from '../../cli/record-json';
import { type AttributionRecord, attribute, compilePolicy, entriesOf, evaluate } from '../../lambda/domain';
import { callerFacts, initiatorOf } from '../../lambda/domain/lineage/link';
import { remediationRecord } from '../../lambda/domain/remediation/rows';
import { toItem } from '../../lambda/schema/attribution-table';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { FIXTURES, loadJson } from '../helpers/fixtures';
import { type Fields, fieldsOf } from '../helpers/json-shape';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
    });
}

/** Fields whose keys are data (the launch's tags), not schema. */
const MAPS = ['.launch.tags'];

export function publicShapes(): { record: Fields; row: Fields } {
  const policy = compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE));
  const lines: unknown[] = [];
  const rows: unknown[] = [];
  const events = [...jsonFiles(join(FIXTURES, 'events')), ...jsonFiles(join(FIXTURES, 'services'))].flatMap(
    (file) => [...entriesOf(loadJson(relative(FIXTURES, file)))],
  );
  const launches: AttributionRecord[] = [];
  const directCallers: AttributionRecord[] = [];
  for (const entry of events) {
    if (entry.kind !== 'record') continue;
    const result = attribute(entry.record, entry.context);
    if (result.kind !== 'records') continue;
    launches.push(...result.records.filter((r) => r.action === 'launch' && r.via !== null));
    directCallers.push(...result.records.filter((r) => r.via === null && r.actor.kind === 'person'));
    const text = recordLines(result.records, evaluate(result.records, policy, {}));
    lines.push(
      ...text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    );
    for (const record of result.records)
      rows.push(
        toItem(record, { ingestedBy: 'live', now: new Date('2026-12-06T00:00:00Z'), retentionDays: 365 }),
      );
  }
  // The rows the fixtures do not make: ec2trail's own remediation row, and a service's launch
  // linked to the person behind it (its initiator's name is an index key).
  const remediation = remediationRecord({
    instanceId: 'i-0a1b2c3d4e5f60001',
    account: '111122223333',
    region: 'eu-west-1',
    time: '2026-03-02T09:15:04Z',
    detail: {
      step: 'tag',
      decision: 'tagged',
      mode: 'enforce',
      rules: ['instanceType'],
      reason: 'broke instanceType',
      deadline: '2026-03-02T09:45:04Z',
      launchEventKey: 'e-1',
      launchedBy: 'alice',
      launcherOptOut: { effect: 'acknowledged', tag: 'ec2trail:ack=load test' },
    },
  });
  const launch = launches[0];
  if (!launch) throw new Error('no fixture launch by a service');
  // Linked as the linker links it: the person's own call, with every fact an initiator carries.
  const person = directCallers[0];
  if (!person) throw new Error('no fixture call by a person');
  const linked = {
    ...launch,
    initiator: initiatorOf(callerFacts(person.actor), {
      eventId: person.eventId,
      eventName: 'CreateAutoScalingGroup',
      eventTime: person.eventTime,
      resourceType: 'auto-scaling-group',
      resourceId: 'web-asg',
    }),
    lineage: { ...launch.lineage, byPerson: false },
  } as AttributionRecord;
  for (const record of [remediation, linked])
    rows.push(
      toItem(record, { ingestedBy: 'live', now: new Date('2026-12-06T00:00:00Z'), retentionDays: 365 }),
    );
  return { record: fieldsOf(lines, MAPS), row: fieldsOf(rows, MAPS) };
}
