// Infra test of the real Lambda bundles (the `npm run synth` path): every catalogue function is bundled by
// the local esbuild into a minified ESM file with its source map, for the newest Node.js runtime on arm64.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFunctions, DEPLOY_FUNCTIONS } from '../../lambdas/catalogue.js';
import { ANY_ASCII_DATA, ZXCVBN_DATA } from '../../lambdas/kernel/data/beside-bundle.js';
import { GEO_TABLE_FILE } from '../../lambdas/kernel/geo/geo-table.js';
import { LAMBDA_RUNTIME, REQUIRE_BANNER } from '../../lib/functions.js';
import { logicalId, type Synthesised, synthPalisade } from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = synthPalisade({}, { bundle: true });
}, 900_000); // ~70 esbuild bundles; minutes when the cores are shared with other test files
afterAll(() => s?.cleanup());

describe('Lambda bundles', () => {
  const specs = [...new Map([...allFunctions(), ...DEPLOY_FUNCTIONS].map((f) => [f.id, f])).values()].map(
    (f) => [f.id, f] as const,
  );

  it.each(specs)('I2 %s runs on the newest Node.js runtime, arm64, traced, with source maps on', (id) => {
    const fn = s.primary.functions.get(id);
    if (!fn) throw new Error(`function ${id} was not built`);
    const props = s.merged.findResources('AWS::Lambda::Function')[logicalId(fn.fn)]?.Properties;
    expect(LAMBDA_RUNTIME.name).toBe('nodejs24.x');
    expect(props).toMatchObject({
      Runtime: LAMBDA_RUNTIME.name,
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: expect.objectContaining({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'palisade',
          POWERTOOLS_METRICS_NAMESPACE: 'Palisade',
        }),
      },
    });
    expect(props.Code.S3Key).toMatch(/\.zip$/);
  });

  it.each(specs)('I2 %s is a minified ESM bundle with the createRequire banner and a source map', (id) => {
    const fn = s.primary.functions.get(id);
    if (!fn) throw new Error(`function ${id} was not built`);
    const props = s.merged.findResources('AWS::Lambda::Function')[logicalId(fn.fn)]?.Properties;
    // The staged asset directory is named after the asset hash, which is also the S3 key.
    const hash = String(props.Code.S3Key).replace(/\.zip$/, '');
    const assetDir = path.join(s.outdir, `asset.${hash}`);
    const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith(REQUIRE_BANNER)).toBe(true);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(path.join(assetDir, 'index.mjs.map'))).toBe(true);
    // Minified: a few very long lines; the AWS SDK is inside the bundle, not expected from the runtime.
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
    // The credential chain is the environment provider alone (BUNDLE_ALIASES): no SSO, STS or profile code.
    const sources = JSON.parse(readFileSync(path.join(assetDir, 'index.mjs.map'), 'utf8'))
      .sources as string[];
    expect(
      sources.filter((f) => /credential-provider-(node|sso|ini|web-identity)|nested-clients/.test(f)),
    ).toEqual([]);
  });

  it('G1 A9 the geo table ships beside exactly the bundles that look up a country or ASN (afterBundling copy)', () => {
    const carriers = specs
      .map(([id]) => id)
      .filter((id) => {
        const fn = s.primary.functions.get(id);
        if (!fn) return false;
        const props = s.merged.findResources('AWS::Lambda::Function')[logicalId(fn.fn)]?.Properties;
        const assetDir = path.join(s.outdir, `asset.${String(props.Code.S3Key).replace(/\.zip$/, '')}`);
        return existsSync(path.join(assetDir, GEO_TABLE_FILE));
      })
      .sort();
    expect(carriers).toEqual(['AnswerChallenge', 'Login', 'RefreshTokens']);
  });

  it("F2 X3 the transliteration tables ship beside exactly the name-matching bundles and the list loader (it stores each version's index), the password dictionaries beside the password-setting ones", () => {
    const carriers = (file: string) =>
      specs
        .map(([id]) => id)
        .filter((id) => {
          const fn = s.primary.functions.get(id);
          if (!fn) return false;
          const props = s.merged.findResources('AWS::Lambda::Function')[logicalId(fn.fn)]?.Properties;
          const assetDir = path.join(s.outdir, `asset.${String(props.Code.S3Key).replace(/\.zip$/, '')}`);
          return existsSync(path.join(assetDir, file));
        })
        .sort();
    expect(carriers(ANY_ASCII_DATA.file)).toEqual([
      'DeclareBeneficiary',
      'LoadScreeningList',
      'RescreenPage',
      'ScreenCustomer',
    ]);
    expect(carriers(ZXCVBN_DATA.file)).toEqual(['ChangePassword', 'SignUp']);
  });

  it("I2 synth checks each bundle against its environment: Login without 'duress:check' fails, naming the variable and the access", () => {
    // The synth above passed, so every bundle's reads are met; now the Login defect, on the real staged bundle.
    const login = s.primary.functions.get('Login');
    if (!login) throw new Error('Login was not built');
    expect(login.unmetReads()).toEqual([]);
    const duress = login.environment.DURESS_FUNCTION as string;
    delete login.environment.DURESS_FUNCTION;
    try {
      expect(login.node.validate()).toEqual([
        "Login's bundle reads DURESS_FUNCTION, which its environment lacks: add 'duress:check' to its access in the catalogue",
      ]);
    } finally {
      login.environment.DURESS_FUNCTION = duress;
    }
  });
});
