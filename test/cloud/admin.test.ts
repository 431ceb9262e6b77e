// The AWS path of the admin plane (I2): admins log in against the admin pool through the admin routes, the
// admin authorizer lets them in, a request waits in the admin-approval workflow on a task token, each
// approval re-authenticates (password + TOTP) and answers the token, and the approved action runs in the
// executor function the workflow routes it to. Every function under its template environment and role.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stagedKey } from '../../lambdas/screening/staging.js';
import { followLink, linkIn } from '../support/email-links.js';
import { sha256 } from '../support/list-uploads.js';
import { LISTED_ETH, sdnFiles } from '../support/sanctioned-addresses.js';
import {
  adminOf,
  expectStatus,
  firstLogin,
  freshCode,
  person,
  signUp,
  type TestAdmin,
  type TestUser,
  wrongCode,
} from './harness/client.js';
import { CloudHarness } from './harness/cloud.js';
import { listBucketOf, loadUnList } from './harness/lists.js';

// Journeys on the real clock may wait out a TOTP step (30 s) on top of their own work.
vi.setConfig({ testTimeout: 90_000 });

let h: CloudHarness;
let ops: TestAdmin;
let comp: TestAdmin;
let sec: TestAdmin;
const vic: TestUser = person('vic');
let userId = '';
let userToken = '';

beforeAll(async () => {
  h = await CloudHarness.start({ variant: { name: 'journeys', context: { addressCoolingHours: 0 } } });
}, 600_000);
afterAll(async () => {
  await h?.stop();
});
afterEach(() => {
  h.reset();
});

const callsOf = (caller: string) =>
  h.calls.filter((c) => c.caller === caller).map((c) => `${c.service}:${c.operation}`);
const ran = (functionId: string) => h.invocations.some((i) => i.functionId === functionId && i.outcome.ok);
const as = (admin: TestAdmin, method: string, path: string, body?: unknown) =>
  h.call(method, path, body, { token: admin.token });

async function request(admin: TestAdmin, action: string, parameters: Record<string, unknown> = {}) {
  const made = await as(admin, 'POST', '/v1/admin/requests', {
    action,
    target: { kind: 'user', id: userId },
    parameters,
    reason: `ticket 4711: ${action}`,
  });
  expectStatus(made, 201);
  return { requestId: made.body.requestId as string, payloadHash: made.body.payloadHash as string };
}

/** An approval with the admin's step-up: the password and a code of a step the admin has not spent. */
const approve = async (admin: TestAdmin, made: { requestId: string; payloadHash: string }) =>
  as(admin, 'POST', `/v1/admin/requests/${made.requestId}/approve`, {
    payloadHash: made.payloadHash,
    password: admin.password,
    code: await freshCode(admin),
  });

const finished = async (workflow: string) => {
  const executions = h.states.executions.filter((e) => e.workflow === workflow);
  expect(executions.length, `${workflow} executions`).toBeGreaterThan(0);
  return Promise.all(executions.map((e) => e.outcome));
};

describe('I2 the AWS path of the admin plane', () => {
  it('I2 D1 admin logins against the admin pool, and the admin authorizer in front of the admin routes', async () => {
    await signUp(h, vic, '127.0.0.40');
    userToken = await firstLogin(h, vic, 'device-vic-00001');
    userId = (await h.call('GET', '/v1/me', undefined, { token: userToken })).body.userId as string;
    h.reset();
    [ops, comp, sec] = [
      await adminOf(h, 'ops1', ['operations']),
      await adminOf(h, 'comp1', ['compliance']),
      await adminOf(h, 'sec1', ['security']),
    ];
    const me = await as(comp, 'GET', '/v1/admin/me');
    expectStatus(me, 200);
    h.assertClean();
    expect(callsOf('AdminLogin')).toContain('cognito-idp:AdminInitiateAuth');
    expect(callsOf('AdminLoginChallenge')).toEqual(
      expect.arrayContaining([
        'cognito-idp:AdminRespondToAuthChallenge',
        `jwks:GET /${h.model.adminPool.id}/.well-known/jwks.json`,
      ]),
    );
    expect(callsOf('AdminAuthorizer')).toContain(`jwks:GET /${h.model.adminPool.id}/.well-known/jwks.json`);
    // A user's token is not an admin's: the admin authorizer refuses it.
    expect((await h.call('GET', '/v1/admin/me', undefined, { token: userToken })).status).toBe(401);
  });

  it('I2 D1 a wrong TOTP code at the admin login answers 401 in AWS as locally (CodeMismatchException mapped)', async () => {
    const start = await h.call('POST', '/v1/admin/auth/login', {
      username: 'comp1',
      password: comp.password,
    });
    expect(start.body).toMatchObject({ status: 'challenge', challenge: 'totp' });
    const wrong = await h.call('POST', '/v1/admin/auth/challenge', {
      loginId: start.body.loginId,
      code: wrongCode(comp.totpSecret),
    });
    // As for users (journeys.test.ts): the adapter's respondToTotp maps CodeMismatchException to Unauthorized.
    expect(wrong.status).toBe(401);
    expect(h.calls.find((c) => c.operation === 'AdminRespondToAuthChallenge')?.error).toBe(
      'CodeMismatchException',
    );
    h.assertClean();
  });

  it('I2 D2 a request with two approvals: the workflow stores its token, each approval re-authenticates and answers it, the executor runs once', async () => {
    const made = await request(ops, 'change-withdrawal-limits', { asset: 'BTC', daily: '5', monthly: '50' });
    expectStatus(await approve(comp, made), 200);
    const second = await approve(sec, made);
    expectStatus(second, 200);
    expect(second.body.status).toBe('approved');
    const [outcome] = await finished('admin-approval');
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { decision: { outcome: 'executed' } } });
    h.assertClean();
    expect(callsOf('CreateAdminRequest')).toContain('states:StartExecution');
    expect(callsOf('ApproveAdminRequest')).toEqual(
      expect.arrayContaining([
        'cognito-idp:AdminInitiateAuth',
        'cognito-idp:AdminRespondToAuthChallenge',
        'lambda:Invoke',
      ]),
    );
    // Only AnswerTask holds the task token and states:SendTask*: the approval asks it by the request's id.
    expect(callsOf('ApproveAdminRequest')).not.toContain('states:SendTaskSuccess');
    expect(callsOf('AnswerTask')).toContain('states:SendTaskSuccess');
    expect(ran('StoreApprovalToken')).toBe(true);
    expect(ran('ExecuteStaffAction')).toBe(true);
    expect(callsOf('StateMachine:admin-approval')).toContain('lambda:Invoke');
  });

  it('I2 D5 an approved reveal: AdminGetUser shows the email unmasked, through the vault, until the window ends', async () => {
    const masked = await as(comp, 'GET', `/v1/admin/users/${userId}`);
    expectStatus(masked, 200);
    expect(String(masked.body.email)).toContain('***');
    const made = await request(sec, 'reveal-personal-data', { fields: ['email'], windowMinutes: 15 });
    expectStatus(await approve(comp, made), 200);
    const [outcome] = await finished('admin-approval');
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { decision: { outcome: 'executed' } } });
    // The reveal is the requester's.
    const revealed = await as(sec, 'GET', `/v1/admin/users/${userId}`);
    expectStatus(revealed, 200);
    expect(String(revealed.body.email)).not.toContain('***');
    h.assertClean();
  });

  it('I2 X5 D5 D3 the console’s reads under the template: AdminFindUser finds a user by username through the user pool and AdminGetUser shows the logins and devices; AdminGetAudit reads the records and checks the chain against the checkpoint the scheduled function wrote', async () => {
    h.reset();
    const found = await as(ops, 'GET', `/v1/admin/users?username=${vic.username}`);
    expectStatus(found, 200);
    expect(found.body).toEqual({ userId, username: vic.username, status: 'active' });
    expect(callsOf('AdminFindUser')).toContain('cognito-idp:AdminGetUser');
    // The view by id under AdminGetUser's role: the logins, devices and sessions (the login and KYC rows).
    const view = await as(ops, 'GET', `/v1/admin/users/${userId}`);
    expectStatus(view, 200);
    expect(String(view.body.email)).toContain('***');
    expect((view.body.logins as unknown[]).length).toBeGreaterThan(0);
    expect((view.body.devices as unknown[]).length).toBe(1);
    expectStatus(await as(ops, 'GET', '/v1/admin/users?username=nobody_at_all'), 404);
    h.assertClean();

    // The scheduled checkpoint under its own role, then the audit route under its.
    await h.invokeFunction('AuditCheckpoint', {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    const audit = await as(comp, 'GET', `/v1/admin/audit?userId=${userId}`);
    expectStatus(audit, 200);
    expect(audit.body.chain).toMatchObject({ state: 'verified', checkpoint: { seq: expect.any(Number) } });
    expect((audit.body.records as { action: string }[]).map((r) => r.action)).toContain(
      'admin.read-personal-data',
    );
    expect(callsOf('AdminGetAudit')).toEqual(
      expect.arrayContaining(['s3:ListObjectsV2', 's3:GetObject', 'kms:GetPublicKey']),
    );
    // Operations holds no audit view: refused before anything is read.
    expectStatus(await as(ops, 'GET', `/v1/admin/audit?userId=${userId}`), 403);
    h.assertClean();
  });

  it('I2 C3 D2 a withdrawal held for review: the workflow waits on its token, an approved decision answers it, the rejection releases it', async () => {
    const added = await h.call(
      'POST',
      '/v1/me/addresses',
      { asset: 'BTC', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', label: 'cold wallet' },
      { token: userToken },
    );
    expectStatus(added, 201);
    // The emailed link opens a page (a GET changes nothing); its button posts the token (A4, A7, C1).
    await followLink(linkIn(await h.mailText(vic.email, /withdrawal address/i), '/v1/addresses/confirm/'));
    const addressId = (added.body.address as { addressId: string }).addressId;
    // F1: the operator's price table (the Travel Rule threshold): BTC at EUR 50,000, so these amounts are under it.
    await h.invokeFunction('SetTravelRulePrices', {
      prices: [{ asset: 'BTC', fiat: 'EUR', price: '50000' }],
    });
    // The third withdrawal within the hour adds the velocity signal: unusual, held for an admin's decision.
    let held = '';
    for (let n = 0; n < 3; n++) {
      const answer = await h.call(
        'POST',
        '/v1/me/withdrawals',
        { asset: 'BTC', amount: '0.0100', addressId, password: vic.password },
        { token: userToken, headers: { 'idempotency-key': `review-${Date.now().toString(36)}-${n}` } },
      );
      expectStatus(answer, 202);
      held = answer.body.withdrawalId as string;
    }
    const waiting = h.states.executions.filter((e) => e.workflow === 'withdrawal').at(-1);
    // The workflow runs on after the answer: screening, then the task that keeps the review's token.
    for (let i = 0; i < 200 && !ran('AwaitWithdrawalDecision'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(ran('AwaitWithdrawalDecision')).toBe(true);
    h.reset();
    const made = await as(comp, 'POST', '/v1/admin/requests', {
      action: 'decide-withdrawal',
      target: { kind: 'withdrawal', id: held },
      parameters: { userId, outcome: 'reject' },
      reason: 'ticket 4712: velocity',
    });
    expectStatus(made, 201);
    expectStatus(
      await approve(sec, {
        requestId: made.body.requestId as string,
        payloadHash: made.body.payloadHash as string,
      }),
      200,
    );
    await finished('admin-approval');
    expect(await waiting?.outcome).toMatchObject({ status: 'SUCCEEDED' });
    h.assertClean();
    expect(callsOf('ExecuteStaffAction')).toContain('lambda:Invoke');
    expect(callsOf('ExecuteStaffAction')).not.toContain('states:SendTaskSuccess');
    expect(callsOf('AnswerTask')).toContain('states:SendTaskSuccess');
    expect(ran('RejectWithdrawal')).toBe(true);
    const history = await h.call('GET', '/v1/me/withdrawals', undefined, { token: userToken });
    expect(history.body.withdrawals).toContainEqual(
      expect.objectContaining({ withdrawalId: held, status: 'rejected' }),
    );
  });

  it('I2 D2 an approved suspension runs the account-suspension workflow: sessions revoked in Cognito, the user told', async () => {
    const made = await request(comp, 'suspend-account');
    // Each admin spends one TOTP step per step-up: the approvals are spread over the roster.
    const approved = await approve(ops, made);
    expectStatus(approved, 200);
    const [approval] = await finished('admin-approval');
    expect(approval).toMatchObject({ status: 'SUCCEEDED', output: { decision: { outcome: 'executed' } } });
    const [suspension] = await finished('account-suspension');
    expect(suspension?.status).toBe('SUCCEEDED');
    h.assertClean();
    expect(ran('ExecuteAccountAction')).toBe(true);
    for (const task of ['RecordSuspension', 'RevokeAccess', 'CancelWithdrawals', 'NotifySuspension']) {
      expect(ran(task), task).toBe(true);
    }
    expect(callsOf('RevokeAccess')).toEqual(expect.arrayContaining(['cognito-idp:AdminUserGlobalSignOut']));
    // The suspended user's token is refused from now on.
    expect((await h.call('GET', '/v1/me', undefined, { token: userToken })).status).toBe(401);
  });

  it('I2 F2 a strong screening hit under the template freezes the customer, shown to compliance in AdminGetUser; lift-screening-freeze, requested and approved by two compliance officers, lifts it in ExecuteAccountAction', async () => {
    await loadUnList(h);
    // a UN-listed individual's name as the username (docs/screening.md: today the name screened)
    const listed: TestUser = { ...person('gi'), username: 'gaston.iyamuremye' };
    await signUp(h, listed, '127.0.0.41');
    const [screened] = await finished('screening');
    expect(screened?.status).toBe('SUCCEEDED');
    const execution = h.states.executions.find((e) => e.workflow === 'screening');
    const listedId = (execution?.input as { userId?: string } | undefined)?.userId ?? '';
    const run = h.invocations.find((i) => i.functionId === 'ScreenCustomer');
    expect(JSON.parse(run?.outcome.ok ? run.outcome.payload : '{}')).toMatchObject({ band: 'strong' });
    h.assertClean();
    h.reset();
    // F2: the user view shows compliance the freeze and the decision (AdminGetUser's own role reads the
    // screening rows and the case's source claim); security sees no screening
    const viewed = await as(comp, 'GET', `/v1/admin/users/${listedId}`);
    expectStatus(viewed, 200);
    const screening = viewed.body.screening as {
      state: { frozen: boolean; caseId?: string };
      pep: string;
      decisions: {
        trigger: string;
        band: string;
        frozen: boolean;
        caseId?: string;
        lists: { list: string }[];
      }[];
    };
    expect(screening.state.frozen).toBe(true);
    expect(screening.pep).toBe('not-screened'); // no PEP list loaded in this deployment
    expect(screening.decisions[0]).toMatchObject({
      trigger: 'signup',
      band: 'strong',
      frozen: true,
      caseId: screening.state.caseId,
      lists: [{ list: 'un-sc' }],
    });
    expect((await as(sec, 'GET', `/v1/admin/users/${listedId}`)).body).not.toHaveProperty('screening');
    h.assertClean();
    h.reset();

    const comp2 = await adminOf(h, 'comp2', ['compliance']);
    const made = await as(comp, 'POST', '/v1/admin/requests', {
      action: 'lift-screening-freeze',
      target: { kind: 'user', id: listedId },
      parameters: {},
      reason: 'case reviewed: a namesake, not the listed person',
    });
    expectStatus(made, 201);
    const ids = { requestId: made.body.requestId as string, payloadHash: made.body.payloadHash as string };
    // security may not approve a compliance decision
    expect((await approve(sec, ids)).status).toBe(403);
    expectStatus(await approve(comp2, ids), 200);
    const [outcome] = await finished('admin-approval');
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { decision: { outcome: 'executed' } } });
    h.assertClean();
    expect(ran('ExecuteAccountAction')).toBe(true);
    expect(callsOf('ExecuteAccountAction')).toEqual(expect.arrayContaining(['dynamodb:TransactWriteItems']));
  });
  it('I2 F2 C1 an approved load-screening-list runs LoadScreeningList under its role: the SDN version stored, its digital-currency addresses published to the index in one transaction; AddWithdrawalAddress then blocks a listed address', async () => {
    const files = sdnFiles();
    const made = await as(comp, 'POST', '/v1/admin/requests', {
      action: 'load-screening-list',
      target: { kind: 'list', id: 'ofac-sdn' },
      parameters: {
        format: 'ofac-sdn-csv',
        files: [...files].map(([name, bytes]) => ({ name, sha256: sha256(bytes) })),
      },
      reason: 'OFAC SDN publication of the day',
    });
    expectStatus(made, 201);
    const ids = { requestId: made.body.requestId as string, payloadHash: made.body.payloadHash as string };
    // the files as the maker's presigned POSTs leave them in the request's slots (the emulation takes no POST)
    const bucket = listBucketOf(h);
    for (const [name, bytes] of files)
      h.s3.seed(bucket.name, stagedKey(ids.requestId, name), Buffer.from(bytes));
    const checker = await adminOf(h, 'comp3', ['compliance']);
    expectStatus(await approve(checker, ids), 200);
    const outcomes = await finished('admin-approval');
    expect(outcomes).toEqual([
      expect.objectContaining({
        status: 'SUCCEEDED',
        output: expect.objectContaining({ decision: expect.objectContaining({ outcome: 'executed' }) }),
      }),
    ]);
    h.assertClean();
    expect(ran('LoadScreeningList')).toBe(true);
    expect(callsOf('LoadScreeningList')).toEqual(
      expect.arrayContaining([
        's3:GetObject',
        's3:PutObject',
        'dynamodb:TransactWriteItems',
        'states:StartExecution',
      ]),
    );
    // the re-screen the new version started runs to its end under the template before the next journey
    // (its pages fan out to 32 concurrent environments; a journey beside them would share their CPU)
    const rescreens = await finished('screening');
    expect(rescreens.map((r) => r.status)).toEqual(rescreens.map(() => 'SUCCEEDED'));
    h.assertClean();
    h.reset();
    // the listed address, whitelisted after the load by a customer of its own (vic is suspended by now):
    // AddWithdrawalAddress reads the index under its role
    const lea: TestUser = person('lea');
    await signUp(h, lea, '127.0.0.42');
    const leaToken = await firstLogin(h, lea, 'device-lea-00001');
    h.reset();
    const added = await h.call(
      'POST',
      '/v1/me/addresses',
      { asset: 'ETH', address: LISTED_ETH.toLowerCase(), label: 'listed' },
      { token: leaToken },
    );
    h.assertClean();
    expectStatus(added, 201);
    expect((added.body.address as { status: string }).status).toBe('blocked');
    expect(callsOf('AddWithdrawalAddress')).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']),
    );
  });
});
