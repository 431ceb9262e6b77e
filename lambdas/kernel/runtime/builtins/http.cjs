// node:http for the bundles, required rather than imported (lib/functions.ts, BUILTIN_ALIASES).
module.exports = process.getBuiltinModule('node:http');
