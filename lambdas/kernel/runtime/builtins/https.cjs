// node:https for the bundles, loaded at its first use (./lazy-builtin.cjs; lib/functions.ts, BUILTIN_ALIASES).
module.exports = require('./lazy-builtin.cjs')('node:https', [
  'Agent',
  'Server',
  'createServer',
  'get',
  'globalAgent',
  'request',
]);
