/**
 * One schema per function: what the CDK side writes is what the function reads. The expected
 * values are the environment each case is built from; the problems name the settings AWS would
 * reject or the function could not act without.
 */

import { parsePolicy } from '../../lambda/domain';
import { buildConstants, missingSettings } from '../../lambda/settings/build';
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
  it('reads the attribution function in full', () => {
    const env = environmentOf('attribution', {
      ...BASE,
      CHAT_NOTIFICATIONS: 'custom',
      RETENTION_DAYS: '400',
      ACCOUNT_NAMES: 'organizations',
      HOME_ACCOUNT: '111122223333',
      ...SCHEDULING,
      MEMBER_TAG_ROLE: 'ec2trail-owner-tags',
      MEMBER_TAG_EXTERNAL_ID: 'a1b2c3d4-stack-uuid',
      PARTITION: 'aws',
      SECURITY_HUB_PRODUCT_ARN: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
    });
    expect(readSettings('attribution', env)).toEqual({
      tableName: 'attribution',
      topicArn: TOPIC,
      chat: true,
      retentionDays: 400,
      accountNames: true,
      homeAccount: '111122223333',
      scheduling: {
        groupName: 'ec2trail',
        functionArn: SCHEDULING.REMEDIATION_FUNCTION_ARN,
        roleArn: SCHEDULING.SCHEDULER_ROLE_ARN,
        deadLetterArn: SCHEDULING.SCHEDULE_DLQ_ARN,
      },
      memberTagging: { roleName: 'ec2trail-owner-tags', externalId: 'a1b2c3d4-stack-uuid', partition: 'aws' },
      securityHub: {
        productArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
        partition: 'aws',
        region: 'eu-west-1',
        account: '111122223333',
      },
    });
  });

  it('leaves unset optional settings out of the environment, and reads them as off', () => {
    const env = environmentOf('trailFile', { ...BASE, RETENTION_DAYS: undefined });
    expect(env).toEqual(BASE);
    expect(readSettings('trailFile', env)).toMatchObject({
      chat: false,
      retentionDays: undefined,
      homeAccount: null,
      scheduling: null,
      memberTagging: null,
      securityHub: null,
    });
  });

  it('names every problem at once, and what is missing from a group', () => {
    const read = () =>
      readSettings('attribution', {
        TOPIC_ARN: 'not-an-arn',
        RETENTION_DAYS: '0',
        SCHEDULE_GROUP: 'ec2trail',
        MEMBER_TAG_ROLE: 'ec2trail-owner-tags',
      });
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(
      'Invalid Lambda environment: TABLE_NAME: is not set; TOPIC_ARN: must be an SNS topic ARN; RETENTION_DAYS: must be from 1 to 36500 days',
    );
  });

  it('refuses half a group: scheduling without its function, member tagging without its external id', () => {
    expect(() =>
      readSettings('attribution', {
        ...BASE,
        SCHEDULE_GROUP: 'ec2trail',
        MEMBER_TAG_ROLE: 'ec2trail-owner-tags',
        PARTITION: 'aws',
      }),
    ).toThrow(
      'REMEDIATION_FUNCTION_ARN, SCHEDULER_ROLE_ARN, SCHEDULE_DLQ_ARN: must be set with SCHEDULE_GROUP; MEMBER_TAG_EXTERNAL_ID: must be set with MEMBER_TAG_ROLE, PARTITION',
    );
  });

  it('reads the remediation, digest and relay functions', () => {
    expect(readSettings('remediation', { ...BASE, HOME_ACCOUNT: '111122223333' })).toEqual({
      tableName: 'attribution',
      topicArn: TOPIC,
      chat: false,
      homeAccount: '111122223333',
    });
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
  const plain = readSettings('attribution', BASE);
  const dryRun = parsePolicy(
    {
      rules: { requiredTags: { tags: { Owner: null }, remediate: 'tag' } },
      remediation: { mode: 'dry-run' },
    },
    'test',
  );

  it('needs nothing more when every feature is off', () => {
    expect(missingSettings(buildConstants(parsePolicy({ rules: {} }, 'test')), plain)).toEqual([]);
  });

  it('needs the home account for owner tags or remediation, the schedules for enforce, the product ARN for Security Hub', () => {
    const everything = buildConstants(dryRun, {
      ownerTags: { tags: { Owner: 'person' }, overwrite: false },
      enforce: true,
      securityHub: true,
    });
    expect(missingSettings(everything, plain).map((p) => p.split(':')[0])).toEqual([
      'HOME_ACCOUNT',
      'SCHEDULE_GROUP',
      'SECURITY_HUB_PRODUCT_ARN',
    ]);
    expect(missingSettings(buildConstants(dryRun), plain).map((p) => p.split(':')[0])).toEqual([
      'HOME_ACCOUNT',
    ]);
  });
});
