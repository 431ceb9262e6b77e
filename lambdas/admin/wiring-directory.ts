// The admin directory of the Lambda runtime (D1, D4): signed rows of the accounts table.

import { awsSignedRows } from '../kernel/aws/tables.js';
import { once } from '../kernel/runtime/aws-env.js';
import { AdminDirectory } from './admin-directory.js';

export const awsAdminDirectory = once(() => new AdminDirectory(awsSignedRows().tables.accounts));
