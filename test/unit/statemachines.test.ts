// Every workflow file is valid Amazon States Language and binds exactly the tasks the catalogue declares.
import { readdirSync, readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS } from '../../lambdas/catalogue.js';

const files = readdirSync('statemachines').filter((f) => f.endsWith('.asl.json'));

describe('statemachines/*.asl.json', () => {
  it.each(files)('I2 %s passes asl-validator', (file) => {
    const definition = JSON.parse(readFileSync(`statemachines/${file}`, 'utf8'));
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('I2 every file belongs to one catalogue workflow and every substitution is bound', () => {
    expect(files.map((f) => `statemachines/${f}`).sort()).toEqual(WORKFLOWS.map((w) => w.file).sort());
    for (const workflow of WORKFLOWS) {
      const text = readFileSync(workflow.file, 'utf8');
      const keys = [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(keys, workflow.file).toEqual(Object.keys(workflow.tasks).sort());
    }
  });
});
