// The replica Region's stack: the replicas of the multi-Region data key (E2) and row-signing key (E1), and the
// disaster-recovery backup vault encrypted with the data key's replica (E4), so data from the primary Region
// can be restored, decrypted and verified here (docs/disaster-recovery.md).
import { ReferenceStrength, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { rootKeyPolicy } from './data.js';

export interface ReplicaStackProps extends StackProps {
  /** ARN of the multi-Region primary data key in the primary Region's stack. */
  primaryDataKeyArn: string;
  /** ARN of the multi-Region primary signing key in the primary Region's stack. */
  primarySigningKeyArn: string;
  /** The vault name the primary stack's backup plans copy to (drVaultName of lib/backups.ts). */
  drVaultName: string;
}

export class ReplicaStack extends Stack {
  readonly dataKeyReplica: kms.CfnReplicaKey;
  readonly signingKeyReplica: kms.CfnReplicaKey;
  readonly drVault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: ReplicaStackProps) {
    super(scope, id, props);
    this.dataKeyReplica = new kms.CfnReplicaKey(this, 'DataKeyReplica', {
      // A weak reference (Fn::GetStackOutput) reads across Regions without the custom resources that a
      // strong cross-Region reference needs.
      primaryKeyArn: Stack.consumeReference(props.primaryDataKeyArn, ReferenceStrength.WEAK),
      description: 'Palisade: replica of the multi-Region data key',
      enabled: true,
      pendingWindowInDays: 30,
      keyPolicy: rootKeyPolicy(),
    });
    this.dataKeyReplica.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // E1: the same ECDSA key material, so signatures made in either Region verify in both.
    this.signingKeyReplica = new kms.CfnReplicaKey(this, 'SigningKeyReplica', {
      primaryKeyArn: Stack.consumeReference(props.primarySigningKeyArn, ReferenceStrength.WEAK),
      description: 'Palisade: replica of the multi-Region row-signing key',
      enabled: true,
      pendingWindowInDays: 30,
      keyPolicy: rootKeyPolicy(),
    });
    this.signingKeyReplica.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.drVault = new backup.BackupVault(this, 'DrVault', {
      backupVaultName: props.drVaultName,
      encryptionKey: kms.Key.fromKeyArn(this, 'DataKeyReplicaRef', this.dataKeyReplica.attrArn),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
