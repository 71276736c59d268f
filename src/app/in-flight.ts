/**
 * The analyses this process is running (issue #13), so that none is left `in_progress` on GitHub:
 * - a new analysis of a commit supersedes this process's older ones on the same commit (they stop and conclude
 *   "Superseded");
 * - on shutdown (`SIGTERM`: every deploy and scale-down) new webhooks are refused and every analysis in flight
 *   stops and concludes "Interrupted — re-run" within the grace period.
 * The App keeps no other state: runs of other processes are found through GitHub (see run-review.ts).
 */

/** Why an analysis was stopped from outside. */
export class AnalysisStopped extends Error {
  readonly kind: "superseded" | "interrupted";
  constructor(kind: "superseded" | "interrupted") {
    super(kind === "superseded" ? "A newer analysis of this commit replaced this one." : "The app is shutting down.");
    this.name = "AnalysisStopped";
    this.kind = kind;
  }
}

export interface InFlightRun {
  /** `owner/repo`. */
  repo: string;
  headSha: string;
  /** Set once the check run exists. */
  checkRunId?: number;
  /** Stops the analysis; its runner concludes the check run. */
  stop(reason: AnalysisStopped): void;
}

export class InFlight {
  readonly #runs = new Map<InFlightRun, Promise<unknown>>();
  #closing = false;
  #deadline = Infinity;

  /** Whether shutdown has begun: no new analysis may start. */
  get closing(): boolean {
    return this.#closing;
  }

  get size(): number {
    return this.#runs.size;
  }

  /** Milliseconds left of the shutdown grace period (Infinity before shutdown). */
  remainingMs(): number {
    return Math.max(0, this.#deadline - Date.now());
  }

  /** Tracks `run` until `done` settles. */
  track(run: InFlightRun, done: Promise<unknown>): void {
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.#runs.set(run, settled);
    void settled.then(() => this.#runs.delete(run));
  }

  /** Stops the other analyses of `headSha` in `repo`; returns the ids of their check runs (they conclude them). */
  supersede(self: InFlightRun): number[] {
    const ids: number[] = [];
    for (const run of this.#runs.keys()) {
      if (run === self || run.repo !== self.repo || run.headSha !== self.headSha) continue;
      run.stop(new AnalysisStopped("superseded"));
      if (run.checkRunId !== undefined) ids.push(run.checkRunId);
    }
    return ids;
  }

  /**
   * Begins shutdown: refuses new analyses, stops every analysis in flight, and waits until their runners have
   * concluded their check runs or `graceMs` has passed. Resolves with how many were still running at the end.
   */
  async shutdown(graceMs: number): Promise<number> {
    this.#closing = true;
    this.#deadline = Date.now() + graceMs;
    for (const run of this.#runs.keys()) run.stop(new AnalysisStopped("interrupted"));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(this.#runs.values()), timeout]);
    clearTimeout(timer);
    return this.#runs.size;
  }
}

/** This process's analyses (the server's shutdown handler and the handlers share it). */
export const inFlight = new InFlight();
