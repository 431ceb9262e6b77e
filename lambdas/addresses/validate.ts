// C1: address validation and the one normal form of each asset's addresses live in the kernel
// (kernel/asset-addresses.ts), where the screening context's list loader reads them too; the whitelist's
// modules import them from here.
export * from '../kernel/asset-addresses.js';
