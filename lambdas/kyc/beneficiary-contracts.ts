// F1: the beneficiary declaration's body and answer (PUT /v1/me/addresses/{addressId}/beneficiary). Published
// through contracts.ts; a file of its own so a function that needs none of these shapes does not build them at
// import.
import * as z from 'zod/mini';
import { beneficiaryInput as beneficiaryInputSchema } from './travel-rule.js';

/** F1: the body of PUT /v1/me/addresses/{addressId}/beneficiary: who receives what is sent to the address. */
export const beneficiaryDeclarationBody = z.strictObject({ beneficiary: beneficiaryInputSchema });

/** Its answer: the name masked, never returned whole (D5). */
export const beneficiaryDeclaredView = z.strictObject({
  addressId: z.string(),
  beneficiaryMasked: z.string(),
  declaredAt: z.iso.datetime(),
});
export type BeneficiaryDeclaredView = z.infer<typeof beneficiaryDeclaredView>;
