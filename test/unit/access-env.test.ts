// Unit tests of the Access → environment variable mapping the runtime checks at init (I2).
import { describe, expect, it } from 'vitest';
import { allFunctions } from '../../lambdas/catalogue.js';
import {
  ACCESS_ENV,
  ACCESS_VARIABLE,
  accessOf,
  BASE_ENV,
  checkEnv,
  requiredEnv,
} from '../../lambdas/kernel/runtime/access-env.js';

const envOf = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, 'set']));

describe('requiredEnv', () => {
  it('I2 lists each variable once, in the order of the access list', () => {
    expect(requiredEnv(['accounts:read', 'vault:invoke', 'audit:append', 'accounts:write'])).toEqual([
      'ACCOUNTS_TABLE',
      'SIGNING_KEY_ID',
      'VAULT_FUNCTION',
      'AUDIT_TABLE',
    ]);
  });

  it('I2 an access list without variables needs none', () => {
    expect(requiredEnv([])).toEqual([]);
    expect(requiredEnv(['sms:publish'])).toEqual([]);
  });

  it('I2 every access of every catalogue function has an entry', () => {
    for (const spec of allFunctions())
      for (const item of spec.access) expect(ACCESS_ENV[item], `${spec.id}: ${item}`).toBeDefined();
  });

  it('I2 BASE_ENV lists each variable once, and the access list variable among them', () => {
    expect(new Set(BASE_ENV).size).toBe(BASE_ENV.length);
    expect(BASE_ENV).toContain(ACCESS_VARIABLE);
  });
});

describe('checkEnv', () => {
  it('I2 passes when every required variable is set', () => {
    expect(() =>
      checkEnv(
        ['accounts:read', 'pgp-key:sign'],
        envOf(['ACCOUNTS_TABLE', 'SIGNING_KEY_ID', 'PGP_KEY_SECRET']),
      ),
    ).not.toThrow();
  });

  it('I2 names the missing variable and the access that needs it', () => {
    expect(() => checkEnv(['accounts:read'], envOf(['SIGNING_KEY_ID']))).toThrow(
      new Error('Missing environment variable(s) ACCOUNTS_TABLE required by access accounts:read'),
    );
  });

  it('I2 names every missing variable, once, and every access that needs one', () => {
    expect(() =>
      checkEnv(['accounts:read', 'accounts:write', 'mail:send', 'vault:invoke'], envOf(['MAIL_FROM'])),
    ).toThrow(
      new Error(
        'Missing environment variable(s) ACCOUNTS_TABLE, SIGNING_KEY_ID, VAULT_FUNCTION required by access ' +
          'accounts:read, accounts:write, vault:invoke',
      ),
    );
  });

  it('I2 an empty variable counts as missing', () => {
    expect(() => checkEnv(['custody:dispatch'], { CUSTODY_QUEUE_URL: '' })).toThrow(/CUSTODY_QUEUE_URL/);
  });

  it('I2 reads process.env by default', () => {
    const saved = process.env.DURESS_FUNCTION;
    process.env.DURESS_FUNCTION = 'palisade-duress';
    try {
      expect(() => checkEnv(['duress:check'])).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.DURESS_FUNCTION;
      else process.env.DURESS_FUNCTION = saved;
    }
  });
});

describe('accessOf', () => {
  it('I2 reads the comma-separated access list; an empty one is no access', () => {
    expect(accessOf({ [ACCESS_VARIABLE]: 'accounts:read,audit:append' })).toEqual([
      'accounts:read',
      'audit:append',
    ]);
    expect(accessOf({ [ACCESS_VARIABLE]: '' })).toEqual([]);
  });

  it('I2 refuses a missing variable or an unknown access', () => {
    expect(() => accessOf({})).toThrow(`Missing environment variable ${ACCESS_VARIABLE}`);
    expect(() => accessOf({ [ACCESS_VARIABLE]: 'accounts:read,toString' })).toThrow(
      /unknown access toString/,
    );
  });
});

describe('I2 the environment check at a Lambda init', () => {
  it('I2 a handler module built in a Lambda container fails its init naming the missing variable', async () => {
    const { lazyHandler } = await import('../../lambdas/kernel/http.js');
    const build = () => async () => 'ok';
    const env = {
      AWS_LAMBDA_FUNCTION_NAME: 'Login',
      PALISADE_ACCESS: 'accounts:read',
      PALISADE_REQUIRED_ENV: 'ACCOUNTS_TABLE,SIGNING_KEY_ID',
      ACCOUNTS_TABLE: 't',
    };
    expect(() => lazyHandler(build, env)).toThrow(/SIGNING_KEY_ID/);
    expect(() => lazyHandler(build, { ...env, SIGNING_KEY_ID: 'k' })).not.toThrow();
  });

  it('I2 outside a Lambda container (the local runtime, tests) nothing is checked', async () => {
    const { lazyHandler } = await import('../../lambdas/kernel/http.js');
    expect(() => lazyHandler(() => async () => 'ok', { PALISADE_ACCESS: 'accounts:read' })).not.toThrow();
  });
});
