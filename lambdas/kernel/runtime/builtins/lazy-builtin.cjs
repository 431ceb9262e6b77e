// A Node built-in loaded at its first use: an object with the module's export names, each a getter (and
// setter) on the real module, which `process.getBuiltinModule` loads on the first access to any of them.
// The bundles import crypto, https (TLS), http, web streams … from the SDK and Powertools at their top
// level; through this their load moves to the first call that needs them (lib/functions.ts, BUILTIN_ALIASES).
// test/unit/builtin-shims.test.ts checks every name list against the running Node's module.
module.exports = function lazyBuiltin(id, names) {
  let real;
  const load = () => {
    real ??= process.getBuiltinModule(id);
    return real;
  };
  const lazy = {};
  for (const name of names) {
    Object.defineProperty(lazy, name, {
      enumerable: true,
      get: () => load()[name],
      set: (value) => {
        load()[name] = value;
      },
    });
  }
  return lazy;
};
