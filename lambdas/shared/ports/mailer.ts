// Mailer port: outgoing email (SESv2 in the cloud and, pointed at an in-process SES emulator, locally).
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}
