import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ATTRIBUTION_TABLE } from '../../lambda/schema/attribution-table';
import { indexesAt } from '../../lambda/schema/table-definition';

/** How the attribution table keeps its rows. */
export interface AttributionTableProps {
  /**
   * Whether rows expire through DynamoDB TTL on `expiresAt`. The Lambda only writes the
   * attribute when a retention is configured, so enabling TTL alone deletes nothing.
   * @default true
   */
  readonly timeToLive?: boolean;
  /**
   * The step of a move from the layout of earlier versions (docs/table-move.md): which indexes
   * the table has. Undefined for a new table.
   * @default undefined
   */
  readonly moveStep?: number;
}

/**
 * The attribution table: on-demand, encrypted, point-in-time recovery, deletion protection,
 * and retained when the stack is deleted, because it is the audit record.
 */
export class AttributionTable extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: AttributionTableProps = {}) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute } = ATTRIBUTION_TABLE;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: props.timeToLive === false ? undefined : ttlAttribute,
    });
    for (const index of indexesAt(props.moveStep)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        // A few fields of each event (about one write unit an entry) for the new indexes; the
        // legacy ones of a table being moved keep the whole rows they were created with.
        ...(index.include === undefined
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] }),
      });
    }
  }
}
