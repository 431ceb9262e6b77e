// SmsMessages port: a templated SMS through the SendSms function (lambdas/kernel/ports/sms-contracts.ts), so the
// functions that decide to text a user carry neither SNS nor free text.
import type { SmsRequest } from './sms-contracts.js';

export interface SmsMessages {
  send(request: SmsRequest): Promise<void>;
}
