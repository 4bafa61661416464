import { randomUUID } from 'node:crypto';

/** Request ids: a random prefix per client and a counter; unique, and far cheaper than a UUID per call. */
export function requestIdGenerator(): () => string {
  const prefix = `req_${randomUUID().slice(0, 8)}_`;
  let counter = 0;
  return () => prefix + (++counter).toString(36);
}
