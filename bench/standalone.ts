// One bench part run on its own (`npx tsx bench/<part>.ts`): its text, then each verdict, exit 1 on a breach.
import { pathToFileURL } from 'node:url';
import type { Verdict } from './budgets.js';

/** Whether the module of `moduleUrl` is the script node was started with (not imported by bench/run.ts). */
export const isScript = (moduleUrl: string): boolean =>
  process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;

export function runStandalone(measure: () => Promise<{ text: string; verdicts: readonly Verdict[] }>): void {
  measure().then(
    ({ text, verdicts }) => {
      console.log(text);
      for (const v of verdicts)
        console.log(`${v.ok ? 'pass  ' : 'BREACH'}  ${v.id}: ${v.budget}, measured ${v.actual}`);
      process.exitCode = verdicts.every((v) => v.ok) ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
