// Bundled by test/unit/vault-bundle.test.ts with the production esbuild options and aliases, then run in a
// fresh node: the vault handler with the Encryption SDK as deployed, keyed by a local raw AES keyring.

import { makeHandler } from '../../lambdas/privacy/handlers/vault.js';
import { openLocalFieldCipher } from '../../local/adapters/field-cipher.js';

const [stateDir] = process.argv.slice(2);
if (!stateDir) throw new Error('usage: entry <stateDir>');
const handler = makeHandler({ cipher: await openLocalFieldCipher(stateDir) });
const context = { awsRequestId: 'bundle-test', functionName: 'PersonalDataVault' } as never;
const binding = { table: 'Accounts', key: { pk: 'USER#u-1', sk: 'ACCOUNT' }, group: 'contact' };
const big = 'x'.repeat(3000);
const sealed = (await handler(
  { op: 'seal', binding, fields: { email: 'ann@example.com', note: big } },
  context,
)) as {
  ciphertext: string;
};
const opened = await handler({ op: 'open', binding, ciphertext: sealed.ciphertext }, context);
let moved = 'opened';
try {
  await handler(
    {
      op: 'open',
      binding: { ...binding, key: { pk: 'USER#u-2', sk: 'ACCOUNT' } },
      ciphertext: sealed.ciphertext,
    },
    context,
  );
} catch (err) {
  moved = (err as Error).name;
}
console.log(JSON.stringify({ opened, moved, leaked: sealed.ciphertext.includes('ann@example.com') }));
