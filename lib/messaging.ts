// Outgoing messages: the SESv2 identity of the MAIL_FROM domain with a TLS-only configuration set (E3), the
// platform's OpenPGP key (B3) in Secrets Manager, and the grants for email (SES), the key and SMS (SNS).
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MessagingProps {
  /** The sender address (MAIL_FROM); its domain is the SES identity, signed with Easy DKIM. */
  mailFrom: string;
}

export class Messaging extends Construct {
  readonly mailFrom: string;
  readonly configurationSet: ses.ConfigurationSet;
  readonly mailIdentity: ses.EmailIdentity;
  /** B3: `{"privateKey", "publicKey"}` (armored): read only by the PgpMailSigner function. */
  readonly pgpKeySecret: secretsmanager.Secret;
  /** B3: `{"publicKey"}` only, for the public `GET /v1/pgp-key` route, which never reads the private key. */
  readonly pgpPublicKeySecret: secretsmanager.Secret;

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
    // The operator puts the key pair in (docs/notifications.md, "Creating it"); until then signing fails
    // closed: a user with a registered key gets no email rather than an unsigned one.
    this.pgpKeySecret = new secretsmanager.Secret(this, 'PgpKey', {
      description:
        'Palisade platform OpenPGP key pair (B3): {"privateKey": "<armored>", "publicKey": "<armored>"}',
    });
    this.pgpPublicKeySecret = new secretsmanager.Secret(this, 'PgpPublicKey', {
      description:
        'Palisade platform OpenPGP public key (B3), published at GET /v1/pgp-key: {"publicKey": "<armored>"}',
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
