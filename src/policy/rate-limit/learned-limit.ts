import { KEY_SEPARATOR, StateScope } from '../../state/state-scope.js';

/** How long a learned `remaining` is trusted when the vendor sent no reset time. */
const DEFAULT_RESET_MS = 60_000;

/** One observation, as stored: `limit|observedAt|resetAt` (times on the scope's shared time). */
type Observation = { readonly limit: number; readonly observedAt: number; readonly resetAt: number };

/**
 * One vendor limit learned from response headers (`limit`, `remaining`, time to reset). Between
 * observations it assumes the vendor refills linearly from `remaining` to `limit` by the reset time
 * (both OpenAI and Anthropic describe continuously replenished limits), and it subtracts what is
 * sent, so concurrent requests do not all spend the same last request. Once the reset time passes,
 * the learned value no longer constrains anything.
 *
 * The state is two keys in a `StateStore`: the observation (written once per response) and the
 * remaining count (decremented per request, so processes sharing the store spend from one count).
 */
export class LearnedLimit {
  private readonly scope: StateScope;
  private readonly observationKey: string;
  private readonly remainingKey: string;
  /** The last observation read, reused while the stored text is unchanged. */
  private cachedText: string | undefined;
  private cached: Observation | undefined;

  /** `scope` and `name` say where the state lives; by default the limit keeps it to itself. */
  constructor(scope: StateScope = StateScope.inMemory(), name = 'learned') {
    this.scope = scope;
    this.observationKey = scope.key(`${name}${KEY_SEPARATOR}observed`);
    this.remainingKey = scope.key(`${name}${KEY_SEPARATOR}remaining`);
  }

  /**
   * Records what the vendor reported at `now`. `resetInMs` is the time until the limit is fully
   * replenished. Values that are missing or not numbers are ignored; without `remaining` nothing changes.
   */
  observe(limit: number | undefined, remaining: number | undefined, resetInMs: number | undefined, now: number): void {
    if (remaining === undefined || !(remaining >= 0)) return;
    const knownLimit = limit !== undefined && limit >= remaining ? limit : Number.NaN;
    const ttlMs = resetInMs !== undefined && resetInMs >= 0 ? resetInMs : DEFAULT_RESET_MS;
    const origin = this.scope.timeOrigin;
    const ttl = Math.max(1, Math.ceil(ttlMs));
    this.scope.store.set(this.observationKey, `${knownLimit}|${now + origin}|${now + ttlMs + origin}`, ttl);
    this.scope.store.set(this.remainingKey, remaining, ttl);
  }

  /** Whether a learned value constrains requests at `now`. */
  isActive(now: number): boolean {
    const observation = this.observation();
    return observation !== undefined && now < observation.resetAt;
  }

  /** What the vendor has left at `now` by this estimate; `Infinity` when nothing is known. */
  available(now: number): number {
    const observation = this.observation();
    if (observation === undefined || !(now < observation.resetAt)) return Infinity;
    const remaining = this.scope.number(this.remainingKey) ?? 0;
    const { limit, observedAt, resetAt } = observation;
    if (Number.isNaN(limit) || now <= observedAt) return remaining;
    const refilled = ((limit - remaining) * (now - observedAt)) / (resetAt - observedAt);
    return Math.min(limit, remaining + refilled);
  }

  /** Counts `amount` as spent (no-op when nothing is known). */
  take(amount: number, now: number): void {
    if (this.isActive(now)) this.scope.store.increment(this.remainingKey, -amount);
  }

  /** Milliseconds until `amount` is available by this estimate; 0 when nothing is known. */
  waitTimeMs(amount: number, now: number): number {
    const available = this.available(now);
    if (available >= amount) return 0;
    // The stored observation may expire (its TTL runs on the store's clock) between the two reads.
    const observation = this.observation();
    if (observation === undefined) return 0;
    const { limit, observedAt, resetAt } = observation;
    const remaining = this.scope.number(this.remainingKey) ?? 0;
    const untilReset = Math.ceil(resetAt - now);
    if (Number.isNaN(limit) || limit < amount || limit <= remaining) return untilReset;
    // Solve remaining + (limit - remaining) · (t - observedAt) / span = amount for t.
    const span = resetAt - observedAt;
    const readyAt = observedAt + ((amount - remaining) * span) / (limit - remaining);
    return Math.min(untilReset, Math.max(0, Math.ceil(readyAt - now)));
  }

  /** The estimated fraction left in [0, 1]; 1 when nothing is known. */
  fraction(now: number): number {
    const available = this.available(now);
    if (available === Infinity) return 1;
    if (available <= 0) return 0;
    const limit = this.observation()?.limit;
    return limit === undefined || Number.isNaN(limit) || limit === 0 ? 1 : Math.min(1, available / limit);
  }

  /** The stored observation on the local clock, parsed once per distinct stored text. */
  private observation(): Observation | undefined {
    const text = this.scope.store.get(this.observationKey);
    if (typeof text !== 'string') return undefined;
    if (text !== this.cachedText) {
      const [limit, observedAt, resetAt] = text.split('|').map(Number) as [number, number, number];
      const origin = this.scope.timeOrigin;
      this.cached = { limit, observedAt: observedAt - origin, resetAt: resetAt - origin };
      this.cachedText = text;
    }
    return this.cached;
  }
}
