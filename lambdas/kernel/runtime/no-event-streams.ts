// The AWS SDK's event-stream support (@smithy/core/event-streams), replaced in the Lambda bundles by this
// stub (lib/functions.ts BUNDLE_ALIASES): Palisade calls no streaming operation (Lambda's
// InvokeWithResponseStream, S3's SelectObjectContent …), yet every client carrying the support bundles its
// codec (about 10 KB in each function that invokes another). A client still builds a marshaller when it is
// constructed, so this one exists; using it throws, naming this file.
const unused = (): never => {
  throw new Error('AWS SDK event streams are not bundled (lambdas/kernel/runtime/no-event-streams.ts)');
};

const marshaller = { serialize: unused, deserialize: unused };

export const eventStreamSerdeProvider = () => marshaller;

export const resolveEventStreamSerdeConfig = <T extends object>(input: T) =>
  Object.assign(input, { eventStreamMarshaller: marshaller });

export class EventStreamSerde {
  constructor() {
    unused();
  }
}
