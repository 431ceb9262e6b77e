// The local runtime's configuration: process.env read here only, parsed with zod at start-up.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { corsOrigins } from '../lambdas/kernel/cors.js';
import { publicBaseUrl } from '../lambdas/kernel/public-url.js';
import { parseSettings, type Settings } from '../lambdas/kernel/settings.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_STATE_DIR = resolve(REPO_ROOT, '.palisade');

const envSchema = z.object({
  PORT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65_535)), 3000),
  /** Not HOST: shells and CI often export HOST as the machine's name, which would expose the server on the LAN. */
  PALISADE_HOST: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  PALISADE_STATE_DIR: z.optional(z.string().check(z.minLength(1))),
  /**
   * Where emailed links point, when not the server's own address (an https tunnel to this machine, say):
   * https, or http on loopback. Never the request's Host header.
   */
  PALISADE_PUBLIC_URL: z.optional(z.string().check(z.minLength(1))),
  /** JSON of the deploy settings (lambdas/kernel/settings.ts), as in the Lambda environment. */
  PALISADE_SETTINGS: z.optional(z.string()),
  /**
   * CORS: the web origins allowed to read the answers, comma-separated (`http://localhost:5173`), as the deploy
   * setting `corsOrigins` in the cloud. None by default; never `*`.
   */
  PALISADE_CORS_ORIGINS: z.optional(z.string()),
});

export interface LocalConfig {
  port: number;
  host: string;
  /** PALISADE_PUBLIC_URL, checked; without it the links point at the server's own address. */
  publicUrl?: string;
  stateDir: string;
  settings: Settings;
  /** PALISADE_CORS_ORIGINS, checked (lambdas/kernel/cors.ts); empty: no CORS. */
  corsOrigins: string[];
}

export class LocalConfigError extends Error {
  override readonly name = 'LocalConfigError';
}

export function localConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const result = z.safeParse(envSchema, env);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new LocalConfigError(`Invalid local environment: ${detail}`);
  }
  const {
    PORT,
    PALISADE_HOST,
    PALISADE_STATE_DIR,
    PALISADE_SETTINGS,
    PALISADE_PUBLIC_URL,
    PALISADE_CORS_ORIGINS,
  } = result.data;
  let origins: string[] = [];
  try {
    origins = corsOrigins(PALISADE_CORS_ORIGINS ?? '');
  } catch (err) {
    throw new LocalConfigError(`Invalid local environment: PALISADE_CORS_ORIGINS: ${(err as Error).message}`);
  }
  let publicUrl: string | undefined;
  if (PALISADE_PUBLIC_URL) {
    try {
      publicUrl = publicBaseUrl(PALISADE_PUBLIC_URL);
    } catch (err) {
      throw new LocalConfigError(`Invalid local environment: PALISADE_PUBLIC_URL: ${(err as Error).message}`);
    }
  }
  let rawSettings: unknown = {};
  if (PALISADE_SETTINGS) {
    try {
      rawSettings = JSON.parse(PALISADE_SETTINGS);
    } catch {
      throw new LocalConfigError('Invalid local environment: PALISADE_SETTINGS is not valid JSON');
    }
  }
  return {
    port: PORT,
    host: PALISADE_HOST,
    ...(publicUrl ? { publicUrl } : {}),
    stateDir: resolve(PALISADE_STATE_DIR ?? DEFAULT_STATE_DIR),
    settings: parseSettings(rawSettings),
    corsOrigins: origins,
  };
}
