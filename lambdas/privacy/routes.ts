// The privacy context's functions: its API routes and the functions others invoke, with the access each needs.
import type { FunctionSpec } from '../kernel/specs.js';

/**
 * The personal-data vault (E2): the only function with the data key; others seal and open field groups
 * through it (`vault:invoke`), so a function that only needs masked data never holds plaintext.
 */
export const VAULT: FunctionSpec = {
  id: 'PersonalDataVault',
  entry: 'lambdas/privacy/handlers/vault.ts',
  access: ['data-key:seal-open'],
};
