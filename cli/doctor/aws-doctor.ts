/** The doctor's AWS calls: read-only, one client per service and region. */

import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStackSetCommand,
  DescribeStacksCommand,
  paginateListStackInstances,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribePolicyCommand,
  ListParentsCommand,
  OrganizationsClient,
  paginateListPoliciesForTarget,
} from '@aws-sdk/client-organizations';
import { GetBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { paginateListSubscriptionsByTopic, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { METRICS_NAMESPACE } from '../../lambda/telemetry';
import {
  type AwsOptions,
  awsClientConfig,
  type CliClientConfig,
  type CliService,
} from '../aws-client-config';
import type { DoctorAws, RuleFacts, TrailFacts } from './ports';

interface ClientOptions extends AwsOptions {
  /** The home region. */
  readonly region: string;
}

function notFound(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'ResourceNotFoundException' ||
      error.name === 'ValidationError' ||
      /does not exist/i.test(error.message))
  );
}

export class AwsDoctor implements DoctorAws {
  private readonly clients = new Map<string, { destroy(): void }>();

  constructor(private readonly options: ClientOptions) {}

  private client<T extends { destroy(): void }>(
    kind: CliService,
    region: string,
    make: (config: CliClientConfig) => T,
  ): T {
    const key = `${kind}|${region}`;
    const existing = this.clients.get(key);
    if (existing) return existing as T;
    const created = make(awsClientConfig(kind, this.options, region));
    this.clients.set(key, created);
    return created;
  }

  async serviceControlPolicies(): ReturnType<DoctorAws['serviceControlPolicies']> {
    // AWS Organizations answers in us-east-1 for the commercial partition.
    const org = this.client('organizations', 'us-east-1', (c) => new OrganizationsClient(c));
    const sts = this.client('sts', this.options.region, (c) => new STSClient(c));
    try {
      const account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
      if (!account) return { readable: false, reason: 'STS named no account' };
      // The account, then each OU above it, up to the root: SCPs apply from every level.
      const targets = [account];
      for (let child = account; ; ) {
        const parent = (await org.send(new ListParentsCommand({ ChildId: child }))).Parents?.[0];
        if (!parent?.Id) break;
        targets.push(parent.Id);
        if (parent.Type === 'ROOT') break;
        child = parent.Id;
      }
      const ids = new Map<string, string>();
      for (const target of targets)
        for await (const page of paginateListPoliciesForTarget(
          { client: org },
          { TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' },
        ))
          for (const p of page.Policies ?? []) if (p.Id) ids.set(p.Id, p.Name ?? p.Id);
      const policies = await Promise.all(
        [...ids].map(async ([id, name]) => ({
          name,
          content: (await org.send(new DescribePolicyCommand({ PolicyId: id }))).Policy?.Content ?? '',
        })),
      );
      return { readable: true, policies };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (/AccessDenied|AWSOrganizationsNotInUse|NotAuthorized/.test(name))
        return { readable: false, reason: `${name}: ${(error as Error).message}` };
      throw error;
    }
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
  }

  private cfn(region = this.options.region) {
    return this.client('cloudformation', region, (c) => new CloudFormationClient(c));
  }

  async stackOutputs(stackName: string): Promise<Record<string, string> | null> {
    try {
      const { Stacks } = await this.cfn().send(new DescribeStacksCommand({ StackName: stackName }));
      return Object.fromEntries(
        (Stacks?.[0]?.Outputs ?? []).flatMap((o) =>
          o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
        ),
      );
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  async trails(region: string): Promise<readonly TrailFacts[]> {
    const cloudtrail = this.client('cloudtrail', region, (c) => new CloudTrailClient(c));
    const { trailList } = await cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    const relevant = (trailList ?? []).filter((t) => t.IsMultiRegionTrail || t.HomeRegion === region);
    return Promise.all(
      relevant.map(async (trail) => {
        const name = trail.TrailARN ?? trail.Name ?? '(unnamed)';
        const [status, selectors] = await Promise.all([
          cloudtrail.send(new GetTrailStatusCommand({ Name: name })),
          cloudtrail.send(new GetEventSelectorsCommand({ TrailName: name })),
        ]);
        const basic = (selectors.EventSelectors ?? []).some(
          (s) => s.IncludeManagementEvents !== false && s.ReadWriteType !== 'ReadOnly',
        );
        const advanced = (selectors.AdvancedEventSelectors ?? []).some(
          (s) =>
            (s.FieldSelectors ?? []).some(
              (f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management'),
            ) &&
            !(s.FieldSelectors ?? []).some(
              (f) => f.Field === 'readOnly' && (f.Equals ?? []).includes('true'),
            ),
        );
        return {
          name: trail.Name ?? name,
          homeRegion: trail.HomeRegion ?? region,
          multiRegion: trail.IsMultiRegionTrail === true,
          organizationTrail: trail.IsOrganizationTrail === true,
          logging: status.IsLogging === true,
          writeManagementEvents: basic || advanced,
        };
      }),
    );
  }

  async stackRules(stackName: string, region: string): Promise<readonly RuleFacts[] | null> {
    let resources: StackResource[] | undefined;
    try {
      ({ StackResources: resources } = await this.cfn(region).send(
        new DescribeStackResourcesCommand({ StackName: stackName }),
      ));
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
    const names = (resources ?? [])
      .filter((r) => r.ResourceType === 'AWS::Events::Rule' && r.PhysicalResourceId)
      .map((r) => r.PhysicalResourceId as string);
    const rules = await Promise.all(names.map((name) => this.rule(name.split('|').pop() ?? name, region)));
    return rules.filter((r): r is RuleFacts => r !== null);
  }

  async rule(name: string, region: string): Promise<RuleFacts | null> {
    const events = this.client('eventbridge', region, (c) => new EventBridgeClient(c));
    try {
      const rule = await events.send(new DescribeRuleCommand({ Name: name }));
      return { name, enabled: rule.State === 'ENABLED' };
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  async functionState(name: string) {
    const lambda = this.client('lambda', this.options.region, (c) => new LambdaClient(c));
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return { state: config.State ?? 'Unknown', lastUpdate: config.LastUpdateStatus ?? 'Unknown' };
  }

  async functionErrors(name: string, hours: number): Promise<number> {
    const cloudwatch = this.client('cloudwatch', this.options.region, (c) => new CloudWatchClient(c));
    const end = new Date();
    const { Datapoints } = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: name }],
        StartTime: new Date(end.getTime() - hours * 3_600_000),
        EndTime: end,
        Period: hours * 3600,
        Statistics: ['Sum'],
      }),
    );
    return (Datapoints ?? []).reduce((n, d) => n + (d.Sum ?? 0), 0);
  }

  async queueDepth(url: string): Promise<number> {
    const sqs = this.client('sqs', this.options.region, (c) => new SQSClient(c));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  async bucketSendsToEventBridge(bucket: string): Promise<boolean> {
    // S3 answers for a bucket in another region with a redirect the client follows.
    const s3 = this.client(
      's3',
      this.options.region,
      (c) => new S3Client({ ...c, followRegionRedirects: true }),
    );
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    return config.EventBridgeConfiguration !== undefined;
  }

  async appMetricSum(name: string, hours: number): Promise<number> {
    const cloudwatch = this.client('cloudwatch', this.options.region, (c) => new CloudWatchClient(c));
    const end = new Date();
    const { Datapoints } = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: METRICS_NAMESPACE,
        MetricName: name,
        // Powertools adds the service as the one dimension of every metric.
        Dimensions: [{ Name: 'service', Value: 'ec2trail' }],
        StartTime: new Date(end.getTime() - hours * 3_600_000),
        EndTime: end,
        Period: hours * 3600,
        Statistics: ['Sum'],
      }),
    );
    return (Datapoints ?? []).reduce((n, d) => n + (d.Sum ?? 0), 0);
  }

  async subscriptions(topicArn: string) {
    const sns = this.client('sns', this.options.region, (c) => new SNSClient(c));
    const all = [];
    for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topicArn })) {
      for (const s of page.Subscriptions ?? []) {
        all.push({
          protocol: s.Protocol ?? '?',
          endpoint: s.Endpoint ?? '?',
          confirmed: s.SubscriptionArn !== 'PendingConfirmation',
        });
      }
    }
    return all;
  }

  async stackSet(name: string) {
    try {
      const { StackSet } = await this.cfn().send(new DescribeStackSetCommand({ StackSetName: name }));
      let instances = 0;
      let notCurrent = 0;
      for await (const page of paginateListStackInstances({ client: this.cfn() }, { StackSetName: name })) {
        for (const instance of page.Summaries ?? []) {
          instances++;
          if (instance.Status !== 'CURRENT') notCurrent++;
        }
      }
      return { status: StackSet?.Status ?? 'UNKNOWN', instances, notCurrent };
    } catch (error) {
      if (notFound(error) || (error instanceof Error && error.name === 'StackSetNotFoundException'))
        return null;
      throw error;
    }
  }
}
