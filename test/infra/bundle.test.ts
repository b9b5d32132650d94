/** The built Lambda bundle loads in a fresh Node.js process and handles events with no network call. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  ESM_REQUIRE_BANNER,
  INVENTORY_ENTRY,
  LAMBDA_ALIASES,
  LAMBDA_TARGET,
} from '../../lib/lambda-bundling';
import { buildLambdaBundle, sampleLambdaEnv } from '../../support/lambda-bundle';

describe('the Lambda bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-bundle-'));
  const bundle = join(dir, 'index.mjs');

  beforeAll(() => buildLambdaBundle(bundle), 60_000);

  it('stays under 440 KB with the SDK clients inside', () => {
    // 430 KB until violations went to the event bus by default (issue 17): the EventBridge client is 22 KB.
    // 446 KB until the settings were read through one schema that checks them against the build (issue 31).
    // 457 KB with the row codec and the lean ledger's readers (issue 33), 437 KB once the SDK's
    // event-stream codec, which no function's call uses, was left out.
    expect(statSync(bundle).size).toBeLessThan(440_000);
    expect(readFileSync(bundle, 'utf8')).not.toContain(':message-type');
  });

  it('leaves out the event-stream codec, and an S3 client still builds and sends', async () => {
    // The trail-file function reads the trail's objects with the S3 client, whose set-up wires
    // the event-stream capability up: the stand-in must let it build and send a plain call.
    const entry = join(dir, 's3-entry.mjs');
    writeFileSync(
      entry,
      `import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
       const s3 = new S3Client({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
       try { await s3.send(new ListBucketsCommand({})); process.stdout.write('answered'); }
       catch (error) { process.stdout.write(String(error.code ?? error.name)); }`,
    );
    const out = join(dir, 's3.mjs');
    await build({
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: LAMBDA_TARGET,
      mainFields: ['module', 'main'],
      banner: { js: ESM_REQUIRE_BANNER },
      alias: { ...LAMBDA_ALIASES },
      nodePaths: [join(__dirname, '..', '..', 'node_modules')],
      logLevel: 'error',
    });
    expect(readFileSync(out, 'utf8')).not.toContain(':message-type');
    // Nothing listens on port 9: the call got as far as the network.
    expect(execFileSync(process.execPath, [out], { encoding: 'utf8', env: sampleLambdaEnv() })).toBe(
      'ECONNREFUSED',
    );
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
