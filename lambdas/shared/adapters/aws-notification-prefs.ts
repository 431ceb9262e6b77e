// The notification preferences (B3, B4) and the security-change port of the Lambda runtime: signed rows of
// the accounts table, the audit log.
import { NotificationPrefsStore } from '../../notify/notification-prefs.js';
import { auditedSecurityChanges } from '../../security/security-changes.js';
import { once } from '../runtime/aws-env.js';
import { awsSignedRows } from './aws-account-store.js';

export const awsNotificationPrefs = once(() => new NotificationPrefsStore(awsSignedRows().tables.accounts));

export const awsSecurityChanges = once(() => auditedSecurityChanges(awsSignedRows().audit));
