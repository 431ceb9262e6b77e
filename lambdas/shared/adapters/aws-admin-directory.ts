// The admin directory of the Lambda runtime (D1, D4): signed rows of the accounts table.
import { AdminDirectory } from '../../admin/admin-directory.js';
import { once } from '../runtime/aws-env.js';
import { awsSignedRows } from './aws-account-store.js';

export const awsAdminDirectory = once(() => new AdminDirectory(awsSignedRows().tables.accounts));
