// The notification preferences (B3, B4) of the Lambda runtime: signed rows of the accounts table.

import { awsSignedRows } from '../kernel/aws/tables.js';
import { once } from '../kernel/runtime/aws-env.js';
import { NotificationPrefsStore } from './notification-prefs.js';

export const awsNotificationPrefs = once(() => new NotificationPrefsStore(awsSignedRows().tables.accounts));
