// Mailer port: outgoing email (SESv2 in the cloud and, pointed at an in-process SES emulator, locally).
// Either a simple email (text, optionally HTML) or a prepared MIME body entity (PGP/MIME, B3), to which the
// adapter adds only the message headers (From, To, Subject, Date, MIME-Version).
interface EmailEnvelope {
  to: string;
  subject: string;
}

export interface SimpleEmail extends EmailEnvelope {
  text: string;
  html?: string;
  raw?: undefined;
}

export interface RawEmail extends EmailEnvelope {
  /** A MIME entity: its Content-* headers, an empty line, the body; CRLF line ends, 7-bit. Sent byte for byte. */
  raw: Uint8Array;
  text?: undefined;
  html?: undefined;
}

export type OutgoingEmail = SimpleEmail | RawEmail;

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}
