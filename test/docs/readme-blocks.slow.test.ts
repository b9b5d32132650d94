/**
 * The README's blocks that talk to AWS, word for word: "Your own account, without deploying
 * anything" (backfill from Event history, then the local store) and "Query" (the deployed
 * table, found through the stack's outputs). Local HTTP stand-ins answer for CloudTrail's
 * LookupEvents and CloudFormation's DescribeStacks (AWS_ENDPOINT_URL_<SERVICE>); the table is
 * the run's DynamoDB Local. The example trail is moved in time so that its refused call was an
 * hour ago, so the README's relative windows (30d, 24h) find rows whatever today's date.
 * Slow: backfill paces LookupEvents at two calls a second, as CloudTrail documents.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CliResult, outputOf, ROOT } from '../helpers/cli';
import { dynamoClient, dynamoEndpoint, freshTable } from '../helpers/services';

const ENTRY = join(ROOT, 'bin', 'ec2trail.mjs');
/** contractor-bob's refused RunInstances in examples/AWSLogs. */
const REFUSED_AT = Date.parse('2026-03-05T12:01:00Z');

function block(heading: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(heading);
  const body = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(start))?.[1];
  if (start < 0 || !body) throw new Error(`README.md has no sh block under "${heading}"`);
  return body.split('\n').filter((line) => line.trim() !== '');
}

/** Every record of the example trail's log files, moved by `shiftMs`. */
function shiftedRecords(shiftMs: number): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json.gz'))
        for (const record of (
          JSON.parse(gunzipSync(readFileSync(path)).toString()) as { Records: Record<string, unknown>[] }
        ).Records)
          records.push({
            ...record,
            eventTime: new Date(Date.parse(String(record.eventTime)) + shiftMs)
              .toISOString()
              .replace('.000Z', 'Z'),
          });
    }
  };
  walk(join(ROOT, 'examples', 'AWSLogs'));
  return records;
}

function serve(
  handler: (target: string, body: string) => { type: string; body: string },
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const answer = handler(String(request.headers['x-amz-target'] ?? ''), body);
      response.writeHead(200, { 'content-type': answer.type });
      response.end(answer.body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        server,
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      });
    }),
  );
}

/** A README line through bash, `npx ec2trail` being this checkout's CLI; not blocking the stand-ins. */
function sh(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(
    'bash',
    [
      '-c',
      `npx() { [ "$1" = ec2trail ] || return 127; shift; "${process.execPath}" "${ENTRY}" "$@"; }\n${line}`,
    ],
    { cwd, env: { ...process.env, COLUMNS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return outputOf(child, line, 300_000);
}

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: '' };

describe('the README blocks that talk to AWS', () => {
  const records = shiftedRecords(Date.now() - 3_600_000 - REFUSED_AT);
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));

  it('your own account: backfill from Event history into the local store, then recent and who', async () => {
    const asked = new Set<string>();
    const cloudtrail = await serve((target, body) => {
      expect(target).toBe('CloudTrail_20131101.LookupEvents');
      const request = JSON.parse(body) as { LookupAttributes: { AttributeValue: string }[] };
      const name = request.LookupAttributes[0]?.AttributeValue ?? '';
      asked.add(name);
      const events = records
        .filter((r) => String(r.eventName).trim() === name)
        .map((r) => ({ EventId: r.eventID, EventName: name, CloudTrailEvent: JSON.stringify(r) }));
      // Every window gets every event of the name: backfill keeps each once (the rest are duplicates).
      return { type: 'application/x-amz-json-1.1', body: JSON.stringify({ Events: events }) };
    });
    servers.push(cloudtrail.server);
    const client = dynamoClient();
    const table = await freshTable(client, 'readme-own');
    client.destroy();
    const env = {
      ...CREDENTIALS,
      AWS_ENDPOINT_URL_CLOUDTRAIL: cloudtrail.url,
      EC2TRAIL_LOCAL_ENDPOINT: dynamoEndpoint(),
      EC2TRAIL_LOCAL_TABLE: table,
    };
    const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-readme-own-'));
    const lines = block('### Your own account, without deploying anything');
    expect(lines).toHaveLength(3);
    const [backfill, recent, who] = await lines.reduce<Promise<Awaited<ReturnType<typeof sh>>[]>>(
      async (done, line) => [...(await done), await sh(line, cwd, env)],
      Promise.resolve([]),
    );
    expect(backfill?.status).toBe(0);
    expect(asked.has('RunInstances')).toBe(true);
    expect(recent?.status).toBe(0);
    expect((JSON.parse(recent?.stdout ?? '[]') as unknown[]).length).toBeGreaterThan(5);
    expect(who?.status).toBe(0);
    const rows = JSON.parse(who?.stdout ?? '[]') as { action: string }[];
    expect(rows.at(-1)?.action).toBe('launch');
  }, 600_000);

  it('query: who, activity and recent on the deployed table, found through the stack', async () => {
    const client = dynamoClient();
    const table = await freshTable(client, 'readme-query');
    client.destroy();
    const cloudformation = await serve(() => ({
      type: 'text/xml',
      body: `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>Ec2Trail</StackName><StackId>arn:aws:cloudformation:us-east-1:111122223333:stack/Ec2Trail/1</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs><member><OutputKey>AttributionTableName</OutputKey><OutputValue>${table}</OutputValue></member></Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    }));
    servers.push(cloudformation.server);
    const trail = mkdtempSync(join(tmpdir(), 'ec2trail-readme-trail-'));
    mkdirSync(join(trail, 'events'));
    writeFileSync(join(trail, 'events', 'trail.json'), JSON.stringify({ Records: records }));
    const env = {
      ...CREDENTIALS,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
    };
    const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-readme-query-'));
    expect((await sh(`npx ec2trail replay ${join(trail, 'events')}`, cwd, env)).status).toBe(0);
    const lines = block('## Query');
    expect(lines).toHaveLength(3);
    const results = [];
    for (const line of lines) results.push(await sh(line, cwd, env));
    const [who, activity, recent] = results.map((r) => {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as { action: string; outcome: string; actor: { name: string } }[];
    });
    expect(who?.map((r) => r.action)).toEqual(['terminate', 'connect', 'start', 'stop', 'launch']);
    expect(activity?.every((r) => r.actor.name === 'alice')).toBe(true);
    expect(activity?.length).toBeGreaterThan(0);
    expect(recent?.map((r) => [r.outcome, r.actor.name])).toEqual([['failed', 'contractor-bob']]);
  }, 300_000);
});
