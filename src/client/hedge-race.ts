import type { Clock } from '../providers/provider.js';
import { AbortToken } from '../transport/abort-token.js';
import type { StreamPart } from './types.js';

/** The abort reason of an attempt that lost a hedged race: not an error of its deployment. */
export class HedgeLostError extends DOMException {
  constructor() {
    super('Another hedged attempt answered first', 'AbortError');
  }
}

/** Who won a hedged race, and the abort tokens of everyone in it. */
export class HedgeRace<TCandidate, TSettled extends { readonly candidate: TCandidate }> {
  winner: TSettled | undefined;
  private claimedBy: TCandidate | undefined;
  private readonly tokens = new Map<TCandidate, AbortToken>();
  private readonly onPart: ((part: StreamPart) => void) | undefined;

  constructor(onPart: ((part: StreamPart) => void) | undefined) {
    this.onPart = onPart;
  }

  get hasWinner(): boolean {
    return this.winner !== undefined;
  }

  get isClaimed(): boolean {
    return this.claimedBy !== undefined;
  }

  tokenFor(candidate: TCandidate): AbortToken {
    const token = new AbortToken();
    this.tokens.set(candidate, token);
    return token;
  }

  /** The first attempt to produce content claims the stream; the others are aborted. */
  claim(candidate: TCandidate, startPart: StreamPart | undefined): boolean {
    if (this.claimedBy !== undefined) return this.claimedBy === candidate;
    if (this.winner !== undefined) return false;
    this.claimedBy = candidate;
    if (startPart) this.onPart?.(startPart);
    this.abortLosers();
    return true;
  }

  win(settled: TSettled): void {
    if (this.winner !== undefined) return;
    if (this.claimedBy !== undefined && this.claimedBy !== settled.candidate) return;
    this.winner = settled;
    this.abortLosers();
  }

  /** The claimed attempt's failure, once it has failed. */
  claimedSettled(failures: readonly TSettled[]): TSettled | undefined {
    if (this.claimedBy === undefined) return undefined;
    return failures.find((settled) => settled.candidate === this.claimedBy);
  }

  abortLosers(): void {
    const keep = this.winner?.candidate ?? this.claimedBy;
    for (const [candidate, token] of this.tokens) if (candidate !== keep) token.abort(new HedgeLostError());
  }
}

export type HedgedRaceOptions<TCandidate, TSettled extends { readonly candidate: TCandidate }> = {
  readonly first: TCandidate;
  /** Start another candidate when no first token arrived within this time. */
  readonly afterMs: number;
  /** Extra candidates at most. */
  readonly maxExtra: number;
  readonly clock: Clock;
  readonly onPart: ((part: StreamPart) => void) | undefined;
  /** Runs one attempt in the race; it settles (never rejects) with its outcome. */
  readonly start: (candidate: TCandidate, race: HedgeRace<TCandidate, TSettled>) => Promise<TSettled>;
  /** The next candidate to race, if any is available. */
  readonly nextCandidate: () => TCandidate | undefined;
  /** Told about every extra candidate started. */
  readonly onHedge: (candidate: TCandidate) => void;
  /** A failure that ends the race at once (a "stop" error, the caller's abort): the others are aborted. */
  readonly isFinal: (settled: TSettled) => boolean;
};

/**
 * Hedging: starts `first`; if no first token arrived after `afterMs`, starts another candidate
 * in parallel, up to `maxExtra`. The first to produce content wins; the others are aborted (their
 * sockets closed) and waited for, so their records are complete. Only slowness starts a hedge: a
 * failure is returned for the call loop to classify (retry, fail over or stop), at once when
 * `isFinal` says so, else once nothing in the race is left running.
 */
export async function runHedgedRace<TCandidate, TSettled extends { readonly candidate: TCandidate; readonly outcome: { readonly ok: boolean } }>(
  options: HedgedRaceOptions<TCandidate, TSettled>,
): Promise<TSettled> {
  const { clock, maxExtra } = options;
  const race = new HedgeRace<TCandidate, TSettled>(options.onPart);
  const running: Promise<TSettled>[] = [];
  const failures: TSettled[] = [];
  let extras = 0;
  let timer: unknown;
  let wake: (() => void) | undefined;
  let final: TSettled | undefined;
  const start = (candidate: TCandidate) => {
    running.push(
      options.start(candidate, race).then((settled) => {
        if (settled.outcome.ok) race.win(settled);
        else {
          failures.push(settled);
          if (final === undefined && !race.hasWinner && options.isFinal(settled)) final = settled;
        }
        wake?.();
        return settled;
      }),
    );
  };
  const armHedge = () => {
    if (extras >= maxExtra) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      if (race.hasWinner || race.isClaimed) return;
      const next = options.nextCandidate();
      if (next === undefined) return;
      extras++;
      options.onHedge(next);
      start(next);
      armHedge();
      wake?.();
    }, options.afterMs);
  };
  start(options.first);
  armHedge();
  try {
    for (;;) {
      if (race.winner) return race.winner;
      if (final) return final;
      const claimed = race.claimedSettled(failures);
      if (claimed) return claimed;
      // Every attempt so far failed: the loop decides what comes next, not a pending hedge timer.
      if (failures.length === running.length) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    return failures[0]!;
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    race.abortLosers();
    // Losers settle quickly once aborted; wait so their records and sockets are done.
    await Promise.allSettled(running);
  }
}
