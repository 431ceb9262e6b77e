// X5: the admin console's hosting, synthesised on its own (fast): a private bucket read only by CloudFront
// through origin access control, HTTPS only with TLS 1.2+ on a console domain, the response-headers policy
// (strict CSP naming the API, HSTS, frame-ancestors none), the built files deployed only when they exist, and
// cdk-nag's AwsSolutions pack clean with reasons that match real findings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Console } from '../../lib/console.js';
import { CONSOLE_CSP } from '../../lib/console-policy.js';

const API = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function build(options: { built?: boolean; stubCode?: boolean; domain?: boolean } = {}) {
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'palisade-console-cdk-')) });
  dirs.push(app.outdir);
  const stack = new Stack(app, 'ConsoleTest', { env: { region: 'eu-west-1', account: '123456789012' } });
  // The access-log bucket (lib/data.ts has the real one); cdk-nag needs no logs of a log target.
  const logs = new s3.Bucket(stack, 'Logs', { enforceSSL: true });
  let distDir: string | undefined;
  if (options.built) {
    distDir = mkdtempSync(path.join(tmpdir(), 'palisade-console-dist-'));
    dirs.push(distDir);
    writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>console</title>');
  }
  const site = new Console(stack, 'Console', {
    apiUrl: API,
    accessLogs: logs,
    stubCode: options.stubCode ?? true,
    ...(distDir ? { distDir } : {}),
    ...(options.domain ? { domain: { name: 'console.exchange.example', certificateArn: CERT } } : {}),
  });
  return { app, stack, site, template: Template.fromStack(stack) };
}

function nagFindings(scope: IConstruct, acknowledged = true) {
  const spy = acknowledged
    ? undefined
    : vi
        .spyOn(NagPack.prototype as unknown as { isAcknowledged(): boolean }, 'isAcknowledged')
        .mockReturnValue(false);
  try {
    return new AwsSolutionsChecks()
      .validateScope(scope)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })),
      );
  } finally {
    spy?.mockRestore();
  }
}

describe('admin console hosting', () => {
  it('X5 the bucket is private: no public access, TLS only, and only this distribution may read it (origin access control)', () => {
    const { template, stack, site } = build();
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'console-bucket/' }),
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p) =>
      JSON.stringify(p).includes(stack.resolve(site.bucket.bucketName).Ref ?? '§'),
    ) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } };
    const statements = policy.Properties.PolicyDocument.Statement;
    // TLS only.
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // Reads only by CloudFront, on behalf of this distribution; nothing else is allowed.
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(JSON.stringify(allows[0]?.Condition)).toContain(
      stack.resolve(site.distribution.distributionId).Ref,
    );
  });

  it('X5 the distribution: HTTPS only, GET and HEAD, TLS 1.2+ on the console domain, HTTP/2 and 3, the headers policy on every answer', () => {
    const { template } = build({ domain: true });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['console.exchange.example'],
        ViewerCertificate: {
          AcmCertificateArn: CERT,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
        HttpVersion: 'http2and3',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: Match.anyValue(),
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
      }),
    });
  });

  it('X5 the response headers: a strict Content-Security-Policy (self and the API only, no inline, frame-ancestors none), HSTS two years with preload, DENY framing, nosniff, no referrer', () => {
    const { template } = build();
    const csp = CONSOLE_CSP(API);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ${API}`);
    expect(csp).not.toMatch(/unsafe-(inline|eval)|\*/);
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: csp, Override: true },
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 63_072_000,
            IncludeSubdomains: true,
            Preload: true,
            Override: true,
          },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        },
      }),
    });
  });

  it('X5 the built files are deployed (with config.json naming the API) only when console/dist exists and code is bundled', () => {
    expect(
      build({ built: false, stubCode: false }).template.findResources('Custom::CDKBucketDeployment'),
    ).toEqual({});
    expect(
      build({ built: true, stubCode: true }).template.findResources('Custom::CDKBucketDeployment'),
    ).toEqual({});
    const { template } = build({ built: true, stubCode: false });
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'console/',
      DistributionPaths: ['/console/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
      // The files, and config.json (JSON data with the API's URL).
      SourceObjectKeys: Match.arrayWith([Match.stringLikeRegexp('\\.zip$')]),
      SourceMarkersConfig: [{}, { jsonEscape: true }],
    });
  });

  it('X5 cdk-nag AwsSolutions finds nothing unacknowledged, and every acknowledgement matches a real finding', () => {
    for (const options of [{}, { domain: true }, { built: true, stubCode: false }]) {
      const { app } = build(options);
      expect(nagFindings(app), JSON.stringify(options)).toEqual([]);
      const raw = nagFindings(app, false);
      const acks = app.node
        .findAll()
        .flatMap((c) =>
          c.node.metadata
            .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .flatMap((m) =>
              Object.keys(m.data as Record<string, string>).map((id) => ({ path: c.node.path, id })),
            ),
        );
      for (const ack of acks.filter((a) => /AwsSolutions-/.test(a.id))) {
        const id = ack.id.replace(/^annotation::/i, '');
        const matching = raw.filter(
          (f) => f.rule === id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
        );
        expect(
          matching.length,
          `stale acknowledgement ${id} on ${ack.path} (${JSON.stringify(options)})`,
        ).toBeGreaterThan(0);
      }
    }
  });
});
