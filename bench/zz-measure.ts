import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sizeVerdict } from './budgets.js';
import { bundleFunction } from './bundle.js';
import { allFunctions } from '../lambdas/catalogue.js';
const ids = process.argv.slice(2);
const out = await mkdtemp(join(tmpdir(), 'kyc-measure-'));
for (const f of allFunctions().filter((f) => ids.includes(f.id))) {
  const facts = await bundleFunction(f.id, f.entry, out);
  const v = sizeVerdict(facts);
  console.log(f.id, (facts.bytes / 1024).toFixed(1), 'KB', v.ok ? 'ok' : 'OVER', v.budget);
}
