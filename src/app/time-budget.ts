/**
 * The time budget of one analysis (issue #6): a signal that aborts the requests in flight when the budget is
 * spent or the analysis is stopped from outside (superseded, shutting down), so a check run is always concluded.
 */

/** The error a run ends with when its time budget is spent. */
export class TimeBudgetExceeded extends Error {
  readonly budgetMs: number;
  constructor(budgetMs: number) {
    super(`The analysis exceeded its time budget of ${budgetMs} ms.`);
    this.name = "TimeBudgetExceeded";
    this.budgetMs = budgetMs;
  }
}

export interface Budget {
  signal: AbortSignal;
  /** Stops the analysis from outside (superseded, shutting down): `within` rejects with `reason`. */
  stop(reason: Error): void;
  /** Rejects with {@link TimeBudgetExceeded} as soon as the budget is spent, whatever `work` does. */
  within<T>(work: Promise<T>): Promise<T>;
  /** Throws when the budget is spent (between steps that cannot be interrupted, such as the pure review). */
  check(): void;
  dispose(): void;
}

export function createBudget(ms: number): Budget {
  const controller = new AbortController();
  let reject: (error: Error) => void = () => undefined;
  const expired = new Promise<never>((_, rej) => (reject = rej));
  expired.catch(() => undefined); // observed through `within`; never an unhandled rejection
  const stop = (error: Error) => {
    if (controller.signal.aborted) return;
    controller.abort(error);
    reject(error);
  };
  const timer = setTimeout(() => stop(new TimeBudgetExceeded(ms)), ms);
  return {
    signal: controller.signal,
    stop,
    within: (work) => Promise.race([work, expired]),
    check() {
      if (controller.signal.aborted) throw controller.signal.reason as Error;
    },
    dispose: () => clearTimeout(timer),
  };
}
