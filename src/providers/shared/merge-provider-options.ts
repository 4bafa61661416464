/**
 * Merges the vendor-specific fields a request carries under `providerOptions[key]` into the wire
 * body, for each key the adapter answers to (e.g. `openai`, then its own name), later keys winning.
 */
export function mergeProviderOptions(
  body: Record<string, unknown>,
  providerOptions: Readonly<Record<string, unknown>> | undefined,
  keys: readonly string[],
): void {
  if (providerOptions === undefined) return;
  for (const key of keys) {
    const extra = providerOptions[key];
    if (extra !== undefined) Object.assign(body, extra);
  }
}
