/**
 * Policy violations as Security Hub findings in the AWS Security Finding Format (ASFF). Pure:
 * the adapter only imports what this builds.
 *
 * One finding per instance and rule for a launch, so Security Hub lists each instance that broke
 * each rule, and archiving one instance leaves the others open. Any other event (a protected
 * instance stopped, the trail stopped, a refused call) is one finding per event and rule: it
 * records something done, which terminating an instance does not undo.
 *
 * Finding ids are built from the instance or event and the rule only, never from the time, so
 * a redelivered or retried event updates its findings instead of adding copies, and the
 * terminate of an instance can name the findings of its launch without reading them back.
 */

import { byEventAbout, type Violation } from '../policy/evaluate';
import type { RuleId, Severity } from '../policy/schema';
import type { AttributionRecord } from '../record';
import { plural } from '../text';
import { personOf } from '../violation-event';
import type { FindingTarget, Partition } from './target';

export { type FindingTarget, findingTargetOf, type Partition, productArnOf } from './target';

/** The ASFF version every finding is written in (Security Hub accepts only this one). */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** Field limits from the AwsSecurityFinding API reference; longer values are refused, so they are cut. */
export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  recommendation: 512,
  productFieldValue: 2048,
  resources: 32,
  resourceTags: 50,
  tagValue: 256,
} as const;

export type SeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** ec2trail's three severities on Security Hub's five labels. */
export const SEVERITY_LABELS: Readonly<Record<Severity, SeverityLabel>> = {
  info: 'INFORMATIONAL',
  warning: 'MEDIUM',
  critical: 'CRITICAL',
};

/**
 * Each rule's title in Security Hub and its finding type. ASFF types are
 * `namespace/category/classifier`; the namespaces and categories are Security Hub's own. Written
 * out in full: esbuild keeps a table built with template literals in every bundle that imports
 * this module, even one that never builds a finding.
 */
export const RULE_FINDINGS: Readonly<Record<RuleId, { readonly title: string; readonly type: string }>> = {
  instanceType: {
    title: 'Instance type not allowed',
    type: 'Software and Configuration Checks/Industry and Regulatory Standards/ec2trail instance type',
  },
  maxInstancesPerLaunch: {
    title: 'Too many instances in one launch',
    type: 'Effects/Resource Consumption/ec2trail instances per launch',
  },
  requiredTags: {
    title: 'Required tags missing',
    type: 'Software and Configuration Checks/Industry and Regulatory Standards/ec2trail required tags',
  },
  allowedRegions: {
    title: 'Launch outside the allowed regions',
    type: 'Software and Configuration Checks/Industry and Regulatory Standards/ec2trail regions',
  },
  ami: {
    title: 'Image (AMI) not allowed',
    type: 'Software and Configuration Checks/AWS Security Best Practices/ec2trail approved images',
  },
  imdsv2Required: {
    title: 'IMDSv2 not required',
    type: 'Software and Configuration Checks/AWS Security Best Practices/ec2trail IMDSv2',
  },
  publicIpForbidden: {
    title: 'Public IP address',
    type: 'Software and Configuration Checks/AWS Security Best Practices/ec2trail public IP',
  },
  unencryptedVolumesForbidden: {
    title: 'Unencrypted EBS volumes',
    type: 'Software and Configuration Checks/AWS Security Best Practices/ec2trail EBS encryption',
  },
  rootUser: { title: 'Root user call', type: 'Unusual Behaviors/User/ec2trail root user' },
  consoleWithoutMfa: {
    title: 'Console call without MFA',
    type: 'Software and Configuration Checks/AWS Security Best Practices/ec2trail console without MFA',
  },
  allowedLaunchers: {
    title: 'Launch by a caller not allowed',
    type: 'Unusual Behaviors/User/ec2trail launcher',
  },
  launchHours: {
    title: 'Launch outside working hours',
    type: 'Unusual Behaviors/User/ec2trail launch hours',
  },
  failedAttempts: { title: 'Refused EC2 call', type: 'Unusual Behaviors/User/ec2trail refused call' },
  protectedInstances: {
    title: 'Protected instance stopped or terminated',
    type: 'Effects/Denial of Service/ec2trail protected instance',
  },
  launchQuota: { title: 'Launch quota exceeded', type: 'Effects/Resource Consumption/ec2trail launch quota' },
  trailTampering: {
    title: 'CloudTrail logging changed',
    type: 'TTPs/Defense Evasion/ec2trail trail tampering',
  },
  serviceLaunches: {
    title: 'Service changed instances',
    type: 'Unusual Behaviors/User/ec2trail service change',
  },
};

/** The ASFF fields ec2trail writes: the adapter checks this shape against the SDK's `AwsSecurityFinding`. */
export interface Finding {
  readonly SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  readonly Id: string;
  readonly ProductArn: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly FirstObservedAt?: string;
  readonly LastObservedAt?: string;
  readonly Severity: { readonly Label: SeverityLabel; readonly Original: string };
  /** Security Hub keeps the provider's severity and types here once a customer has changed theirs. */
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: SeverityLabel; readonly Original: string };
    readonly Types: string[];
  };
  readonly Title: string;
  readonly Description: string;
  readonly Remediation?: { readonly Recommendation: { readonly Text: string } };
  readonly ProductFields: Record<string, string>;
  readonly Resources: FindingResource[];
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
}

export interface FindingResource {
  readonly Type: 'AwsEc2Instance' | 'AwsCloudTrailTrail' | 'AwsAccount';
  readonly Id: string;
  readonly Partition: Partition;
  readonly Region: string;
  readonly Tags?: Record<string, string>;
  readonly Details?: { readonly AwsEc2Instance: Ec2InstanceDetails };
}

export interface Ec2InstanceDetails {
  readonly Type?: string;
  readonly ImageId?: string;
  readonly KeyName?: string;
  readonly VpcId?: string;
  readonly SubnetId?: string;
  readonly IpV4Addresses?: string[];
  readonly IamInstanceProfileArn?: string;
  readonly LaunchedAt?: string;
  readonly MetadataOptions?: { readonly HttpTokens: string };
}

/** `text` within `max` characters, cut on a character boundary with an ellipsis. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Security Hub accepts RFC 3339 times; CloudTrail's are, but a record without one gets `fallback`. */
function timeOf(value: string | null | undefined, fallback: Date): string {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? fallback.toISOString() : new Date(ms).toISOString();
}

function partitionOfRegion(
  region: string,
  fallback: FindingResource['Partition'],
): FindingResource['Partition'] {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return region ? 'aws' : fallback;
}

/** The id of a launch finding: account, region, instance and rule (stable across deliveries). */
export function instanceFindingId(account: string, region: string, instanceId: string, rule: RuleId): string {
  return `ec2trail/${account}/${region}/instance/${instanceId}/${rule}`;
}

/** The id of an event finding: account, region, event and rule. */
export function eventFindingId(account: string, region: string, eventKey: string, rule: RuleId): string {
  return `ec2trail/${account}/${region}/event/${eventKey}/${rule}`;
}

/** Where the record happened, with the deploy's own account and region for what CloudTrail left out. */
function placeOf(record: AttributionRecord | undefined, target: FindingTarget) {
  const account = record?.account ?? target.account;
  const region = record?.region ?? target.region;
  return { account, region, partition: partitionOfRegion(region, target.partition) };
}

function tagsOf(tags: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  const entries = Object.entries(tags ?? {}).slice(0, ASFF_LIMITS.resourceTags);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, clip(v, ASFF_LIMITS.tagValue)]));
}

/** What CloudTrail said about the launched instance, in ASFF's `AwsEc2Instance` details. */
function instanceDetails(record: AttributionRecord): Ec2InstanceDetails | undefined {
  const launch = record.launch;
  if (!launch) return undefined;
  const details: Record<string, unknown> = {
    ...(launch.instanceType ? { Type: launch.instanceType } : {}),
    ...(launch.imageId ? { ImageId: launch.imageId } : {}),
    ...(launch.keyName ? { KeyName: launch.keyName } : {}),
    ...(launch.vpcId ? { VpcId: launch.vpcId } : {}),
    ...(launch.subnetId ? { SubnetId: launch.subnetId } : {}),
    ...(launch.privateIpAddress ? { IpV4Addresses: [launch.privateIpAddress] } : {}),
    // The request may name the profile rather than give its ARN; only an ARN fits this field.
    ...(launch.iamInstanceProfile?.startsWith('arn:')
      ? { IamInstanceProfileArn: launch.iamInstanceProfile }
      : {}),
    ...(record.eventTime ? { LaunchedAt: timeOf(record.eventTime, new Date(0)) } : {}),
    ...(launch.httpTokens ? { MetadataOptions: { HttpTokens: launch.httpTokens } } : {}),
  };
  return Object.keys(details).length > 0 ? (details as Ec2InstanceDetails) : undefined;
}

function instanceResource(
  record: AttributionRecord,
  instanceId: string,
  target: FindingTarget,
): FindingResource {
  const { account, region, partition } = placeOf(record, target);
  const details = instanceDetails(record);
  const tags = tagsOf(record.launch?.tags);
  return {
    Type: 'AwsEc2Instance',
    Id: `arn:${partition}:ec2:${region}:${account}:instance/${instanceId}`,
    Partition: partition,
    Region: region,
    ...(tags ? { Tags: tags } : {}),
    ...(details ? { Details: { AwsEc2Instance: details } } : {}),
  };
}

/** What an event without instances is about: the trail it changed, else the account. */
function eventResource(record: AttributionRecord | undefined, target: FindingTarget): FindingResource {
  const { account, region, partition } = placeOf(record, target);
  const trail = record?.trail;
  if (trail)
    return {
      Type: 'AwsCloudTrailTrail',
      Id: trail.startsWith('arn:')
        ? trail
        : `arn:${partition}:cloudtrail:${region}:${account}:trail/${trail}`,
      Partition: partition,
      Region: region,
    };
  return { Type: 'AwsAccount', Id: `AWS::::Account:${account}`, Partition: partition, Region: region };
}

/** Fields a person filtering findings in Security Hub needs: who, what call, which event. */
function productFields(record: AttributionRecord | undefined, rule: RuleId): Record<string, string> {
  return fieldsOf({
    'ec2trail/rule': rule,
    'ec2trail/person': personOf(record),
    'ec2trail/actorArn': record?.actor.arn,
    'ec2trail/eventName': record?.eventName,
    'ec2trail/eventKey': record?.eventKey,
    'ec2trail/account': record?.account,
    'ec2trail/region': record?.region,
  });
}

/** The fields that have a value, each within Security Hub's limit. */
function fieldsOf(fields: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).flatMap(([k, v]) => (v ? [[k, clip(v, ASFF_LIMITS.productFieldValue)]] : [])),
  );
}

function who(record: AttributionRecord | undefined): string {
  const person = personOf(record) ?? 'an unknown caller';
  const arn = record?.actor.arn;
  return arn && arn !== person ? `${person} (${arn})` : person;
}

interface Common {
  readonly id: string;
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly title: string;
  readonly description: string;
  readonly fields: Record<string, string>;
  readonly resources: FindingResource[];
  /** When the finding record was first made: on its first import, the import's time. */
  readonly createdAt: string;
  /** The call the finding is about: when it was first observed. */
  readonly firstObservedAt: string;
  readonly lastObservedAt: string;
  readonly advice: string | undefined;
  readonly state: Finding['RecordState'];
}

function finding(common: Common, target: FindingTarget, now: Date): Finding {
  const severity = { Label: SEVERITY_LABELS[common.severity], Original: common.severity };
  const types = [RULE_FINDINGS[common.rule].type];
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: common.id,
    ProductArn: target.productArn,
    GeneratorId: `ec2trail/${common.rule}`,
    // Custom findings must be in the account that imports them, whichever account the instance is in.
    AwsAccountId: target.account,
    Types: types,
    // ASFF: a new finding's CreatedAt and UpdatedAt are the same; the event's time is FirstObservedAt.
    CreatedAt: common.createdAt,
    UpdatedAt: now.toISOString(),
    FirstObservedAt: common.firstObservedAt,
    LastObservedAt: common.lastObservedAt,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: clip(common.title, ASFF_LIMITS.title),
    Description: clip(common.description, ASFF_LIMITS.description),
    ...(common.advice
      ? { Remediation: { Recommendation: { Text: clip(common.advice, ASFF_LIMITS.recommendation) } } }
      : {}),
    ProductFields: common.fields,
    Resources: common.resources,
    RecordState: common.state,
  };
}

/** A successful launch whose instances are known: its findings are per instance. */
function isInstanceLaunch(records: readonly AttributionRecord[]): boolean {
  const first = records[0];
  return first?.action === 'launch' && first.outcome === 'success' && records.some((r) => r.instanceId);
}

export interface FindingOptions {
  readonly target: FindingTarget;
  readonly now: Date;
  /** What to do about each rule (the policy's advice, else the default). */
  readonly advice: Readonly<Partial<Record<RuleId, string>>>;
}

/**
 * The findings of one alert: `violations` about `records` (an event's records, one per instance,
 * or the stop or terminate a protected-instance violation is about).
 */
export function findingsFor(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  { target, now, advice }: FindingOptions,
): Finding[] {
  const first = records[0];
  const observedAt = timeOf(first?.eventTime, now);
  // Made now: imported once, when the alert is sent.
  const createdAt = now.toISOString();
  const { account, region } = placeOf(first, target);
  const rules = [...new Map(violations.map((v) => [v.rule, v])).values()];
  const call = `${first?.eventName ?? 'an EC2 call'} by ${who(first)} at ${observedAt} in ${account} ${region}`;
  if (isInstanceLaunch(records)) {
    return records.flatMap((record) => {
      const instanceId = record.instanceId;
      if (!instanceId) return [];
      return rules.map((v) =>
        finding(
          {
            id: instanceFindingId(account, region, instanceId, v.rule),
            rule: v.rule,
            severity: v.severity,
            title: `${RULE_FINDINGS[v.rule].title}: ${instanceId} launched by ${personOf(record) ?? 'an unknown caller'}`,
            description: `${v.message}. Launched with ${call}.`,
            fields: productFields(record, v.rule),
            resources: [instanceResource(record, instanceId, target)],
            createdAt,
            firstObservedAt: observedAt,
            lastObservedAt: observedAt,
            advice: advice[v.rule],
            state: 'ACTIVE',
          },
          target,
          now,
        ),
      );
    });
  }
  const instances = records.flatMap((r) => (r.instanceId ? [{ record: r, id: r.instanceId }] : []));
  const resources =
    instances.length > 0
      ? instances.slice(0, ASFF_LIMITS.resources).map((i) => instanceResource(i.record, i.id, target))
      : [eventResource(first, target)];
  const more = instances.length - resources.length;
  return rules.map((v) =>
    finding(
      {
        id: eventFindingId(account, region, first?.eventKey ?? 'unknown', v.rule),
        rule: v.rule,
        severity: v.severity,
        title: `${RULE_FINDINGS[v.rule].title}: ${first?.eventName ?? 'call'} by ${personOf(first) ?? 'an unknown caller'}`,
        description: `${v.message}. ${call}${more > 0 ? `; ${plural(more, 'more instance', 'more instances')} than the ${resources.length} listed` : ''}.`,
        fields: productFields(first, v.rule),
        resources,
        createdAt,
        firstObservedAt: observedAt,
        lastObservedAt: observedAt,
        advice: advice[v.rule],
        state: 'ACTIVE',
      },
      target,
      now,
    ),
  );
}

/** The launch of a terminated instance, as its stored row and alert marker tell it. */
export interface AlertedLaunch {
  readonly instanceId: string;
  readonly launchEventKey: string;
  readonly launchedAt: string | null;
  /** Who launched it, as its row says. */
  readonly launchedBy: string | null;
  /** The rules its launch alert listed. */
  readonly rules: readonly RuleId[];
  /** Each rule's severity (the policy's now, else the alert's highest). */
  readonly severities: Readonly<Partial<Record<RuleId, Severity>>>;
  readonly alertSeverity: Severity;
  /** When the launch's alert went out, which is when its findings were made; null when not kept. */
  readonly alertSentAt: string | null;
}

/**
 * The launch findings of a terminated instance, archived: same ids as when they were imported,
 * so Security Hub moves them out of the active list rather than adding new ones.
 */
export function archivedFindings(
  terminate: AttributionRecord,
  launch: AlertedLaunch,
  { target, now, advice }: FindingOptions,
): Finding[] {
  const { account, region } = placeOf(terminate, target);
  const launchedAt = timeOf(launch.launchedAt, now);
  // The record's creation does not change on update: the alert's time, which made it, else the launch's.
  const createdAt = launch.alertSentAt ?? launchedAt;
  const terminatedAt = timeOf(terminate.eventTime, now);
  const resource = instanceResource({ ...terminate, launch: null }, launch.instanceId, target);
  return launch.rules.map((rule) =>
    finding(
      {
        id: instanceFindingId(account, region, launch.instanceId, rule),
        rule,
        severity: launch.severities[rule] ?? launch.alertSeverity,
        title: `${RULE_FINDINGS[rule].title}: ${launch.instanceId} (terminated)`,
        description: `${launch.instanceId} broke ${rule} when it was launched at ${launchedAt}. It was terminated with ${terminate.eventName} by ${who(terminate)} at ${terminatedAt}, so this finding is archived.`,
        // Provider fields are replaced on update: the launch's stay, the terminate's are added.
        fields: fieldsOf({
          'ec2trail/rule': rule,
          'ec2trail/person': launch.launchedBy,
          'ec2trail/eventKey': launch.launchEventKey,
          'ec2trail/account': terminate.account,
          'ec2trail/region': terminate.region,
          'ec2trail/terminatedBy': personOf(terminate),
          'ec2trail/terminateEventKey': terminate.eventKey,
        }),
        resources: [resource],
        createdAt,
        firstObservedAt: launchedAt,
        lastObservedAt: terminatedAt,
        advice: advice[rule],
        state: 'ARCHIVED',
      },
      target,
      now,
    ),
  );
}

/**
 * Every finding one event's violations make, grouped as the function alerts them: its own
 * violations about its records, and each protected-instance violation about the stop or
 * terminate it concerns.
 */
export function findingsOfEvent(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  options: FindingOptions,
): Finding[] {
  const own = violations.filter((v) => v.about === undefined);
  const findings = own.length > 0 ? findingsFor(records, own, options) : [];
  for (const group of byEventAbout(violations).values())
    findings.push(...findingsFor(group.about, group.violations, options));
  return findings;
}
