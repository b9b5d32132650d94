/**
 * Every command that calls AWS finds its region as the AWS CLI does (--region, AWS_REGION,
 * AWS_DEFAULT_REGION, the profile's region) and sends its calls where AWS_ENDPOINT_URL says. A
 * local HTTP endpoint stands in for AWS: it records the region each request was signed for (the
 * SigV4 credential scope) and answers with an error, so each command stops at its first call.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsClientConfig, EMULATOR_CREDENTIALS, resolveRegion } from '../../cli/aws-client-config';
import { ROOT, runCliAsync } from '../helpers/cli';

/** The region in `Credential=AKID/20261206/eu-west-3/cloudformation/aws4_request`. */
function signedRegion(authorization: string | undefined): string | null {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/.exec(authorization ?? '')?.[1] ?? null;
}

/** No shared config or credentials files: only the environment speaks. */
const none = { AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };

describe('the region, as the AWS CLI resolves it', () => {
  it('takes --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-region-'));
    const config = join(dir, 'config');
    writeFileSync(config, '[default]\nregion = ap-south-1\n[profile dev]\nregion = sa-east-1\n');
    const files = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    const all = { ...files, AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-3' };
    expect(resolveRegion({ region: 'ca-central-1' }, all)).toBe('ca-central-1');
    expect(resolveRegion({}, all)).toBe('us-west-2');
    expect(resolveRegion({}, { ...files, AWS_DEFAULT_REGION: 'eu-west-3' })).toBe('eu-west-3');
    expect(resolveRegion({}, files)).toBe('ap-south-1');
    expect(resolveRegion({ profile: 'dev' }, files)).toBe('sa-east-1');
    expect(resolveRegion({}, { ...files, AWS_PROFILE: 'dev' })).toBe('sa-east-1');
    expect(resolveRegion({}, none)).toBeUndefined();
  });
});

describe('every command that calls AWS', () => {
  let server: Server;
  let endpoint: string;
  const seen: { region: string | null; target: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push({
          region: signedRegion(request.headers.authorization),
          target: String(request.headers['x-amz-target'] ?? /Action=(\w+)/.exec(body)?.[1] ?? request.url),
        });
        response.writeHead(403, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>stand-in</Message></Error><RequestId>1</RequestId></ErrorResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-region-cmd-'));
  const COMMANDS: readonly (readonly string[])[] = [
    ['who', 'i-0123456789abcdef0'],
    ['activity', '--actor', 'alice'],
    ['recent'],
    ['digest'],
    ['report', '--html', join(cwd, 'report.html')],
    ['replay', join(ROOT, 'examples', 'eventbridge')],
    ['backfill', '--days', '1'],
    ['drain'],
    ['migrate', '--dry-run'],
    ['doctor'],
  ];

  it.each(COMMANDS.map((argv) => [argv[0], argv]))(
    '%s signs for AWS_DEFAULT_REGION and calls AWS_ENDPOINT_URL',
    async (_name, argv) => {
      seen.length = 0;
      const result = await runCliAsync(argv as string[], {
        cwd,
        env: {
          AWS_ENDPOINT_URL: endpoint,
          AWS_DEFAULT_REGION: 'eu-west-3',
          AWS_REGION: '',
          AWS_PROFILE: '',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_MAX_ATTEMPTS: '1',
          ...none,
        },
      });
      expect(result.status).toBe(1);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.map((s) => s.region)).toEqual(seen.map(() => 'eu-west-3'));
      // One line, not a stack trace.
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
  );
});

describe('--endpoint-url', () => {
  it('is the endpoint of every service a command calls, ahead of AWS_ENDPOINT_URL_<SERVICE>', () => {
    const env = { ...none, AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:1', AWS_REGION: 'eu-west-3' };
    for (const service of ['dynamodb', 'sns', 'sqs', 's3', 'sts', 'ec2', 'cloudformation', 'sfn'] as const)
      expect(awsClientConfig(service, { endpointUrl: 'http://127.0.0.1:8000' }, undefined, env)).toEqual({
        region: 'eu-west-3',
        endpoint: 'http://127.0.0.1:8000',
        credentials: EMULATOR_CREDENTIALS,
        ...(service === 'ec2' ? { maxAttempts: 5 } : {}),
      });
  });

  it("keeps the user's credentials and profile, and the region asked for", () => {
    const withKeys = { ...none, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' };
    expect(
      awsClientConfig('sns', { endpointUrl: 'http://e', profile: 'dev' }, 'ap-south-1', withKeys),
    ).toEqual({
      profile: 'dev',
      region: 'ap-south-1',
      endpoint: 'http://e',
    });
    expect(awsClientConfig('sns', { endpointUrl: 'http://e' }, undefined, withKeys)).toEqual({
      region: 'us-east-1',
      endpoint: 'http://e',
    });
  });

  it('leaves endpoints to the SDK without the flag', () => {
    expect(awsClientConfig('sns', { region: 'eu-west-1' }, undefined, none)).toEqual({ region: 'eu-west-1' });
  });
});
