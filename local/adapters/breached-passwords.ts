// X3: the local BreachedPasswords adapter: the most common breached passwords, bundled as a list
// (data/breached-passwords/top-5000.txt, from zxcvbn-ts's ranked password dictionary; see its README). No
// network: the local runtime and the e2e tests never reach Have I Been Pwned.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BreachedPasswords, BreachVerdict } from '../../lambdas/kernel/ports/breached-passwords.js';

export const LOCAL_BREACHED_LIST = fileURLToPath(
  new URL('../../data/breached-passwords/top-5000.txt', import.meta.url),
);

export class LocalBreachedPasswords implements BreachedPasswords {
  private list: Set<string> | undefined;

  constructor(private readonly file = LOCAL_BREACHED_LIST) {}

  async check(password: string): Promise<BreachVerdict> {
    this.list ??= new Set(
      readFileSync(this.file, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0),
    );
    return this.list.has(password) ? { status: 'breached', count: 1 } : { status: 'clean' };
  }
}
