// Public exports only. Keep sections; add lines within your section.

// --- client
// --- types
export type * from './client/types.js';
// --- errors
export * from './errors/index.js';
// --- events
export type { EventMap, EventType, Listener } from './events/events.js';
// --- transport
export * from './transport/index.js';
// --- providers
export type { ProviderAdapter, ProviderCallContext, ProviderCapabilities, Clock } from './providers/provider.js';
// --- policy
// --- routing
// --- cache
// --- tools
// --- cost
