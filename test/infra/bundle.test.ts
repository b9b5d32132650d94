/** The built Lambda bundle loads in a fresh Node.js process and handles events with no network call. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INVENTORY_ENTRY } from '../../lib/lambda-bundling';
import { buildLambdaBundle, sampleLambdaEnv } from '../../support/lambda-bundle';

describe('the Lambda bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-bundle-'));
  const bundle = join(dir, 'index.mjs');

  beforeAll(() => buildLambdaBundle(bundle), 60_000);

  it('stays under 460 KB with the SDK clients inside', () => {
    // 430 KB until violations went to the event bus by default (issue 17): the EventBridge client is 22 KB.
    // 446 KB until the settings were read through one schema that checks them against the build (issue 31).
    // 455 KB until rows were written compact (issue 33): the row codec is about 4 KB.
    expect(statSync(bundle).size).toBeLessThan(460_000);
  });

  it('carries the EventBridge client only for deploys that put violations on the bus', async () => {
    const quiet = join(dir, 'no-violation-events.mjs');
    await buildLambdaBundle(quiet, { violationEvents: false });
    expect(readFileSync(bundle, 'utf8')).toContain('PutEventsRequest');
    expect(readFileSync(quiet, 'utf8')).not.toContain('PutEventsRequest');
  });

  it('starts with a valid environment and acknowledges events that need no AWS call', () => {
    // Every build constant a feature reads was replaced: none is left to fail at run time.
    expect(readFileSync(bundle, 'utf8')).not.toContain('EC2TRAIL_BUILD');
    const script = join(dir, 'invoke.mjs');
    writeFileSync(
      script,
      `const { handler } = await import(${JSON.stringify(bundle)});
       const skipped = await handler({ 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource: 's3.amazonaws.com', eventName: 'CreateBucket' } });
       const malformed = await handler('not an event');
       process.stdout.write(JSON.stringify({ skipped: skipped.status, malformed: malformed.status }));`,
    );
    const output = execFileSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...sampleLambdaEnv(), POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    expect(output.split('\n').at(-1)).toBe('{"skipped":"skipped","malformed":"malformed"}');
  });

  it('carries the Organizations client only for deploys that read account names', async () => {
    const withNames = join(dir, 'with-names.mjs');
    await buildLambdaBundle(withNames, { accountNames: true });
    expect(readFileSync(bundle, 'utf8')).not.toContain('DescribeAccount');
    expect(readFileSync(withNames, 'utf8')).toContain('DescribeAccount');
    // The budget grew by 30 KB when the function learned to link service calls to people (issue 12),
    // by 20 KB with remediation's planner and alert texts (issue 16), by 22 KB with the
    // EventBridge client (issue 17), and by 4 KB with the finding builder and archiver, which
    // the handler imports whether or not the deploy turns Security Hub on (issue 17).
    expect(statSync(withNames).size).toBeLessThan(490_000);
  });

  it('carries the EC2 and Scheduler clients only for a policy that remediates in enforce mode', async () => {
    const enforcing = join(dir, 'enforce.mjs');
    await buildLambdaBundle(enforcing, { enforce: true });
    for (const command of ['CreateScheduleInput', 'StopInstancesRequest']) {
      expect(readFileSync(bundle, 'utf8')).not.toContain(command);
      expect(readFileSync(enforcing, 'utf8')).toContain(command);
    }
  });

  it('carries the EC2 and STS clients only for deploys that write owner tags', async () => {
    const tagging = join(dir, 'owner-tags.mjs');
    await buildLambdaBundle(tagging, { ownerTags: { tags: { Owner: 'person' }, overwrite: false } });
    for (const command of ['CreateTagsRequest', 'AssumeRoleRequest']) {
      expect(readFileSync(bundle, 'utf8')).not.toContain(command);
      expect(readFileSync(tagging, 'utf8')).toContain(command);
    }
  });

  it('carries the Security Hub client only for deploys that import findings', async () => {
    const importing = join(dir, 'security-hub.mjs');
    await buildLambdaBundle(importing, { securityHub: true });
    expect(readFileSync(bundle, 'utf8')).not.toContain('BatchImportFindingsRequest');
    expect(readFileSync(importing, 'utf8')).toContain('BatchImportFindingsRequest');
  });

  it('refuses to start without its environment', () => {
    const script = join(dir, 'bad-env.mjs');
    writeFileSync(script, `await import(${JSON.stringify(bundle)});`);
    expect(() =>
      execFileSync(process.execPath, [script], {
        encoding: 'utf8',
        stdio: 'pipe',
        env: { PATH: process.env.PATH },
      }),
    ).toThrow(/Invalid Lambda environment: TABLE_NAME: .*TOPIC_ARN: /);
  });

  it('builds the scheduled inventory function, which loads and names every setting it misses', async () => {
    const inventory = join(dir, 'inventory.mjs');
    await buildLambdaBundle(inventory, {}, INVENTORY_ENTRY);
    // A daily function: its size only costs a cold start a day (EC2, CloudTrail, Price List, S3, DynamoDB, STS, Organizations).
    expect(statSync(inventory).size).toBeLessThan(2_000_000);
    const script = join(dir, 'inventory-bad-env.mjs');
    writeFileSync(script, `await import(${JSON.stringify(inventory)});`);
    expect(() =>
      execFileSync(process.execPath, [script], {
        encoding: 'utf8',
        stdio: 'pipe',
        env: { PATH: process.env.PATH },
      }),
    ).toThrow(/TABLE_NAME: is not set.*FORGOTTEN_AFTER_DAYS: is not set.*HOME_ACCOUNT: is not set/s);
  });
});
