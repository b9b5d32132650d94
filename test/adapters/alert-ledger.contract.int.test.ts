/** One contract for every alert ledger: the in-memory one (local runs) and DynamoDB's. */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from '../../lambda/adapters/dynamodb-alert-ledger';
import { MemoryAlertLedger } from '../../lambda/adapters/memory-alert-ledger';
import type { AlertLedger, SentAlertLookup } from '../../lambda/ports';
import { alertKey } from '../../lambda/schema/attribution-table';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

const NOW = new Date('2026-03-15T00:00:00Z');
const at = (ms: number) => ({ now: new Date(NOW.getTime() + ms), leaseMs: 60_000, expiresAt: undefined });

interface Subject {
  readonly ledger: AlertLedger & SentAlertLookup;
  /** The stored expiry of a marker, as the adapter keeps it. */
  expiryOf(key: string): Promise<number | undefined>;
}

const client = dynamoClient();
afterAll(() => client.destroy());

const adapters: [string, () => Promise<Subject>][] = [
  [
    'in memory',
    async () => {
      const ledger = new MemoryAlertLedger();
      return { ledger, expiryOf: async (key) => ledger.markers.get(key)?.expiresAt };
    },
  ],
  [
    'DynamoDB Local',
    async () => {
      const documents = documentClient(client);
      const table = await freshTable(client, 'ledger');
      return {
        ledger: new DynamoDbAlertLedger(documents, table),
        async expiryOf(key) {
          const { Item } = await documents.send(
            new GetCommand({ TableName: table, Key: alertKey(key), ConsistentRead: true }),
          );
          return typeof Item?.expiresAt === 'number' ? Item.expiresAt : undefined;
        },
      };
    },
  ],
];

describe.each(adapters)('alert ledger contract (%s)', (_name, make) => {
  let subject: Subject;
  beforeEach(async () => {
    subject = await make();
  });

  it('lets exactly one of several concurrent claims through, then reports the alert as sent', async () => {
    const { ledger } = subject;
    const claims = await Promise.all(Array.from({ length: 5 }, () => ledger.claim('evt-1', at(0))));
    expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c === 'in-flight')).toHaveLength(4);
    await ledger.markSent('evt-1', NOW, { severity: 'critical', rules: 'rootUser' });
    // Sent is final: not even a claim long after the lease can take it again.
    expect(await ledger.claim('evt-1', at(3_600_000))).toBe('already-sent');
  });

  it('reads back what a sent alert listed, and nothing for a claim that never went out', async () => {
    const { ledger } = subject;
    expect(await ledger.sentAlert('evt-9')).toBeNull();
    expect(await ledger.claim('evt-9', at(0))).toBe('claimed');
    expect(await ledger.sentAlert('evt-9')).toBeNull();
    await ledger.markSent('evt-9', NOW, { severity: 'warning', rules: 'instanceType,requiredTags' });
    expect(await ledger.sentAlert('evt-9')).toEqual({
      sentAt: NOW.toISOString(),
      severity: 'warning',
      rules: ['instanceType', 'requiredTags'],
    });
  });

  it('frees a released claim at once', async () => {
    const { ledger } = subject;
    expect(await ledger.claim('evt-2', at(0))).toBe('claimed');
    await ledger.release('evt-2');
    expect(await ledger.claim('evt-2', at(0))).toBe('claimed');
  });

  it('holds a claim for its lease, then lets it be reclaimed and says so', async () => {
    const { ledger } = subject;
    expect(await ledger.claim('evt-3', at(0))).toBe('claimed');
    expect(await ledger.claim('evt-3', at(60_000))).toBe('in-flight');
    expect(await ledger.claim('evt-3', at(60_001))).toBe('reclaimed');
    expect(await ledger.claim('evt-3', at(60_002))).toBe('in-flight');
  });

  it('never releases a sent alert', async () => {
    const { ledger } = subject;
    await ledger.claim('evt-4', at(0));
    await ledger.markSent('evt-4', NOW, { severity: 'warning', rules: 'requiredTags' });
    await ledger.release('evt-4');
    expect(await ledger.claim('evt-4', at(0))).toBe('already-sent');
  });

  it('keeps the marker expiry it was given through the mark, and none when rows are kept forever', async () => {
    const { ledger, expiryOf } = subject;
    await ledger.claim('evt-5', { ...at(0), expiresAt: 1_900_000_000 });
    await ledger.markSent('evt-5', NOW, { severity: 'warning', rules: 'requiredTags' });
    expect(await expiryOf('evt-5')).toBe(1_900_000_000);
    await ledger.claim('evt-6', at(0));
    expect(await expiryOf('evt-6')).toBeUndefined();
  });
});
