// An in-memory dynalite with Palisade's tables, for tests of repositories against real DynamoDB semantics.
export {
  type EphemeralDynamo as TestDynamo,
  startEphemeralDynamo as startTestDynamo,
} from '../../local/ephemeral-dynamo.js';
