// Custom::PlatformPgpKey (B3, lib/messaging.ts): CloudFormation invokes this function when the stack creates
// or updates the resource, and it makes sure the platform's OpenPGP key is in both secrets
// (lambdas/notify/platform-key-init.ts): generated at the first deploy, kept afterwards. It answers
// CloudFormation itself (a PUT to the pre-signed ResponseURL), so no provider framework is needed. A stack
// deletion leaves the retained secrets alone.
import { request } from 'node:https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { type Clock, systemClock } from '../../kernel/ports/clock.js';
import { requireEnv } from '../../kernel/runtime/aws-env.js';
import { awsPlatformKeySecrets } from '../aws/pgp-secrets.js';
import { ensurePlatformKey, type PlatformKeySecrets } from '../platform-key-init.js';

/** One physical resource for the stack's life: an update never replaces (nor deletes) the key. */
export const PHYSICAL_RESOURCE_ID = 'palisade-platform-pgp-key';

export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}

export interface InitPorts {
  secrets: PlatformKeySecrets;
  clock: Clock;
  /** MAIL_FROM: the key's user id is `Palisade <MAIL_FROM>`. */
  mailFrom: string;
  /** Delivers the answer to CloudFormation's ResponseURL. */
  respond(url: string, response: CustomResourceResponse): Promise<void>;
}

const answerTo = (event: CloudFormationCustomResourceEvent) => ({
  PhysicalResourceId: PHYSICAL_RESOURCE_ID,
  StackId: event.StackId,
  RequestId: event.RequestId,
  LogicalResourceId: event.LogicalResourceId,
});

/** A failed answer: CloudFormation rolls the deploy back and shows the reason (never a secret's content). */
function failure(event: CloudFormationCustomResourceEvent, err: unknown): CustomResourceResponse {
  const reason = `Platform PGP key: ${(err as Error).message}`.slice(0, 1000);
  logger.error('Platform PGP key not in place', { reason });
  return { ...answerTo(event), Status: 'FAILED', Reason: reason };
}

export const makeHandler =
  (ports: InitPorts) =>
  async (event: CloudFormationCustomResourceEvent): Promise<void> => {
    let response: CustomResourceResponse;
    try {
      if (event.RequestType === 'Delete') {
        response = { ...answerTo(event), Status: 'SUCCESS' };
      } else {
        const outcome = await ensurePlatformKey(ports.secrets, {
          userID: { name: 'Palisade', email: ports.mailFrom },
          now: ports.clock.now(),
        });
        logger.info('Platform PGP key in place', { requestType: event.RequestType, ...outcome });
        response = { ...answerTo(event), Status: 'SUCCESS', Data: { Fingerprint: outcome.fingerprint } };
      }
    } catch (err) {
      response = failure(event, err);
    }
    await ports.respond(event.ResponseURL, response);
  };

/** The PUT CloudFormation waits for; the pre-signed URL covers no content type, so none is sent. */
export function putResponse(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () =>
          (res.statusCode ?? 500) < 300
            ? resolve()
            : reject(new Error(`CloudFormation response refused: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every path answers CloudFormation: without an answer a deploy would wait an hour for this resource. */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  let ports: InitPorts;
  try {
    ports = {
      secrets: awsPlatformKeySecrets(),
      clock: systemClock,
      mailFrom: requireEnv('MAIL_FROM'),
      respond: putResponse,
    };
  } catch (err) {
    await putResponse(event.ResponseURL, failure(event, err));
    return;
  }
  await makeHandler(ports)(event);
}
