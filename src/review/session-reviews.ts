/**
 * The reviews that follow coding sessions: the quick check right after each one, and a deep review
 * when the trigger says so, run in the background so the next session never waits for it.
 */

import type { Config } from "../config/schema.ts";
import type { Clock } from "../db/clock.ts";
import type { Stores } from "../db/stores/index.ts";
import type { EventBus } from "../events/bus.ts";
import { recordProjectEvent } from "../events/project-events.ts";
import type { Logger } from "../logs/process-log.ts";
import type { Session } from "../sessions/model.ts";
import { type DeepReviewOutcome, runDeepReview } from "./deep-review.ts";
import { type DeepTrigger, deepReviewTrigger, describeTrigger } from "./deep-trigger.ts";
import type { QualityCheck } from "./model.ts";
import { runQuickCheck } from "./quick-check.ts";

export interface SessionReviewsDeps {
  stores: Stores;
  bus: EventBus;
  config: Config;
  env: Record<string, string | undefined>;
  workerId: string;
  /** Baton's data directory (review logs go there). */
  home: string;
  clock?: Clock;
  log: Logger;
}

interface Running {
  projectId: number;
  done: Promise<void>;
  abort: AbortController;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class SessionReviews {
  private readonly running = new Set<Running>();
  /** Per project: the newest coding session whose deep review was started here (stored or not yet). */
  private readonly lastDeepStarted = new Map<number, number>();

  constructor(private readonly deps: SessionReviewsDeps) {}

  /**
   * After a coding session ends: its quick check (awaited: no model, milliseconds), then, when the
   * trigger fires and `deep` allows, a deep review in the background. Never throws: a failure is
   * announced as `review_failed` and the run goes on. Other session types are not reviewed.
   */
  async afterSession(
    session: Session,
    options: { deep: boolean } = { deep: true },
  ): Promise<QualityCheck | null> {
    if (session.type !== "coding") return null;
    let quick: QualityCheck | null = null;
    try {
      quick = await runQuickCheck({ ...this.deps, rules: this.deps.config.review.rules }, session);
    } catch (error) {
      await this.failed(session, "quick", error);
    }
    if (!options.deep) return quick;
    try {
      const { deep_every, deep_below_rating } = this.deps.config.review;
      const input = {
        sessionType: session.type,
        sessionNumber: session.number,
        quickRating: quick?.rating ?? null,
        lastDeepReviewed: await this.lastDeepReviewed(session.project_id),
        deepEvery: deep_every,
        deepBelowRating: deep_below_rating,
      };
      const trigger = deepReviewTrigger(input);
      if (trigger !== null) this.startDeep(session, trigger, describeTrigger(trigger, input));
    } catch (error) {
      await this.failed(session, "deep", error);
    }
    return quick;
  }

  /** Resolves when every deep review started here has ended (stored, failed or aborted). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running].map((r) => r.done));
  }

  /** Stops every deep review running here; each ends `interrupted`. */
  abortAll(reason: string): void {
    for (const r of this.running) r.abort.abort(reason);
  }

  /**
   * Stops the deep reviews of one project running here and waits until they have ended (before a
   * reset deletes the sessions they review). Resolves to how many there were.
   */
  async stopFor(projectId: number, reason: string): Promise<number> {
    const mine = [...this.running].filter((r) => r.projectId === projectId);
    for (const r of mine) r.abort.abort(reason);
    await Promise.all(mine.map((r) => r.done));
    return mine.length;
  }

  /** How many deep reviews of the project are running here. */
  runningFor(projectId: number): number {
    return [...this.running].filter((r) => r.projectId === projectId).length;
  }

  /** How many deep reviews are running here. */
  get pending(): number {
    return this.running.size;
  }

  /**
   * A deep review asked for by a person (the API), started in the background like the automatic
   * ones: tracked by idle() and stopFor(), a failure announced as `review_failed`.
   */
  requestDeep(session: Session): void {
    this.startDeep(session, "requested", describeTrigger("requested", { deepEvery: 0, deepBelowRating: 0 }));
  }

  /** A deep review now, awaited (`baton review --deep`): failures are thrown, not swallowed. */
  deepNow(session: Session, signal?: AbortSignal): Promise<DeepReviewOutcome> {
    return runDeepReview(this.reviewDeps(), {
      session,
      trigger: "requested",
      because: "a person asked for it (baton review --deep)",
      ...(signal ? { signal } : {}),
    });
  }

  private startDeep(session: Session, trigger: DeepTrigger, because: string): void {
    this.lastDeepStarted.set(
      session.project_id,
      Math.max(session.number, this.lastDeepStarted.get(session.project_id) ?? 0),
    );
    const abort = new AbortController();
    const entry: Running = {
      projectId: session.project_id,
      abort,
      done: runDeepReview(this.reviewDeps(), { session, trigger, because, signal: abort.signal })
        .then(async (outcome) => {
          if (outcome.error !== null) await this.failed(session, "deep", outcome.error);
        })
        .catch((error: unknown) => this.failed(session, "deep", error))
        .finally(() => this.running.delete(entry)),
    };
    this.running.add(entry);
  }

  private reviewDeps() {
    const { stores, bus, env, workerId, home, config, clock, log } = this.deps;
    return {
      stores,
      bus,
      log,
      env,
      workerId,
      home,
      model: config.models.review,
      rules: config.review.rules,
      heartbeatMs: config.timing.heartbeat_interval_s * 1000,
      ...(clock ? { clock } : {}),
    };
  }

  /** The newest coding session with a deep review, stored or started here. */
  private async lastDeepReviewed(projectId: number): Promise<number | null> {
    const [stored] = await this.deps.stores.quality.forProject(projectId, { kind: "deep", limit: 1 });
    const storedNumber = stored ? (await this.deps.stores.sessions.get(stored.session_id)).number : null;
    const started = this.lastDeepStarted.get(projectId) ?? null;
    if (storedNumber === null) return started;
    return started === null ? storedNumber : Math.max(storedNumber, started);
  }

  private async failed(session: Session, kind: "quick" | "deep", error: unknown): Promise<void> {
    await recordProjectEvent(
      { sessions: this.deps.stores.sessions, bus: this.deps.bus },
      session.project_id,
      "review_failed",
      {
        kind,
        session_id: session.id,
        session_number: session.number,
        message: messageOf(error),
      },
    ).catch((err: unknown) =>
      this.deps.log.warn({ err, session_id: session.id, review: kind }, "review_failed not recorded"),
    );
  }
}
