// Test environment: Powertools quiet and offline, as in the local runtime.
import { setLocalPasswordCost, TEST_SCRYPT_PARAMS } from '../local/adapters/password-hash.js';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.AWS_XRAY_CONTEXT_MISSING ??= 'IGNORE_ERROR';
process.env.AWS_EC2_METADATA_DISABLED ??= 'true';

// The local directory's scrypt (the local stand-in for Cognito's password check) at the test cost: the e2e
// and cloud files sign up and log in hundreds of users, ~0.2–0.5 s of CPU each at the real cost. Production
// (Cognito) never runs it; `npm start`, the bench and the census run keep the real cost, and
// test/unit/password-cost.test.ts proves both. PALISADE_TEST_SCRYPT=real runs a test file at the real cost.

if (process.env.PALISADE_TEST_SCRYPT !== 'real') setLocalPasswordCost(TEST_SCRYPT_PARAMS);
