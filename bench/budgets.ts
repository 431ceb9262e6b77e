// The bench's budgets and their verdicts: minified size from the esbuild metafile, init time over empty node.
import type { BundleFacts } from './bundle.js';

export const KB = 1024;

export const BUDGETS = {
  /** Any handler, the X-Ray tracer included. */
  maxBytes: 600 * KB,
  /** A handler without @aws-lambda-powertools/tracer. */
  maxBytesWithoutTracer: 400 * KB,
  /** Median `await import(bundle)` in a fresh node process, node's own start excluded. */
  maxInitMs: 120,
} as const;

/**
 * Per-function exceptions to the size budget, by catalogue function id: each names its limit and why. Every
 * function not listed keeps BUDGETS.maxBytes; an exception is for a dependency that cannot be split off, and
 * the function carrying it is kept to that one job, so that nothing else grows into its allowance.
 */
export const SIZE_EXCEPTIONS: Readonly<Record<string, { maxKB: number; reason: string }>> = {
  ScreenCustomer: {
    maxKB: 1400,
    reason:
      "F2: the name matcher's transliteration (any-ascii, 534 KB minified: the Unicode-to-Latin tables for " +
      'Cyrillic, Greek, Arabic, Han, kana, Hangul …) and the S3 client that reads the list versions at the first ' +
      'screening, and (E2) the Lambda client of the vault that opens and seals the roster entry. The lists ' +
      'themselves are never bundled. Measured 2026-12: 1,316 KB (1,237 KB before the roster was sealed). Only the ' +
      "screening workflow's two matcher tasks hold it; the routes that hand over to screening (sign-up, KYC, " +
      'addresses, withdrawals) bundle the light screening-actions/intake modules without the matcher.',
  },
  RescreenPage: {
    maxKB: 1400,
    reason:
      'F2: the same matcher as ScreenCustomer (any-ascii tables, S3 client) and the vault client that opens the ' +
      "roster page's sealed entries; measured 2026-12: 1,311 KB.",
  },
  DeclareBeneficiary: {
    maxKB: 1400,
    reason:
      'F1 (Travel Rule): the beneficiary named for a withdrawal address is screened by name at once, with the same ' +
      'matcher as ScreenCustomer (any-ascii, the S3 client of the list versions) and the vault client that opens the ' +
      'KYC person data and seals the IVMS101 payload. Measured 2026-12: 1,335.2 KB. The withdrawal request reads only ' +
      "the address's declared flags and the sealed payload, so none of this is in its bundle.",
  },
  Login: {
    maxKB: 604,
    reason:
      'A6/G1: the login with the risk model (its store, features and the geo table reader; the table itself ships ' +
      'beside the bundle) over the Cognito, DynamoDB, KMS and Lambda clients. Measured 2026-12: 600.2 KB. The next ' +
      "step is the bundle work that drops the Lambda SDK client (70.5 KB, for the duress check's and the mail's " +
      'invokes) and the X-Ray SDK (68.4 KB); until then 4 KB of room, not more.',
  },
  AnswerChallenge: {
    maxKB: 604,
    reason:
      "A2/G1: the login's second step, the same code as Login (the risk model, the same four clients). Measured " +
      '2026-12: 600.3 KB. It goes back under 600 KB with Login (the Lambda SDK client and the X-Ray SDK).',
  },
  ExecuteAccountAction: {
    maxKB: 608,
    reason:
      'D2/F1/F2: the executor of the approved account actions, now with the KYC review and level actions and the ' +
      'screening freeze lift beside the suspension, limits and contact changes. Measured 2026-12: 607.1 KB (603.4 ' +
      "before the KYC store learnt the business owners' checks and reviews). Splitting " +
      'the KYC actions into an executor of their own is the way back under 600 KB; the workflow already routes ' +
      'actions to executors by group.',
  },
  SignUp: {
    maxKB: 2400,
    reason:
      'X3: the password strength estimator zxcvbn-ts with its dictionaries (@zxcvbn-ts/language-en 1,174 KB and ' +
      '@zxcvbn-ts/language-common 418 KB minified: common passwords, English words, names, Wikipedia terms; core ' +
      '37 KB). Measured 2026-12: 2,208.5 KB. The dictionaries are loaded by dynamic import (lazy initialisers in ' +
      "the bundle), so they are decoded at the first password check, not in the function's init. Only the two " +
      'functions that set passwords carry them; VerifySignUp and the login routes do not.',
  },
  ChangePassword: {
    maxKB: 2400,
    reason: 'X3: the same estimator and dictionaries as SignUp (zxcvbn-ts); measured 2026-12: 2,148.0 KB.',
  },
  CreateAdminRequest: {
    maxKB: 760,
    reason:
      'F2: the S3 client and @aws-sdk/s3-presigned-post, to sign the upload slots of a load-screening-list ' +
      'request (presigned POSTs to incoming/*). Measured 2026-12: 711 KB. The alternative is a separate slot ' +
      'route holding the S3 client alone (docs/screening.md says why the slots come with the answer).',
  },
  LoadScreeningList: {
    maxKB: 760,
    reason:
      'F2: the S3 client (the staged files and the list versions) and the list parsers (CSV, XML); the loader ' +
      'does that one job. Measured 2026-12: 706 KB.',
  },
  BackfillRoster: {
    maxKB: 760,
    reason:
      "F2: the operator's roster backfill (never on a request's path): the S3 client to read which list versions " +
      'are in force before its re-screen, and the Lambda client to seal the roster entries through the vault ' +
      '(E2). Measured 2026-12: 667.6 KB.',
  },
  CheckKycDocument: {
    maxKB: 900,
    reason:
      'F1: the server-side check of a KYC upload: pdf-lib for the PDF page count and encryption (227 KB, and its ' +
      'package index brings the 14 standard fonts, 130 KB, and UPNG, which no entry point avoids) beside the S3 ' +
      'client that sizes, reads and deletes the object. Measured 2026-12: 870.7 KB. Split off so that the routes ' +
      'stay small: the complete route (515.5 KB) invokes it; it does that one job, with no table and no key.',
  },
  PgpMailSigner: {
    maxKB: 760,
    reason:
      'B3: OpenPGP.js (pure-JS OpenPGP, no gpg binary in Lambda) is 367 KB minified with sign + encrypt + key ' +
      'validation; the function holds only it, Secrets Manager and the task wiring. Measured 2026-03: 701.4 KB ' +
      'minified, import 89.6 ms median over empty node (within the 120 ms init budget). Isolated here so the ' +
      'user-mail function (580.7 KB) and the pgp-key route (no OpenPGP.js) stay within 600 KB.',
  },
};

export interface Verdict {
  id: string;
  budget: string;
  actual: string;
  ok: boolean;
  /** On a breach: what weighs most, so the regression can be explained. */
  cause?: string;
}

export const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

export function sizeLimit(facts: Pick<BundleFacts, 'hasTracer'> & { id?: string }): number {
  const exception = facts.id === undefined ? undefined : SIZE_EXCEPTIONS[facts.id];
  if (exception) return exception.maxKB * KB;
  return facts.hasTracer ? BUDGETS.maxBytes : BUDGETS.maxBytesWithoutTracer;
}

export function sizeVerdict(facts: BundleFacts): Verdict {
  const limit = sizeLimit(facts);
  const ok = facts.bytes <= limit;
  const exception = SIZE_EXCEPTIONS[facts.id];
  return {
    id: facts.id,
    budget: exception
      ? `size ≤ ${kb(limit)} (documented exception: ${exception.reason.split(':')[0]})`
      : `size ≤ ${kb(limit)} (${facts.hasTracer ? 'with' : 'without'} tracer)`,
    actual: kb(facts.bytes),
    ok,
    ...(ok ? {} : { cause: facts.topPackages.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ') }),
  };
}

export function initVerdict(id: string, initMs: number): Verdict {
  return {
    id,
    budget: `init ≤ ${BUDGETS.maxInitMs} ms over empty node`,
    actual: `${initMs.toFixed(1)} ms`,
    ok: initMs <= BUDGETS.maxInitMs,
  };
}

/** E1 signed rows: the read path against raw verify, and KMS calls through the port. */
export const INTEGRITY_BUDGETS = {
  /** RowVerifier.verify items/s over raw node:crypto ECDSA P-256 verify of the same messages, one core. */
  minVerifyRatio: 0.75,
  /** KMS calls per read once the container has fetched the public key. */
  maxKmsCallsPerRead: 0,
  /** KMS calls in any one write (create or update). */
  maxKmsCallsPerWrite: 1,
} as const;

export const E1_VERIFY_ID = 'E1 read-path verification';
export const E1_READ_ID = 'E1 KMS calls per read';
export const E1_WRITE_ID = 'E1 KMS calls per write';

export function verifyRatioVerdict(ratio: number): Verdict {
  return {
    id: E1_VERIFY_ID,
    budget: `≥ ${INTEGRITY_BUDGETS.minVerifyRatio} × raw node:crypto verify (items/s, one core)`,
    actual: `${ratio.toFixed(3)} ×`,
    ok: ratio >= INTEGRITY_BUDGETS.minVerifyRatio,
    ...(ratio >= INTEGRITY_BUDGETS.minVerifyRatio
      ? {}
      : { cause: 'canonical form or key handling per read' }),
  };
}

/** Reads must make no KMS call at all: the total over every read, not an average that could hide one. */
export function kmsReadVerdict(calls: number, reads: number): Verdict {
  const ok = reads > 0 && calls <= INTEGRITY_BUDGETS.maxKmsCallsPerRead * reads;
  return {
    id: E1_READ_ID,
    budget: `${INTEGRITY_BUDGETS.maxKmsCallsPerRead} after the container's one public-key fetch`,
    actual: `${calls} in ${reads} reads`,
    ok,
    ...(ok ? {} : { cause: reads > 0 ? 'a read called KMS' : 'no reads measured' }),
  };
}

/** Every single write makes at most one KMS call (the Sign of the new row). */
export function kmsWriteVerdict(maxInOneWrite: number, calls: number, writes: number): Verdict {
  const ok = writes > 0 && maxInOneWrite <= INTEGRITY_BUDGETS.maxKmsCallsPerWrite;
  return {
    id: E1_WRITE_ID,
    budget: `≤ ${INTEGRITY_BUDGETS.maxKmsCallsPerWrite} in every write`,
    actual: `max ${maxInOneWrite}, ${calls} in ${writes} writes`,
    ok,
    ...(ok ? {} : { cause: writes > 0 ? 'a write made several KMS calls' : 'no writes measured' }),
  };
}
