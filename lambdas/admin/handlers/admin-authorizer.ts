// API Gateway TOKEN authorizer for admin routes (D1, D4). Results are never cached (TTL 0), so disabling an
// admin refuses their token on the very next request. Every refusal is a plain 401. D3: a refusal of a
// disabled or offboarded admin's token (it names them) is an `admin.token-refused` audit record, bounded per
// admin (refusal-evidence.ts): one conditional counter write and, under the bound, one append.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import * as aws from '../../kernel/aws/infra.js';
import { UNAUTHORIZED } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger, metrics, publishMetrics, SecurityMetric } from '../../kernel/observability.js';
import { logContext } from '../../kernel/runtime/log-context.js';
import { type AdminAuthorizerPorts, authorizeAdmin } from '../admin-authorize.js';
import type { RefusalEvidence } from '../refusal-evidence.js';
import { awsAdminDirectory, awsRefusalEvidence } from '../wiring.js';

export const makeHandler = (ports: AdminAuthorizerPorts & { refusals: Pick<RefusalEvidence, 'record'> }) =>
  middy<APIGatewayTokenAuthorizerEvent, APIGatewayAuthorizerResult, Error, Context>(
    async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
      const outcome = await authorizeAdmin(ports, event.authorizationToken);
      if (!outcome.allow) {
        logger.info('admin access refused', { reason: outcome.reason });
        metrics.addMetric(SecurityMetric.AuthorizerRefusal, MetricUnit.Count, 1);
        if (outcome.adminId) {
          await ports.refusals.record(
            { kind: 'admin', id: outcome.adminId },
            {
              actor: { kind: 'admin', id: outcome.adminId },
              action: 'admin.token-refused',
              target: { kind: 'admin', id: outcome.adminId },
              details: {
                reason: outcome.reason,
                route: event.methodArn.split('/').slice(2).join('/').slice(0, 200),
              },
            },
          );
        }
        throw new Error(UNAUTHORIZED);
      }
      return {
        principalId: outcome.context.adminId,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
        },
        context: { ...outcome.context },
      };
    },
  )
    .use(logContext<APIGatewayTokenAuthorizerEvent, APIGatewayAuthorizerResult>(logger))
    .use(publishMetrics());

export const handler = lazyHandler(() =>
  makeHandler({
    adminTokens: aws.adminTokens(),
    admins: awsAdminDirectory(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
