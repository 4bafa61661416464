// The adapter contract lives in ./spec/ (one type per file, versioned); this module keeps the
// names adapters and the client have always imported from here.
export { SPECIFICATION_VERSION, type ProviderAdapter, type ProviderCallContext, type ProviderCapabilities } from './spec/index.js';
export type { Clock } from '../shared/clock.js';
export { systemClock } from '../shared/clock.js';
