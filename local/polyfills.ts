// Polyfills the local runtime needs on Node 20: aws-local-stepfunctions calls Promise.withResolvers (Node 22).
// Never imported by a Lambda bundle; the Lambda runtime is Node 22 or newer.
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const promiseWithResolvers = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };

promiseWithResolvers.withResolvers ??= <T>(): Resolvers<T> => {
  let resolve!: Resolvers<T>['resolve'];
  let reject!: Resolvers<T>['reject'];
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
