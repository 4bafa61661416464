import { importPeer } from '../state/redis/import-peer.js';

/** The `@opentelemetry/api` module; only its types are imported statically. */
export type OtelApi = typeof import('@opentelemetry/api');

let loaded: Promise<OtelApi> | undefined;

/**
 * Imports `@opentelemetry/api` on first use (an optional peer dependency), once per process;
 * rejects with `MissingPeerDependencyError` when it is not installed.
 */
export function loadOtelApi(): Promise<OtelApi> {
  loaded ??= importPeer<OtelApi & { default?: OtelApi }>('@opentelemetry/api', 'instrumentTelemetry').then(
    // The CommonJS build seen from ESM: the named exports may sit on `default`.
    (module) => (typeof module.trace?.getTracer === 'function' ? module : (module.default ?? module)),
    (error: unknown) => {
      loaded = undefined;
      throw error;
    },
  );
  return loaded;
}
