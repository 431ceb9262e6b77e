// API Gateway TOKEN authorizer for admin routes (D1, D4). Results are never cached (TTL 0), so disabling an
// admin refuses their token on the very next request. Every refusal is a plain 401.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import * as aws from '../../kernel/aws/infra.js';
import { UNAUTHORIZED } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger, metrics, SecurityMetric } from '../../kernel/observability.js';
import { type AdminAuthorizerPorts, authorizeAdmin } from '../admin-authorize.js';
import { awsAdminDirectory } from '../wiring.js';

export const makeHandler = (ports: AdminAuthorizerPorts) =>
  middy<APIGatewayTokenAuthorizerEvent, APIGatewayAuthorizerResult, Error, Context>(
    async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
      const outcome = await authorizeAdmin(ports, event.authorizationToken);
      if (!outcome.allow) {
        logger.info('admin access refused', { reason: outcome.reason });
        metrics.addMetric(SecurityMetric.AuthorizerRefusal, MetricUnit.Count, 1);
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
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));

export const handler = lazyHandler(() =>
  makeHandler({ adminTokens: aws.adminTokens(), admins: awsAdminDirectory(), clock: aws.clock }),
);
