/**
 * `replay --apply-owner-tags`: a dry run by default that lists, per instance, the tags it would
 * get and writes nothing to EC2; usage mistakes refused before anything is read. Expected values
 * are read off the fixtures by hand (callers, times, the tags given at launch).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { FIXTURES } from '../helpers/fixtures';
import { dynamoClient, dynamoEndpoint, freshTable } from '../helpers/services';

function configFolder(ownerTags: object | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-replay-tags-'));
  writeFileSync(join(dir, 'ec2trail.config.json'), JSON.stringify(ownerTags ? { ownerTags } : {}));
  return dir;
}

const LAUNCHES = [
  'runinstances-iamuser-cli.json',
  'runinstances-root-console.json',
  'stoplogging-sso.json',
].map((f) => join(FIXTURES, 'events', f));

describe('ec2trail replay --apply-owner-tags', () => {
  it('lists the tags each launched instance would get and writes no tag', async () => {
    const client = dynamoClient();
    const table = await freshTable(client, 'replay-tags');
    client.destroy();
    const cwd = configFolder({ tags: { Owner: 'person', LaunchedAt: 'time' } });
    // Root's launch is read first; the lines come sorted by account/region, then instance id.
    const result = runCli(
      [
        'replay',
        ...[...LAUNCHES].reverse(),
        '--apply-owner-tags',
        '--endpoint-url',
        dynamoEndpoint(),
        '--table',
        table,
      ],
      { cwd },
    );
    expect(result.status).toBe(0);
    // alice's two instances launched with Owner=alice: only LaunchedAt; root's three get both.
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(
      [
        'i-0a1b2c3d4e5f60001\t111122223333/eu-west-1\tLaunchedAt=2026-03-02T09:15:04Z\t1 resource, kept: Owner',
        'i-0a1b2c3d4e5f60002\t111122223333/eu-west-1\tLaunchedAt=2026-03-02T09:15:04Z\t1 resource, kept: Owner',
        ...[1, 2, 3].map(
          (n) =>
            `i-0b1b2c3d4e5f6000${n}\t111122223333/us-east-1\tOwner=root LaunchedAt=2026-03-02T10:02:11Z\t1 resource`,
        ),
      ].sort(),
    );
    expect(result.stderr).toContain(
      'Owner tags, dry run (nothing was written): 2 launches, 5 instances: 8 tags on 5 resources, 2 kept (set at launch).',
    );
    // The rows are written as by any replay.
    expect(result.stderr).toMatch(/6 records written/);
  });

  it('refuses what it cannot do before reading anything', () => {
    const without = configFolder(undefined);
    const cases: [string[], string, string][] = [
      [['--apply-owner-tags'], without, '--apply-owner-tags needs the owner tags to write'],
      [['--yes'], configFolder({ tags: { Owner: 'person' } }), '--yes only applies with --apply-owner-tags'],
      [
        ['--apply-owner-tags', '--yes', '--local'],
        configFolder({ tags: { Owner: 'person' } }),
        '--local keeps the rows on this machine',
      ],
      [
        ['--config', 'ec2trail.config.json'],
        without,
        '--config only applies with --alerts or --apply-owner-tags',
      ],
    ];
    for (const [flags, cwd, message] of cases) {
      const result = runCli(['replay', LAUNCHES[0] as string, ...flags], { cwd });
      expect({ flags, status: result.status }).toEqual({ flags, status: 2 });
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
