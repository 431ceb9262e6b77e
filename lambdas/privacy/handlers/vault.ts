// The personal-data vault (E2): the one function that holds the data key. It seals a field group of a row
// with the Encryption SDK, or opens one, for the functions whose feature needs the plaintext. It logs what it
// did and to which row, never a value.
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { FieldCipher } from '../../kernel/privacy/field-cipher.js';
import { vaultRequest } from '../../kernel/privacy/vault-contracts.js';
import { taskHandler } from '../../kernel/task.js';

export const makeHandler = (ports: { cipher: FieldCipher }) =>
  taskHandler(vaultRequest, async (request) => {
    logger.info('vault request', {
      op: request.op,
      table: request.binding.table,
      group: request.binding.group,
    });
    if (request.op === 'seal')
      return { ciphertext: await ports.cipher.encrypt(request.binding, request.fields) };
    return { fields: await ports.cipher.decrypt(request.binding, request.ciphertext) };
  });

export const handler = lazyHandler(() => makeHandler({ cipher: aws.cipher() }));
