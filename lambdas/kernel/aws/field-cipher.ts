// FieldCipher on AWS: the ESDK with a multi-Region-key-aware KMS keyring over the data key of this Lambda's
// Region (the primary, or its replica after a fail-over), so ciphertext from either Region decrypts in both.
// The keyring calls KMS through kms.ts (the signed JSON caller), whose client has the very methods the ESDK's
// client interface names (generateDataKey, encrypt, decrypt) with the SDK's shapes.
import { AwsKmsMrkAwareSymmetricKeyringNode } from '@aws-crypto/kms-keyring-node';
import { createFieldCipher, type FieldCipher, type FieldCipherOptions } from '../privacy/field-cipher.js';
import { envSettings, once, requireEnv } from '../runtime/aws-env.js';
import { awsKms, type Kms } from './kms.js';

export interface DataKeyArns {
  /** The multi-Region primary key (`arn:aws:kms:<primary>:<account>:key/mrk-…`). */
  primary: string;
  /** Its replica in the replica Region: the same `mrk-` id, another Region. */
  replica: string;
}

/** What the keyring calls KMS through (the ESDK's AwsEsdkKMSInterface). */
type EsdkKms = ConstructorParameters<typeof AwsKmsMrkAwareSymmetricKeyringNode>[0]['client'];

const MRK_ARN = /^arn:(aws[a-z-]*):kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):key\/(mrk-[0-9a-f]{32})$/;

/** The replica's ARN: a multi-Region replica keeps the primary's key id and account, in another Region. */
export function replicaKeyArn(primaryArn: string, replicaRegion: string): string {
  const m = MRK_ARN.exec(primaryArn);
  if (!m) throw new Error('The data key is not a multi-Region key ARN (arn:aws:kms:…:key/mrk-…)');
  return `arn:${m[1]}:kms:${replicaRegion}:${m[3]}:key/${m[4]}`;
}

/** The key this Region's Lambdas call: KMS is always called in the Lambda's own Region. */
export function keyArnForRegion(arns: DataKeyArns, region: string): string {
  const [primary, replica] = [MRK_ARN.exec(arns.primary), MRK_ARN.exec(arns.replica)];
  if (!primary || !replica) throw new Error('Data key ARNs must be multi-Region key ARNs');
  if (primary[4] !== replica[4] || primary[3] !== replica[3]) {
    throw new Error('The replica ARN is not a replica of the primary data key');
  }
  if (region === primary[2]) return arns.primary;
  if (region === replica[2]) return arns.replica;
  throw new Error(`No data key in Region ${region}`);
}

/** The three KMS operations the keyring uses (AwsEsdkKMSInterface): our KMS client as it is. */
export function esdkKmsClient(kms: Kms): EsdkKms {
  return {
    generateDataKey: (input) => kms.generateDataKey(input),
    decrypt: (input) => kms.decrypt(input),
    encrypt: (input) => kms.encrypt(input),
  };
}

export function createAwsFieldCipher(kms: Kms, keyArn: string, options?: FieldCipherOptions): FieldCipher {
  const keyring = new AwsKmsMrkAwareSymmetricKeyringNode({ client: esdkKmsClient(kms), keyId: keyArn });
  return createFieldCipher(keyring, options);
}

export const awsFieldCipher = /* @__PURE__ */ once(() => {
  const region = requireEnv('AWS_REGION');
  const primary = requireEnv('DATA_KEY_ID');
  const arns = { primary, replica: replicaKeyArn(primary, envSettings().replicaRegion) };
  return createAwsFieldCipher(awsKms(), keyArnForRegion(arns, region));
});
