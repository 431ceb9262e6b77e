// SmsSender port: outgoing SMS (SNS in the cloud, an outbox locally).
export interface OutgoingSms {
  to: string;
  text: string;
}

export interface SmsSender {
  send(sms: OutgoingSms): Promise<{ messageId: string }>;
}
