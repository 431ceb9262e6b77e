// Contract guard (I2): the OpenAPI document and the synthesised resources must match the snapshot committed in
// test/infra/contract/, so a move of files changes nothing observable; `npm run contract:update` re-records it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Json,
  mismatchReport,
  OPENAPI_SNAPSHOT,
  openApiSnapshot,
  RESOURCES_SNAPSHOT,
  readSnapshot,
  templateSnapshot,
} from '../../scripts/contract-snapshot.js';

/** Fails with the compact diff (and how to accept it) instead of vitest's whole-document comparison. */
function expectSnapshot(name: string, file: string, actual: Json) {
  const expected = readSnapshot(file);
  const report = mismatchReport(name, file, expected, actual);
  if (report) throw new Error(report);
  expect(actual).toEqual(expected);
}

describe('contract snapshot', () => {
  let resources: Json;
  beforeAll(() => {
    resources = templateSnapshot();
  });

  it('I2 the OpenAPI document is unchanged unless the contract snapshot is updated', () => {
    expectSnapshot('The OpenAPI document', OPENAPI_SNAPSHOT, openApiSnapshot());
  });

  it('I2 the synthesised resources of the main stack, its nested stacks (API, functions) and the replica stack are unchanged unless the contract snapshot is updated', () => {
    expectSnapshot('The synthesised resources', RESOURCES_SNAPSHOT, resources);
  });
});
