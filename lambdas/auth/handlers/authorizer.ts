// API Gateway TOKEN authorizer for user routes. Results are never cached (TTL 0), so a suspension or a
// revoked session takes effect on the very next request. Every refusal is a plain 401.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import * as aws from '../../kernel/aws/infra.js';
import { UNAUTHORIZED } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger, metrics, publishMetrics, SecurityMetric } from '../../kernel/observability.js';
import { logContext } from '../../kernel/runtime/log-context.js';
import { type AuthorizerPorts, authorize } from '../authorize.js';
import { awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: AuthorizerPorts) =>
  middy<APIGatewayTokenAuthorizerEvent, APIGatewayAuthorizerResult, Error, Context>(
    async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
      const outcome = await authorize(ports, event.authorizationToken);
      if (!outcome.allow) {
        logger.info('access refused', { reason: outcome.reason });
        metrics.addMetric(SecurityMetric.AuthorizerRefusal, MetricUnit.Count, 1);
        throw new Error(UNAUTHORIZED);
      }
      return {
        principalId: outcome.userId,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
        },
        context: { userId: outcome.userId, sessionId: outcome.sessionId, username: outcome.username },
      };
    },
  )
    .use(logContext<APIGatewayTokenAuthorizerEvent, APIGatewayAuthorizerResult>(logger))
    .use(publishMetrics());

export const handler = lazyHandler(() =>
  makeHandler({ tokens: aws.userTokens(), accounts: awsAccountStore(), clock: aws.clock }),
);
