// Outgoing messages: the SESv2 identity of the MAIL_FROM domain with a TLS-only configuration set (E3), and
// the grants for email (SES) and SMS (SNS direct publish).
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** ses:SendEmail through this identity and configuration set, and only from the MAIL_FROM address. */
  grantSendEmail(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
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
