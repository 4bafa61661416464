import type { DeploymentState } from '../policy/pool/deployment-state.js';
import { hasRateLimitHeaders } from '../policy/rate-limit/rate-limit-headers.js';
import type { Clock } from '../providers/provider.js';

type HeaderObserver = (header: (name: string) => string | undefined) => void;

/** One function per deployment that feeds response headers to its rate limiter, made once. */
export class HeaderObservers {
  private readonly clock: Clock;
  private readonly observers = new WeakMap<DeploymentState, HeaderObserver>();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  for(deployment: DeploymentState): HeaderObserver {
    let observer = this.observers.get(deployment);
    if (!observer) {
      const clock = this.clock;
      observer = (header) => {
        if (hasRateLimitHeaders(header)) deployment.limiter.observeHeaders(header, clock.now(), Date.now());
      };
      this.observers.set(deployment, observer);
    }
    return observer;
  }
}
