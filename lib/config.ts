// CDK context → the deploy configuration: the shared Settings (parsed by parseSettings) plus the few values
// only the infrastructure needs (sender address, alarm email, CloudTrail switch, the links' public base URL).
import * as z from 'zod/mini';
import { corsOrigin } from '../lambdas/kernel/cors.js';
import { publicBaseUrl } from '../lambdas/kernel/public-url.js';
import { parseSettings, type Settings, SettingsError, settingsSchema } from '../lambdas/kernel/settings.js';

/** The context key holding an object of every setting below; individual keys override its fields. */
export const CONTEXT_KEY = 'palisade';

/** Tests set this to swap esbuild bundling for inline stubs; `npm run synth` never does. */
export const STUB_CODE_CONTEXT_KEY = 'palisade:stubLambdaCode';

const EMAIL = 'an email address such as security@exchange.example';

const infraSchema = z.object({
  /** MAIL_FROM: the sender of every email; its domain becomes the SES identity. */
  mailFrom: z._default(z.email(EMAIL), 'no-reply@palisade.example'),
  /** Subscribed to the alarm topic when given (the subscription must be confirmed from the mailbox). */
  alarmEmail: z.optional(z.email(EMAIL)),
  /**
   * X5: the admin console's own domain (`console.exchange.example`) and its ACM certificate in us-east-1:
   * viewers then get TLS 1.2+ (TLSv1.2_2021). Both or neither; without them, the *.cloudfront.net name.
   */
  consoleDomain: z.optional(
    z
      .string()
      .check(z.regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain name')),
  ),
  consoleCertificateArn: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/,
          'an ACM certificate ARN in us-east-1',
        ),
      ),
  ),
  /** A stack-level trail; turn it off where an organisation trail already records the account. */
  cloudTrail: z._default(z.boolean('true or false'), true),
  /**
   * A4/A7/C1: where emailed and texted links point, e.g. the API's custom domain `https://api.exchange.example`
   * (https, no query). Without it, the stage's own execute-api URL. Never the request's Host header.
   */
  publicBaseUrl: z.optional(
    z.pipe(
      z.string(),
      z.transform((raw, ctx) => {
        try {
          const url = publicBaseUrl(raw);
          if (url.startsWith('https://')) return url;
          ctx.issues.push({ code: 'custom', message: `https only in the cloud: "${raw}"`, input: raw });
          return z.NEVER;
        } catch (err) {
          ctx.issues.push({ code: 'custom', message: (err as Error).message, input: raw });
          return z.NEVER;
        }
      }),
    ),
  ),
  /**
   * CORS: the web origins allowed to read the API's answers, e.g. `["https://app.exchange.example"]` (or
   * `-c corsOrigins=https://a.example,https://b.example`). None by default; never `*` (lambdas/kernel/cors.ts).
   */
  corsOrigins: z._default(
    z.array(
      z.pipe(
        z.string(),
        z.transform((raw, ctx) => {
          try {
            return corsOrigin(raw);
          } catch (err) {
            ctx.issues.push({ code: 'custom', message: (err as Error).message, input: raw });
            return z.NEVER;
          }
        }),
      ),
    ),
    [],
  ),
});

export type InfraSettings = z.infer<typeof infraSchema>;

export interface DeployConfig {
  settings: Settings;
  infra: InfraSettings;
}

const SETTINGS_KEYS = Object.keys(settingsSchema().shape);
const INFRA_KEYS = Object.keys(infraSchema.shape);
/** Every key accepted inside the `palisade` object and as an individual context key. */
export const CONTEXT_KEYS: readonly string[] = [...SETTINGS_KEYS, ...INFRA_KEYS];

const invalid = (key: string, detail: string) =>
  new SettingsError(`Invalid Palisade settings: ${key}: ${detail}`);

export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/**
 * Reads and validates the deploy configuration. `cdk -c key=value` hands every value over as a string, so
 * strings are turned into the type the key expects first (numbers, booleans, JSON, comma lists); whatever
 * still has the wrong type fails with the key's name.
 */
export function readDeployConfig(context: ContextSource): DeployConfig {
  const merged: Record<string, unknown> = { ...asObject(context.tryGetContext(CONTEXT_KEY)) };
  for (const key of CONTEXT_KEYS) {
    const value = context.tryGetContext(key);
    if (value !== undefined) merged[key] = value;
  }
  const unknown = Object.keys(merged).filter((k) => !CONTEXT_KEYS.includes(k));
  if (unknown.length > 0) {
    throw new SettingsError(
      `Invalid Palisade settings: unknown key ${unknown.join(', ')} (known keys: ${CONTEXT_KEYS.join(', ')})`,
    );
  }
  const coerced = Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, coerce(k, v)]));
  const settingsInput = pick(coerced, SETTINGS_KEYS);
  const settings = parseSettings(settingsInput);
  const infra = z.safeParse(infraSchema, pick(coerced, INFRA_KEYS));
  if (!infra.success) {
    const detail = infra.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SettingsError(`Invalid Palisade settings: ${detail}`);
  }
  if ((infra.data.consoleDomain === undefined) !== (infra.data.consoleCertificateArn === undefined)) {
    throw invalid('consoleDomain', 'consoleDomain and consoleCertificateArn go together');
  }
  return { settings, infra: infra.data };
}

function asObject(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  const value = typeof raw === 'string' ? parseJson(CONTEXT_KEY, raw) : raw;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(CONTEXT_KEY, 'expected an object of settings');
  }
  return value as Record<string, unknown>;
}

/** Settings given in whole hours: a `-c` string becomes a number (the schema then checks the range). */
const HOUR_KEYS: readonly string[] = ['holdHours', 'addressCoolingHours', 'withdrawalReviewHours'];

function coerce(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (HOUR_KEYS.includes(key)) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw invalid(key, `expected a whole number of hours, got "${value}"`);
    return Number(text);
  }
  if (key === 'cloudTrail') {
    if (text !== 'true' && text !== 'false') throw invalid(key, `expected true or false, got "${value}"`);
    return text === 'true';
  }
  if (key === 'approvalPolicies' || key === 'withdrawalLimits') return parseJson(key, text);
  if (key === 'restrictedCountries' || key === 'smsCountries' || key === 'corsOrigins') {
    if (text.startsWith('[')) return parseJson(key, text);
    return text === '' ? [] : text.split(',').map((c) => c.trim());
  }
  return value;
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(key, 'not valid JSON');
  }
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).filter(([k]) => keys.includes(k)));
}
