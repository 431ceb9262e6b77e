// X5: the admin console's hosting. A private S3 bucket (no public access, TLS only, access-logged) read only by
// one CloudFront distribution through origin access control; viewers on HTTPS only, with a response-headers
// policy that holds the page to its own origin and the API (CONSOLE_CSP), HSTS and no framing. The page talks
// to the API across origins: the deploy names the console's origin in `corsOrigins`.
//
// The built files (console/dist, `npm run build:console`) are deployed with the stack only when they exist and
// the app bundles code: synthesis never needs the console built (the infra tests synthesise with stub code and
// no assets), and `cdk deploy` after a build ships the files and their config.json (the API's URL).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Annotations, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_CSP } from './console-policy.js';
import { SECURE_BUCKET } from './secure-bucket.js';

/** Where the console lives on its distribution (the Vite build's `base`). */
export const CONSOLE_PREFIX = 'console';

/** Serves `…/` as `…/index.html` and the distribution's root as the console (a viewer-request function). */
const INDEX_FUNCTION = `function handler(event) {
  var request = event.request;
  if (request.uri === '/' || request.uri === '/${CONSOLE_PREFIX}') {
    return { statusCode: 308, statusDescription: 'Permanent Redirect', headers: { location: { value: '/${CONSOLE_PREFIX}/' } } };
  }
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
}`;

export interface ConsoleProps {
  /** The API's base URL: the only other origin the page may call (connect-src). */
  apiUrl: string;
  /** The console's own domain and its ACM certificate (us-east-1): TLS 1.2+ to viewers. */
  domain?: { name: string; certificateArn: string };
  /** The bucket the bucket's and the distribution's access logs go to. */
  accessLogs: s3.IBucket;
  /** The built console (console/dist); deployed only if it holds an index.html. */
  distDir?: string;
  /** Stub-code synthesis (tests): never deploy files. */
  stubCode: boolean;
}

export class Console extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  readonly deployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...SECURE_BUCKET,
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'console-bucket/',
    });

    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Palisade admin console: strict CSP, HSTS, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_CSP(props.apiUrl), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Cache-Control', value: 'no-cache', override: false },
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
        ],
      },
    });

    const certificate = props.domain
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn)
      : undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Palisade admin console',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'Index', {
              code: cloudfront.FunctionCode.fromInline(INDEX_FUNCTION),
              runtime: cloudfront.FunctionRuntime.JS_2_0,
              comment: 'Palisade admin console: directory URLs to index.html',
            }),
          },
        ],
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      // TLS 1.2+ to viewers on the console's domain (the *.cloudfront.net certificate's policy is CloudFront's).
      ...(props.domain && certificate
        ? {
            domainNames: [props.domain.name],
            certificate,
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });

    this.acknowledge(Boolean(props.domain));

    const dist = props.distDir;
    if (!props.stubCode && dist && existsSync(path.join(dist, 'index.html'))) {
      this.deployment = new s3deploy.BucketDeployment(this, 'Files', {
        destinationBucket: this.bucket,
        destinationKeyPrefix: `${CONSOLE_PREFIX}/`,
        sources: [
          s3deploy.Source.asset(dist),
          s3deploy.Source.jsonData('config.json', { apiUrl: props.apiUrl }),
        ],
        distribution: this.distribution,
        distributionPaths: [`/${CONSOLE_PREFIX}/*`],
        // Every file revalidates (ETags); the hashed assets change name with their content anyway.
        cacheControl: [s3deploy.CacheControl.noCache()],
        memoryLimit: 256,
      });
      this.acknowledgeDeployment();
    } else if (!props.stubCode) {
      Annotations.of(this).addInfo(
        'The admin console is not built (console/dist): `npm run build:console` before `cdk deploy` ships it.',
      );
    }
  }

  private acknowledge(customDomain: boolean): void {
    const v = Validations.of(this.distribution);
    v.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'X5: admins work from where they are; who may sign in is decided by the admin pool (password and TOTP) and the API firewall, not by the country of the static files.',
    });
    v.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'X5: the distribution serves static files only (GET/HEAD); every call the page makes goes to the API, which sits behind its own WAF web ACL. A CloudFront web ACL must live in us-east-1.',
    });
    v.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'X5: static files only; every admin action is an API call, logged by API Gateway and recorded in the audit chain. The origin bucket has S3 server access logs.',
    });
    if (!customDomain) {
      v.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'X5: without a console domain (consoleDomain, consoleCertificateArn) the distribution uses the *.cloudfront.net certificate, whose security policy CloudFront fixes; with a domain the policy is TLSv1.2_2021.',
      });
    }
  }

  private acknowledgeDeployment(): void {
    const stack = Stack.of(this);
    // The deployment's singleton function (CDK's, Python): it copies the files into the bucket at deploy time.
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) return;
    const v = Validations.of(handler);
    v.acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "X5: CDK's bucket-deployment function logs with AWSLambdaBasicExecutionRole; it runs only during a deploy.",
    });
    v.acknowledge({
      id: 'AwsSolutions-L1',
      reason: "X5: CDK's bucket-deployment function's runtime is chosen by aws-cdk-lib and upgraded with it.",
    });
    // Its policy's wildcards, named as cdk-nag names them (the template's values, tokens as <Id.Attr>).
    const policy = handler.node.tryFindChild('ServiceRole')?.node.tryFindChild('DefaultPolicy');
    const document = policy instanceof iam.Policy ? stack.resolve(policy.document.toJSON()) : undefined;
    for (const statement of (document?.Statement ?? []) as { Action: unknown; Resource: unknown }[]) {
      const wild = [
        ...[statement.Action].flat().map((a) => `Action::${String(a)}`),
        ...[statement.Resource].flat().map((r) => `Resource::${nagValue(r)}`),
      ].filter((id) => id.includes('*'));
      for (const id of wild) {
        v.acknowledge({
          id: `AwsSolutions-IAM5[${id}]`,
          reason:
            "X5: CDK's bucket-deployment function reads the staged asset and syncs (and prunes) every key of the console bucket, then invalidates the distribution; it runs only during a deploy.",
        });
      }
    }
  }
}

/** A template value as cdk-nag prints it: references as <Id> or <Id.Attr>, joins concatenated. */
function nagValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return `<${v.Ref}>`;
    if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    // Fn::Sub as cdk-nag prints it: each ${Name} as <Name>
    if (typeof v['Fn::Sub'] === 'string') return v['Fn::Sub'].replace(/\$\{([^}]+)\}/g, '<$1>');
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(nagValue).join(sep);
    }
  }
  return JSON.stringify(value);
}
