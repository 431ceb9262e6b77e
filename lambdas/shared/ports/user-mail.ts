// UserMail port: an email to a user, named by user id (the address stays with the mail function and the vault).
export interface UserMail {
  send(userId: string, message: { subject: string; text: string }): Promise<void>;
}
