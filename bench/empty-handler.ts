// The baseline of the bench: a handler that does nothing, bundled like every real one.
export const handler = async () => ({});
