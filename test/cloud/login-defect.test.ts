// The defect that kept everyone out in AWS (A5, fixed in lambdas/auth/routes.ts): Login's access list lacked
// `duress:check`, so its template gave it neither DURESS_FUNCTION nor lambda:InvokeFunction on CheckDuress,
// and every password login failed there, while the local runtime, which wires everything in-process, never
// noticed. This fixture synthesises the template with that access removed again and shows the harness
// naming both the missing variable and the missing grant.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../lambdas/catalogue.js';
import type { Access } from '../../lambdas/kernel/specs.js';
import type { TemplateVariant } from './harness/cache.js';
import { person, signUp, type TestUser } from './harness/client.js';
import { CloudHarness } from './harness/cloud.js';
import { staticReport } from './harness/static.js';

/** The template as it was before the fix: Login's spec without `duress:check`, restored after synthesis. */
const LOGIN_WITHOUT_DURESS: TemplateVariant = {
  name: 'login-without-duress',
  mutate: () => {
    const login = ROUTES.find((r) => r.id === 'Login') as { access: readonly Access[] };
    const before = login.access;
    login.access = before.filter((a) => a !== 'duress:check');
    return () => {
      login.access = before;
    };
  },
};

// Journeys on the real clock may wait out a TOTP step (30 s) on top of their own work.
vi.setConfig({ testTimeout: 90_000 });

let h: CloudHarness;
const user: TestUser = person('dora');

beforeAll(async () => {
  h = await CloudHarness.start({ variant: LOGIN_WITHOUT_DURESS });
  await signUp(h, user);
  h.reset();
}, 600_000);
afterAll(async () => {
  await h?.stop();
});

const login = () =>
  h.call('POST', '/v1/auth/login', {
    username: user.username,
    password: user.password,
    deviceId: 'device-dora-0001',
  });

describe('A5 Login without duress:check (the defect fixed on main)', () => {
  it('A5 I2 the fixture template is the broken one: no DURESS_FUNCTION, no invoke grant on CheckDuress', () => {
    const fn = h.fn('Login');
    expect(fn.environment.PALISADE_ACCESS).not.toContain('duress:check');
    expect(fn.environment).not.toHaveProperty('DURESS_FUNCTION');
    const invokes = fn.statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invokes)).not.toContain(h.fn('CheckDuress').arn);
  });

  it('A5 I2 the bundle scan names it before any journey runs: Login reads DURESS_FUNCTION, its role may not invoke CheckDuress', () => {
    const login = staticReport(h.model, h.bundles).findings.filter((f) => f.function === 'Login');
    expect(login.map((f) => f.detail)).toEqual([
      "Login's bundle reads DURESS_FUNCTION, which the template does not set (given with access duress:check)",
      `Login reads DURESS_FUNCTION and so calls lambda:InvokeFunction on ${h.fn('CheckDuress').arn}, which its role (${h.fn('Login').roleName}) does not allow`,
    ]);
  });

  it('A5 I2 a password login fails under the template and the harness names Login and DURESS_FUNCTION', async () => {
    const answer = await login();
    expect(answer.status).toBe(500);
    expect(h.violations).toContainEqual(
      expect.objectContaining({ kind: 'missing-variable', caller: 'Login', variable: 'DURESS_FUNCTION' }),
    );
    expect(h.report()).toMatch(
      /Login reads DURESS_FUNCTION, which the template does not set \(given with access duress:check, it names CheckDuress\)/,
    );
    expect(() => h.assertClean()).toThrow(/DURESS_FUNCTION/);
  });

  it('A5 I2 diagnosed further, the next failure is the missing lambda:InvokeFunction on CheckDuress', async () => {
    const { violations, filled } = await h.diagnose(login);
    expect(filled).toEqual([`Login.DURESS_FUNCTION=${h.fn('CheckDuress').name}`]);
    const report = h.report(violations);
    expect(violations).toContainEqual(
      expect.objectContaining({
        kind: 'denied',
        caller: 'Login',
        operation: 'lambda:Invoke',
        check: expect.objectContaining({
          request: expect.objectContaining({
            action: 'lambda:InvokeFunction',
            resource: h.fn('CheckDuress').arn,
          }),
        }),
      }),
    );
    expect(report).toContain(
      `Login (role ${h.fn('Login').roleName}) → lambda:InvokeFunction on ${h.fn('CheckDuress').arn}`,
    );
    // Nothing else is wrong with the login: these two are the whole defect.
    expect(violations.map((v) => v.kind).sort()).toEqual(['denied', 'missing-variable']);
  });
});
