// The duress-check function, invoked by the login for every password it checks (A5). It alone reads duress
// hashes and may start a duress suspension; the login only learns match or no match.
import { workflowSuspensions } from '../account/suspension-requests.js';
import { awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { awsWorkflows } from '../shared/adapters/aws-workflows.js';
import { lazyHandler } from '../shared/http.js';
import { taskHandler } from '../shared/task.js';
import { checkDuress, type DuressCheckPorts } from './duress-check.js';
import { duressCheckRequest } from './duress-contracts.js';
import { DuressStore } from './duress-store.js';

export const makeHandler = (ports: DuressCheckPorts) =>
  taskHandler(duressCheckRequest, async (request) => ({ match: await checkDuress(ports, request) }));

export const handler = lazyHandler(() =>
  makeHandler({
    duress: new DuressStore(awsSignedRows().tables.accounts),
    suspensions: workflowSuspensions(awsWorkflows()),
    audit: awsSignedRows().audit,
  }),
);
