/**
 * The key of this library's entry in the AI SDK's `providerOptions` (call options in) and
 * `providerMetadata` (alias, deployment and attempts out).
 */
export const METADATA_KEY = 'llmResilience';

/** The `kind` of a custom stream part that marks a restarted answer (`onRestart: 'surface'`). */
export const RESET_KIND = 'llm-resilience.reset';
