// E4 backups: a daily AWS Backup of every table, kept as long as its table's retention class demands, and
// copied to the disaster-recovery vault in the replica Region (lib/replica-stack.ts).
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type TableId, type TableSpec } from '../lambdas/kernel/tables.js';
import { creationSuffix } from './names.js';

/** How long a daily backup is kept, by the retention class of lambdas/kernel/tables.ts (F5: five years). */
export const BACKUP_RETENTION: Record<TableSpec['retention'], Duration> = {
  operational: Duration.days(35),
  'five-years': Duration.days(5 * 366),
};

/**
 * The replica Region's vault is named after the primary stack and its creation (lib/names.ts): the primary
 * names it without a reference back (the replica already reads the primary), and a redeploy after a destroy
 * makes a new vault beside the retained one instead of colliding with it.
 */
export const drVaultName = (primaryStackName: string, primaryStackId: string) =>
  `${primaryStackName}-dr-${creationSuffix(primaryStackId)}`;

export interface BackupsProps {
  tables: Record<TableId, dynamodb.ITable>;
  /** The multi-Region data key: backups decrypt with its replica after a Region loss. */
  vaultKey: kms.IKey;
  replicaRegion: string;
}

export class Backups extends Construct {
  readonly vault: backup.BackupVault;
  readonly plans: backup.BackupPlan[] = [];

  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.vault = new backup.BackupVault(this, 'Vault', {
      // Without a name, CDK derives a fixed one from the construct path (lib/names.ts).
      backupVaultName: `${stack.stackName}-${creationSuffix(stack.stackId)}`,
      encryptionKey: props.vaultKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A reference would make the stacks depend on each other both ways (the replica reads the primary key).
    const drVault = backup.BackupVault.fromBackupVaultArn(
      this,
      'DrVault',
      stack.formatArn({
        region: props.replicaRegion,
        service: 'backup',
        resource: 'backup-vault',
        resourceName: drVaultName(stack.stackName, stack.stackId),
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );

    const classes = new Set(Object.values(TABLES).map((t: TableSpec) => t.retention));
    for (const retention of classes) {
      const keep = BACKUP_RETENTION[retention];
      const plan = new backup.BackupPlan(this, `Daily-${retention}`, {
        backupVault: this.vault,
        backupPlanRules: [
          new backup.BackupPlanRule({
            ruleName: 'DailyWithCopyToReplicaRegion',
            scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
            deleteAfter: keep,
            copyActions: [{ destinationBackupVault: drVault, deleteAfter: keep }],
          }),
        ],
      });
      const tables = (Object.entries(TABLES) as [TableId, TableSpec][])
        .filter(([, spec]) => spec.retention === retention)
        .map(([tableId]) => backup.BackupResource.fromDynamoDbTable(props.tables[tableId]));
      const selection = plan.addSelection('Tables', { resources: tables, allowRestores: true });
      Validations.of(selection).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
        reason:
          'AWS Backup runs backup jobs with the service-role policy AWS maintains for it (DynamoDB backups, ' +
          'copy jobs, KMS grants); the role is assumable by backup.amazonaws.com only.',
      });
      Validations.of(selection).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
        reason:
          'E4: restores run as the same AWS Backup service role with the AWS-maintained restore policy; the ' +
          'role is assumable by backup.amazonaws.com only.',
      });
      this.plans.push(plan);
    }
  }
}
