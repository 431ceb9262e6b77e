// The duress-check function, invoked by the login for every password it checks (A5). It alone reads duress
// hashes and may start a duress suspension; the login only learns match or no match.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { taskHandler } from '../../kernel/task.js';
import { duressCheckRequest } from '../duress-contracts.js';
import { checkDuress, type DuressCheckPorts } from '../duress-match.js';
import { awsDuressStore, suspensionRequests } from '../wiring.js';

export const makeHandler = (ports: DuressCheckPorts) =>
  taskHandler(duressCheckRequest, async (request) => ({ match: await checkDuress(ports, request) }));

export const handler = lazyHandler(() =>
  makeHandler({
    duress: awsDuressStore(),
    suspensions: suspensionRequests({ workflows: aws.workflows }),
    audit: aws.rows().audit,
  }),
);
