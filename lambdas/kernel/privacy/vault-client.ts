// The vault as a FieldCipher for every other function: a request to the vault function, its answer validated.
// The AWS adapter invokes the Lambda; the local runtime invokes the same handler in-process.
import type * as z from 'zod/mini';
import { IntegrityError } from '../errors.js';
import { parseWith } from '../http.js';
import type { FieldBinding, FieldCipher } from './field-cipher.js';
import { openResponse, sealResponse, type VaultRequest } from './vault-contracts.js';

/** Sends a request to the vault; rejects with IntegrityError when the vault refused a ciphertext. */
export type VaultTransport = (request: VaultRequest) => Promise<unknown>;

export class VaultClient implements FieldCipher {
  constructor(private readonly send: VaultTransport) {}

  private async ask<T>(request: VaultRequest, schema: z.ZodMiniType<T>): Promise<T> {
    return parseWith(schema, await this.send(request), 'vault response');
  }

  async encrypt(binding: FieldBinding, fields: Record<string, string>): Promise<string> {
    const request = { op: 'seal', binding, fields } as VaultRequest;
    return (await this.ask(request, sealResponse)).ciphertext;
  }

  async decrypt(binding: FieldBinding, ciphertext: string): Promise<Record<string, string>> {
    const request = { op: 'open', binding, ciphertext } as VaultRequest;
    return (await this.ask(request, openResponse)).fields;
  }
}

/** The error a vault invocation reports, turned back into the typed error callers expect. */
export function vaultError(errorType: string | undefined): Error {
  return errorType === 'IntegrityError'
    ? new IntegrityError('A sealed field group failed its integrity check')
    : new Error('The personal-data vault failed');
}
