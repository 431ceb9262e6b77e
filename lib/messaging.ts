// Outgoing messages: the SESv2 identity of the MAIL_FROM domain with a TLS-only configuration set (E3), the
// platform's OpenPGP key (B3) in retained Secrets Manager secrets, generated at the first deploy by a custom
// resource, and the grants for email (SES), the key and SMS (SNS).
import { ArnFormat, CustomResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { PalisadeFunction } from './functions.js';

export interface MessagingProps {
  /** The sender address (MAIL_FROM); its domain is the SES identity, signed with Easy DKIM. */
  mailFrom: string;
  /** Where the PGP secrets are replicated, so the platform key survives the primary Region. */
  replicaRegion?: string;
}

export class Messaging extends Construct {
  readonly mailFrom: string;
  readonly configurationSet: ses.ConfigurationSet;
  readonly mailIdentity: ses.EmailIdentity;
  /** B3: `{"privateKey", "publicKey"}` (armored): read only by the PgpMailSigner function. */
  readonly pgpKeySecret: secretsmanager.Secret;
  /** B3: `{"publicKey"}` only, for the public `GET /v1/pgp-key` route, which never reads the private key. */
  readonly pgpPublicKeySecret: secretsmanager.Secret;
  /** B3: Custom::PlatformPgpKey, once initPlatformKey has run; its `Fingerprint` is a stack output. */
  platformKey?: CustomResource;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    this.mailFrom = props.mailFrom;
    const domain = props.mailFrom.slice(props.mailFrom.lastIndexOf('@') + 1);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      // E3: SES refuses to hand mail to a receiving server that cannot do TLS.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.mailIdentity = new ses.EmailIdentity(this, 'MailDomain', {
      identity: ses.Identity.domain(domain),
      configurationSet: this.configurationSet,
      dkimSigning: true,
    });
    // Created with a random value; Custom::PlatformPgpKey (initPlatformKey) replaces it with a generated key
    // during the same deploy, or keeps a key an operator put in (docs/notifications.md). Retained: users
    // verify our mail with this key, so deleting the stack must not take it along. Replicated to the replica
    // Region (docs/disaster-recovery.md): a recovered deployment signs with the key users already know.
    const replicaRegions = props.replicaRegion ? [{ region: props.replicaRegion }] : [];
    this.pgpKeySecret = new secretsmanager.Secret(this, 'PgpKey', {
      description:
        'Palisade platform OpenPGP key pair (B3): {"privateKey": "<armored>", "publicKey": "<armored>"}',
      removalPolicy: RemovalPolicy.RETAIN,
      replicaRegions,
    });
    this.pgpPublicKeySecret = new secretsmanager.Secret(this, 'PgpPublicKey', {
      description:
        'Palisade platform OpenPGP public key (B3), published at GET /v1/pgp-key: {"publicKey": "<armored>"}',
      removalPolicy: RemovalPolicy.RETAIN,
      replicaRegions,
    });
    for (const secret of [this.pgpKeySecret, this.pgpPublicKeySecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'An OpenPGP key cannot be rotated by a Lambda: users verify emails with the published key, so a ' +
          'new key is an operator decision announced through a signed email from the old one (docs/notifications.md).',
      });
    }
  }

  /** B3: reads the platform key pair (the PgpMailSigner function only). */
  grantPgpKey(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.pgpKeySecret.secretArn],
      }),
    );
  }

  /**
   * B3: Custom::PlatformPgpKey, run by CloudFormation through `fn` (catalogue DEPLOY_FUNCTIONS) when the stack
   * is created: generates the key into both secrets unless a key is already there. It answers with the
   * key's fingerprint; a stack deletion leaves the secrets alone.
   */
  initPlatformKey(fn: PalisadeFunction): CustomResource {
    this.platformKey = new CustomResource(this, 'PlatformKey', {
      serviceToken: fn.fn.functionArn,
      resourceType: 'Custom::PlatformPgpKey',
      // Changing a secret (its ARN) runs the function again; nothing else does.
      properties: {
        KeySecret: this.pgpKeySecret.secretArn,
        PublicKeySecret: this.pgpPublicKeySecret.secretArn,
      },
    });
    // Invoked only once the function's role holds its grants (they live in the role's default policy).
    this.platformKey.node.addDependency(fn);
    return this.platformKey;
  }

  /** B3 at deploy time: reads and writes both secrets (Custom::PlatformPgpKey's function only). */
  grantPgpKeyInit(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [this.pgpKeySecret.secretArn, this.pgpPublicKeySecret.secretArn],
      }),
    );
  }

  /** B3: reads the public key's own secret (the public key route). */
  grantPgpPublicKey(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.pgpPublicKeySecret.secretArn],
      }),
    );
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /**
   * ses:SendEmail through this identity and configuration set, and only from the MAIL_FROM address. A SESv2
   * SendEmail with Raw content (PGP/MIME, B3) is authorised as ses:SendRawEmail.
   */
  grantSendEmail(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [this.mailIdentity.emailIdentityArn, this.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': this.mailFrom } },
      }),
    );
  }

  /**
   * sns:Publish straight to phone numbers (B1 change notices). SNS has no resource ARN for a phone number,
   * so the grant is on `*`; the deny keeps that `*` from reaching any topic or platform endpoint.
   */
  grantSendSms(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['sns:Publish'],
        resources: [`arn:${Stack.of(this).partition}:sns:*:*:*`],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SMS is published to a phone number, which has no ARN: SNS only authorises it on Resource "*". ' +
        'A deny statement on every SNS topic/endpoint ARN keeps the grant to direct SMS.',
    });
  }
}
