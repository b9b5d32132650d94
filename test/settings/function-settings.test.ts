/**
 * One schema per function: what the CDK side writes is what the function reads. The expected
 * values are the environment each case is built from; the problems name the settings AWS would
 * reject or the function could not act without.
 */

import { parsePolicy } from '../../lambda/domain';
import { readMemberTagging } from '../../lambda/features/owner-tags/contract';
import { readScheduling } from '../../lambda/features/remediation/contract';
import { readSecurityHubSettings } from '../../lambda/features/security-hub/contract';
import { featureProblems } from '../../lambda/runtime/recording-settings';
import { environmentOf, readSettings, SettingsError } from '../../lambda/settings/functions';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:alerts';
const BASE = { TABLE_NAME: 'attribution', TOPIC_ARN: TOPIC };
const SCHEDULING = {
  SCHEDULE_GROUP: 'ec2trail',
  REMEDIATION_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111122223333:function:remediate',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/scheduler',
  SCHEDULE_DLQ_ARN: 'arn:aws:sqs:eu-west-1:111122223333:schedule-dlq',
};

describe('a function reads the settings the CDK side wrote', () => {
  it('reads the attribution function in full, and each feature its own settings', () => {
    const env = {
      ...environmentOf('attribution', {
        ...BASE,
        CHAT_NOTIFICATIONS: 'custom',
        RETENTION_DAYS: '400',
        ACCOUNT_NAMES: 'organizations',
        HOME_ACCOUNT: '111122223333',
      }),
      ...SCHEDULING,
      MEMBER_TAG_ROLE: 'ec2trail-owner-tags',
      MEMBER_TAG_EXTERNAL_ID: 'a1b2c3d4-stack-uuid',
      PARTITION: 'aws',
      SECURITY_HUB_PRODUCT_ARN: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
    };
    expect(readSettings('attribution', env)).toEqual({
      tableName: 'attribution',
      topicArn: TOPIC,
      chat: true,
      retentionDays: 400,
      accountNames: true,
      homeAccount: '111122223333',
      legacyKeys: false,
    });
    expect(readScheduling(env)).toEqual({
      value: {
        groupName: 'ec2trail',
        functionArn: SCHEDULING.REMEDIATION_FUNCTION_ARN,
        roleArn: SCHEDULING.SCHEDULER_ROLE_ARN,
        deadLetterArn: SCHEDULING.SCHEDULE_DLQ_ARN,
      },
      problems: [],
    });
    expect(readMemberTagging(env).value).toEqual({
      roleName: 'ec2trail-owner-tags',
      externalId: 'a1b2c3d4-stack-uuid',
      partition: 'aws',
    });
    expect(readSecurityHubSettings(env).value).toEqual({
      productArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      partition: 'aws',
      region: 'eu-west-1',
      account: '111122223333',
    });
  });

  it('leaves unset optional settings out of the environment, and reads them as off', () => {
    const env = environmentOf('trailFile', { ...BASE, RETENTION_DAYS: undefined });
    expect(env).toEqual(BASE);
    expect(readSettings('trailFile', env)).toMatchObject({
      chat: false,
      retentionDays: undefined,
      homeAccount: null,
    });
    expect(readScheduling(env)).toEqual({ value: null, problems: [] });
    expect(readMemberTagging(env)).toEqual({ value: null, problems: [] });
    expect(readSecurityHubSettings(env)).toEqual({ value: null, problems: [] });
  });

  it('names every problem at once, and what is missing from a group', () => {
    const read = () =>
      readSettings('attribution', {
        TOPIC_ARN: 'not-an-arn',
        RETENTION_DAYS: '0',
      });
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(
      'Invalid Lambda environment: TABLE_NAME: is not set; TOPIC_ARN: must be an SNS topic ARN; RETENTION_DAYS: must be from 1 to 36500 days',
    );
  });

  it('refuses half a group: scheduling without its function, member tagging without its external id', () => {
    const start = {
      env: { ...BASE, SCHEDULE_GROUP: 'ec2trail', MEMBER_TAG_ROLE: 'ec2trail-owner-tags', PARTITION: 'aws' },
      settings: readSettings('attribution', BASE),
      policy: parsePolicy({ rules: {} }, 'test'),
    };
    expect(featureProblems(start, {})).toEqual([
      'REMEDIATION_FUNCTION_ARN, SCHEDULER_ROLE_ARN, SCHEDULE_DLQ_ARN: must be set with SCHEDULE_GROUP',
      'MEMBER_TAG_EXTERNAL_ID: must be set with MEMBER_TAG_ROLE, PARTITION',
    ]);
  });

  it('refuses a product ARN that is not an account default product', () => {
    expect(
      readSecurityHubSettings({
        SECURITY_HUB_PRODUCT_ARN: 'arn:aws:securityhub:eu-west-1:111122223333:product/444455556666/default',
      }).problems,
    ).toEqual([
      "SECURITY_HUB_PRODUCT_ARN: must be an account's default product ARN (arn:aws:securityhub:<region>:<account>:product/<account>/default)",
    ]);
  });

  it('reads the remediation, digest and relay functions', () => {
    expect(readSettings('remediation', { ...BASE, HOME_ACCOUNT: '111122223333' })).toEqual({
      tableName: 'attribution',
      topicArn: TOPIC,
      chat: false,
      homeAccount: '111122223333',
      legacyKeys: false,
    });
    // While a table is being moved (steps 1 and 2), rows carry the legacy keys too.
    expect(
      readSettings('remediation', { ...BASE, HOME_ACCOUNT: '111122223333', ROW_KEYS: 'with-legacy' })
        .legacyKeys,
    ).toBe(true);
    expect(() => readSettings('remediation', BASE)).toThrow('HOME_ACCOUNT: is not set');
    expect(readSettings('digest', { ...BASE, PERSONAL_DIGESTS: 'on' })).toEqual({
      tableName: 'attribution',
      topicArn: TOPIC,
      chat: false,
      personal: true,
    });
    expect(readSettings('alarmRelay', { TOPIC_ARN: TOPIC })).toEqual({ topicArn: TOPIC });
  });
});

describe('the bundle names the settings its features read', () => {
  const start = (policy = parsePolicy({ rules: {} }, 'test')) => ({
    env: BASE,
    settings: readSettings('attribution', BASE),
    policy,
  });
  const dryRun = parsePolicy(
    {
      rules: { requiredTags: { tags: { Owner: null }, remediate: 'tag' } },
      remediation: { mode: 'dry-run' },
    },
    'test',
  );

  it('needs nothing more when every feature is off', () => {
    expect(
      featureProblems(start(), {
        ownerTags: null,
        enforce: false,
        violationEvents: false,
        securityHub: false,
      }),
    ).toEqual([]);
  });

  it('needs the home account for owner tags or remediation, the schedules for enforce, the product ARN for Security Hub', () => {
    const everything = {
      ownerTags: { tags: { Owner: 'person' as const }, overwrite: false },
      enforce: true,
      violationEvents: true,
      securityHub: true,
    };
    // The home account is named once, though owner tags and remediation both need it.
    expect(featureProblems(start(dryRun), everything).map((p) => p.split(':')[0])).toEqual([
      'HOME_ACCOUNT',
      'SCHEDULE_GROUP',
      'SECURITY_HUB_PRODUCT_ARN',
    ]);
    expect(featureProblems(start(dryRun), {}).map((p) => p.split(':')[0])).toEqual(['HOME_ACCOUNT']);
  });
});
