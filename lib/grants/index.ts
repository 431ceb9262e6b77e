// Every catalogue Access's grant in one table (the compiler refuses an Access without one), and
// grantAccess, which applies a function's grants and checks it holds every variable its access needs.
import type { Access } from '../../lambdas/catalogue.js';
import { checkEnv } from '../../lambdas/kernel/runtime/access-env.js';
import type { PalisadeFunction } from '../functions.js';
import { DATA_GRANTS } from './data.js';
import { FUNCTION_GRANTS } from './functions.js';
import type { GrantContext, GrantTable } from './grant.js';
import { IDENTITY_GRANTS } from './identity.js';
import { KYC_GRANTS } from './kyc.js';
import { MESSAGING_GRANTS } from './messaging.js';
import { WORKFLOW_GRANTS } from './workflows.js';

export type { Grant, GrantContext } from './grant.js';

export const GRANTS: GrantTable = {
  ...DATA_GRANTS,
  ...IDENTITY_GRANTS,
  ...FUNCTION_GRANTS,
  ...WORKFLOW_GRANTS,
  ...MESSAGING_GRANTS,
  ...KYC_GRANTS,
};

/**
 * Applies each access's grant once, in the order of the list: its variables, then its statements. The
 * function must then hold every variable ACCESS_ENV names for its access (the stack's or the grants').
 */
export function grantAccess(fn: PalisadeFunction, access: readonly Access[], ctx: GrantContext): void {
  for (const item of new Set(access)) {
    const grant = GRANTS[item];
    for (const [name, value] of Object.entries(grant.env?.(fn, ctx) ?? {})) fn.addEnvironment(name, value);
    grant.apply(fn, ctx);
  }
  try {
    checkEnv(access, fn.environment);
  } catch (error) {
    throw new Error(`${fn.spec.id}: ${(error as Error).message}`);
  }
}
