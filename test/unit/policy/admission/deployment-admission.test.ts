import { describe, expect, it } from 'vitest';
import { DeploymentAdmission, type AdmissionChange } from '../../../../src/policy/admission/deployment-admission.js';
import { ShedError } from '../../../../src/errors/errors.js';
import { AbortToken } from '../../../../src/transport/abort-token.js';
import { TimerClock, settle } from '../../../helpers/timer-clock.js';

const FAR = 1e9;

function admission(options: ConstructorParameters<typeof DeploymentAdmission>[1], clock = new TimerClock()) {
  const changes: AdmissionChange[] = [];
  return { clock, changes, gate: new DeploymentAdmission('d1', options, clock, (change) => changes.push(change)) };
}

describe('DeploymentAdmission', () => {
  it('admits at once below the limit, queues above it, highest priority first, and keeps a quarter of the limit from batch', async () => {
    const { gate } = admission({ initialLimit: 4, maxLimit: 4 });
    expect([0, 1, 2].map(() => gate.acquire(0, FAR, undefined, 0))).toEqual([undefined, undefined, undefined]);
    const order: string[] = [];
    void gate.acquire(0, FAR, undefined, 0)!.then(() => order.push('batch'));
    // The quarter batch leaves free goes to an interactive call at once.
    expect(gate.acquire(2, FAR, undefined, 0)).toBeUndefined();
    void gate.acquire(2, FAR, undefined, 0)!.then(() => order.push('interactive'));
    expect(gate.snapshot()).toMatchObject({ limit: 4, inFlight: 4, queued: 2 });
    // A slot frees: the interactive call goes first, though the batch call waited longer.
    gate.release(true, 0, 20, 0);
    await settle();
    expect(order).toEqual(['interactive']);
    // Two interactive calls ran at once: batch leaves two slots free now, and three run.
    gate.release(true, 0, 20, 2);
    await settle();
    expect(order).toEqual(['interactive']);
    expect(gate.tryAcquire(0)).toBe(false);
    expect(gate.tryAcquire(2)).toBe(true);
  });

  it('keeps free for higher priorities as many slots as they recently had in flight at once, until that peak decays', async () => {
    const { gate, clock } = admission({ initialLimit: 8, maxLimit: 8 });
    // A burst of four interactive calls, then they end.
    for (let index = 0; index < 4; index++) expect(gate.tryAcquire(2)).toBe(true);
    for (let index = 0; index < 4; index++) gate.release(true, 0, 0, 2);
    // Batch may fill only 8 − 4 slots: an interactive burst like the last one still finds room.
    for (let index = 0; index < 4; index++) expect(gate.tryAcquire(0)).toBe(true);
    expect(gate.tryAcquire(0)).toBe(false);
    for (let index = 0; index < 4; index++) expect(gate.tryAcquire(2)).toBe(true);
    expect(gate.inFlight).toBe(8);
    for (let index = 0; index < 4; index++) gate.release(true, 0, 0, 2);
    // The peak decays by 0.2 slots a second: after 10 s two of the four reserved slots are batch's again.
    await clock.advance(10_000);
    expect(gate.tryAcquire(0)).toBe(true);
    expect(gate.tryAcquire(0)).toBe(true);
    expect(gate.tryAcquire(0)).toBe(false);
    // Never more than three quarters of the limit, however long interactive traffic has been gone.
    await clock.advance(60_000);
    expect(gate.tryAcquire(0)).toBe(false);
    gate.release(true, 0, 0, 0);
    expect(gate.inFlight).toBe(5);
    expect(gate.tryAcquire(0)).toBe(true);
    expect(gate.tryAcquire(0)).toBe(false);
  });

  it('starts an interactive call at once while only batch calls wait, instead of queueing it behind them', () => {
    const { gate } = admission({ initialLimit: 4, maxLimit: 4 });
    // Batch fills its three quarters of the limit; a fourth batch call waits for its share.
    for (let index = 0; index < 3; index++) expect(gate.acquire(0, FAR, undefined, 0)).toBeUndefined();
    void gate.acquire(0, FAR, undefined, 0)!.catch(() => undefined);
    expect(gate.queued).toBe(1);
    // The free slot is the interactive reserve: taken now, not after the next answer ends.
    expect(gate.tryAcquire(2)).toBe(true);
    expect(gate.snapshot()).toMatchObject({ inFlight: 4, queued: 1 });
    // Calls of the waiting batch call's own priority still queue behind it (first in, first out).
    expect(gate.tryAcquire(0)).toBe(false);
  });

  it('queues an interactive call behind a waiting interactive call even when batch waits too', async () => {
    const { gate } = admission({ initialLimit: 2, maxLimit: 2 });
    gate.acquire(2, FAR, undefined, 0);
    gate.acquire(2, FAR, undefined, 0);
    const order: string[] = [];
    void gate.acquire(0, FAR, undefined, 0)!.then(() => order.push('batch'));
    void gate.acquire(2, FAR, undefined, 0)!.then(() => order.push('first'));
    expect(gate.acquire(2, FAR, undefined, 0)).toBeInstanceOf(Promise);
    gate.release(true, 0, 10, 2);
    await settle();
    expect(order).toEqual(['first']);
  });

  it('sheds batch calls past their queue share with RLLM_SHED and a retry time, while interactive ones still queue', async () => {
    const { gate, changes } = admission({ initialLimit: 1, maxLimit: 1, maxQueued: 4 });
    gate.acquire(1, FAR, undefined, 0);
    const waiting = [gate.acquire(0, FAR, undefined, 0)!, gate.acquire(2, FAR, undefined, 0)!];
    waiting.forEach((promise) => promise.catch(() => undefined));
    const shed = await gate.acquire(0, FAR, undefined, 0)!.catch((error: unknown) => error);
    expect(shed).toBeInstanceOf(ShedError);
    expect(shed).toMatchObject({ code: 'RLLM_SHED', reason: 'queue-full', priority: 0, isRetryable: false });
    expect((shed as ShedError).retryAfterMs).toBeGreaterThanOrEqual(100);
    expect(changes).toContainEqual(expect.objectContaining({ kind: 'shed', reason: 'queue-full', priority: 0 }));
    for (let index = 0; index < 2; index++) gate.acquire(2, FAR, undefined, 0)!.catch(() => undefined);
    expect(gate.queued).toBe(4);
  });

  it('displaces the last batch call when an interactive call finds the queue full', async () => {
    const { gate } = admission({ initialLimit: 1, maxLimit: 1, maxQueued: 4 });
    gate.acquire(1, FAR, undefined, 0);
    const batch = gate.acquire(0, FAR, undefined, 0)!.catch((error: unknown) => error);
    for (let index = 0; index < 4; index++) gate.acquire(2, FAR, undefined, 0)!.catch(() => undefined);
    expect(await batch).toMatchObject({ code: 'RLLM_SHED', reason: 'displaced' });
    const late = await gate.acquire(2, FAR, undefined, 0)!.catch((error: unknown) => error);
    expect(late).toMatchObject({ reason: 'queue-full', priority: 2 });
  });

  it('never admits a call that cannot finish before its deadline', async () => {
    const { gate, clock } = admission({ initialLimit: 1, maxLimit: 1 });
    // Teach it that an attempt takes 100 ms.
    gate.acquire(1, FAR, undefined, 0);
    gate.release(true, 0, 100, 1);
    gate.acquire(1, FAR, undefined, clock.now());
    // Expected wait 100 + service 100 > 150: shed at once.
    await expect(gate.acquire(1, 150, undefined, 0)!).rejects.toMatchObject({ code: 'RLLM_SHED', reason: 'deadline' });
    // Fits now, but is shed while waiting once the point of no return (deadline − 100 ms) passes.
    const waiting = gate.acquire(1, 250, undefined, 0)!.catch((error: unknown) => error);
    await clock.advance(149);
    expect(gate.queued).toBe(1);
    await clock.advance(1);
    expect(await waiting).toMatchObject({ reason: 'deadline' });
    expect(gate.queued).toBe(0);
  });

  it('rejects a waiting call with the signal reason when aborted', async () => {
    const { gate } = admission({ initialLimit: 1, maxLimit: 1 });
    gate.acquire(1, FAR, undefined, 0);
    const token = new AbortToken();
    const waiting = gate.acquire(1, FAR, token, 0)!.catch((error: unknown) => error);
    token.abort(new Error('gone'));
    expect(await waiting).toMatchObject({ message: 'gone' });
    expect(gate.queued).toBe(0);
  });

  it('reports limit changes with their reason', () => {
    const { gate, changes } = admission({ initialLimit: 8, backoffRatio: 0.5 });
    for (let index = 0; index < 8; index++) gate.acquire(1, FAR, undefined, 0);
    gate.observe('overload', undefined, 0, 10);
    expect(changes).toEqual([{ kind: 'limit', previousLimit: 8, reason: 'overload' }]);
    expect(gate.limit).toBe(4);
  });
});
