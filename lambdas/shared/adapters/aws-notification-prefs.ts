// The notification preferences (B3, B4) of the Lambda runtime: signed rows of the accounts table.
import { NotificationPrefsStore } from '../../notify/notification-prefs.js';
import { once } from '../runtime/aws-env.js';
import { awsSignedRows } from './aws-account-store.js';

export const awsNotificationPrefs = once(() => new NotificationPrefsStore(awsSignedRows().tables.accounts));
