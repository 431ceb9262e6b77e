// X3: a stand-in for Have I Been Pwned's Pwned Passwords range API (`GET /range/<5 hex>`), so that a sign-up
// or password change under the template never reaches the internet. The SignUp and ChangePassword bundles
// read its URL from PWNED_PASSWORDS_URL (harness plumbing, as AWS_ENDPOINT_URL_* are for the SDK clients).
// It answers as the API does with `Add-Padding: true`: the suffixes under the prefix with their counts (from
// the local list of common breached passwords), then zero-count padding lines. Not an AWS call: no IAM check.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LOCAL_BREACHED_LIST } from '../../../../local/adapters/breached-passwords.js';
import type { Answer, IncomingCall, Service } from '../endpoints.js';

export class PwnedPasswordsService implements Service {
  readonly protocol = 'rest-json' as const;
  /** The prefixes asked, in order: all a caller may send is five hex characters. */
  readonly asked: string[] = [];
  private byPrefix: Map<string, string[]> | undefined;

  async handle(call: IncomingCall): Promise<Answer> {
    const prefix = /^\/range\/([0-9A-F]{5})$/.exec(call.path)?.[1];
    call.operation = 'GET /range';
    if (!prefix) return { status: 400, body: 'The hash prefix was not in a valid format' };
    this.asked.push(prefix);
    const lines = [...(this.ranges().get(prefix) ?? [])];
    for (let i = lines.length; i < 8; i++) lines.push(`${i.toString(16).toUpperCase().padStart(35, '0')}:0`);
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: lines.join('\r\n') };
  }

  private ranges(): Map<string, string[]> {
    if (this.byPrefix) return this.byPrefix;
    const byPrefix = new Map<string, string[]>();
    const list = readFileSync(LOCAL_BREACHED_LIST, 'utf8').split('\n').filter(Boolean);
    list.forEach((password, rank) => {
      const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
      const lines = byPrefix.get(sha1.slice(0, 5)) ?? [];
      lines.push(`${sha1.slice(5)}:${list.length - rank}`);
      byPrefix.set(sha1.slice(0, 5), lines);
    });
    this.byPrefix = byPrefix;
    return byPrefix;
  }
}
