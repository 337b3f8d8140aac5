import { setTimeout as sleep } from "node:timers/promises";
import { discardPrepared, type PreparedSession } from "../agent/prepared-session.ts";
import type { AgentDeps, SessionOutcome, WorkSessionType } from "../agent/run-session.ts";
import type { Config } from "../config/schema.ts";
import { type Clock, systemClock } from "../db/clock.ts";
import type { Stores } from "../db/stores/index.ts";
import { fail, projectBusy } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { EventPayload } from "../events/catalog.ts";
import type { Logger } from "../logs/process-log.ts";
import type { Project } from "../projects/model.ts";
import type { RunQueue } from "../queue/run-queue.ts";
import { SessionReviews } from "../review/session-reviews.ts";
import { requireSandbox } from "../security/sandbox.ts";
import type { Session } from "../sessions/model.ts";
import { type Capacity, readCapacity } from "./capacity.ts";
import { type DeletedProject, deleteProject } from "./delete-project.ts";
import { ProjectState, waitUnlessStopped } from "./project-state.ts";
import { startQueued } from "./queued-start.ts";
import { failedEnd, isSuccessfulEnd, type RunEnd, type RunResult, retryable } from "./run-end.ts";
import type { QueuedRunControl, RunOptions, StartedRun } from "./run-options.ts";
import { type RunOfSession, RunSessions } from "./run-sessions.ts";
import { resolveRunSettings } from "./run-settings.ts";
import { recoverStale } from "./session-lifecycle.ts";
import { assertCanStart, startKind } from "./start-checks.ts";

export interface OrchestratorDeps {
  stores: Stores;
  bus: EventBus;
  config: Config;
  /** The environment of every session (credentials, ANTHROPIC_BASE_URL, PATH, …). */
  env: Record<string, string | undefined>;
  workerId: string;
  browser: AgentDeps["browser"];
  /** Baton's data directory (sessions may not read it). */
  batonHome: string;
  clock?: Clock;
  /** Where failures the run survives are logged (the process log of `baton serve` / `baton run`). */
  log: Logger;
  /**
   * The job queue, in `baton serve` on PostgreSQL: `start` queues the run (queued-start.ts) for
   * whichever process takes it — this one, another server, a `baton worker` — instead of running
   * it here.
   */
  queue?: RunQueue;
}

/** A failure that is not a stop: after this many in a row the run stops. */
const FAILURES_BEFORE_STOP = 2;
/** Waiting on a rate limit without a reset time: start here, double, cap. */
const RATE_LIMIT_BACKOFF_MS = { first: 60_000, max: 30 * 60_000 };

/** A run this process holds: what its sessions take (run-sessions.ts), and its count after a take-over. */
interface ActiveRun extends RunOfSession {
  /** A run taken over from another worker: its coding sessions since this count toward its limit. */
  countsSince?: Date;
}

/**
 * The façade over every project's runs: initialize, code session after session, stop on
 * completion, limits, budget, a person's request or an error that says stop; pause on rate
 * limits; recover sessions whose worker died; delete. The CLI and the API server call it; the
 * rules it applies each live in one file beside it: start-checks.ts (what a start needs),
 * run-settings.ts (run > project > config), session-lifecycle.ts (create, start, heartbeat,
 * finish, recover — for coding, planning and review sessions alike), run-sessions.ts (each session
 * of a run: its settings, its security, its review), work-session.ts (a planning or coding
 * session: started, its SDK query run by the agent, finished), capacity.ts, reset.ts,
 * delete-project.ts.
 */
export type { QueuedRunControl, RunOptions, StartedRun };

export class Orchestrator {
  private readonly active = new Map<number, ActiveRun>();
  /** Set by `stopAll` (shutdown): no run starts here any more; the readiness route says so. */
  stopping = false;
  private readonly clock: Clock;
  /** The quick check after every coding session, and the deep reviews running in the background. */
  readonly reviews: SessionReviews;
  private readonly state: ProjectState;
  /** Runs each session of a run (run-sessions.ts). */
  private readonly runner: RunSessions;

  constructor(private readonly deps: OrchestratorDeps) {
    this.clock = deps.clock ?? systemClock;
    this.state = new ProjectState(deps);
    // A stop asked for anywhere (this process's API, another server) reaches the run it names
    // here when its event does: written by this process, or read from the others' by the feed.
    deps.bus.subscribe((event) => {
      if (event.type !== "stop_requested" || event.project_id === null) return;
      const { reason } = event.payload as EventPayload<"stop_requested">;
      this.active.get(event.project_id)?.stop.abort(reason);
    });
    this.reviews = new SessionReviews({
      stores: deps.stores,
      bus: deps.bus,
      config: deps.config,
      env: deps.env,
      workerId: deps.workerId,
      home: deps.batonHome,
      clock: this.clock,
      log: deps.log,
    });
    this.runner = new RunSessions({ ...deps, clock: this.clock, state: this.state, reviews: this.reviews });
  }

  /** Whether the runs this process starts go through the job queue (`baton serve` on PostgreSQL). */
  get hasQueue(): boolean {
    return this.deps.queue !== undefined;
  }

  /** Throws when the job queue (if runs go through one) cannot be reached. */
  async checkQueue(): Promise<void> {
    await this.deps.queue?.ping();
  }

  /** How busy Baton is (capacity.ts): this process's runs, or the queue's and its workers'. */
  capacity(): Promise<Capacity> {
    const { stores, config, queue, workerId } = this.deps;
    const where = queue ? { queue } : { self: { id: workerId, active: this.active.size } };
    return readCapacity({ stores, config, ...where });
  }

  isRunning(projectId: number): boolean {
    return this.active.has(projectId);
  }

  /**
   * Refuses (BATON_PROJECT_BUSY) while the project runs: a run here (between sessions too), a
   * session anywhere, or — on a server that queues its runs — a run queued or held by a worker.
   */
  async assertIdle(project: Project, doing: string): Promise<void> {
    const running = await this.deps.stores.sessions.running(project.id);
    const busy =
      running !== null || this.isRunning(project.id) || (await this.deps.queue?.hasRun(project.id)) === true;
    if (busy) throw projectBusy(project.id, running, doing);
  }

  /** Deletes a project (delete-project.ts), refused while it runs. */
  async deleteProject(project: Project, options: { deleteFiles: boolean }): Promise<DeletedProject> {
    await this.assertIdle(project, "deleting it");
    const { stores, config, batonHome } = this.deps;
    return deleteProject({ stores, config, home: batonHome }, project, options);
  }

  /** Ends this process's run of a project now (its session ends `interrupted`), e.g. on a signal. */
  stopNow(projectId: number, reason: string): boolean {
    const run = this.active.get(projectId);
    if (!run) return false;
    run.stop.abort(reason);
    return true;
  }

  /**
   * Asks whichever process runs the project — this one, a `baton run` in a terminal, another
   * server on the same database — to stop it now: a `stop_requested` event, which that process's
   * orchestrator acts on as it arrives (see the constructor).
   */
  async requestStop(projectId: number, sessionId: number | null, reason: string): Promise<void> {
    await this.state.event(projectId, "stop_requested", { reason, session_id: sessionId });
  }

  /**
   * Every project this process is running, and every deep review: stop them all, and start no
   * more runs (on SIGTERM and SIGINT).
   */
  stopAll(reason: string): void {
    this.stopping = true;
    for (const run of this.active.values()) run.stop.abort(reason);
    this.reviews.abortAll(reason);
  }

  /** Lets the running session finish, then stops the run; `false` clears the request. */
  async setStopAfterCurrent(projectId: number, on: boolean): Promise<Project> {
    return this.deps.stores.projects.update(projectId, { stop_after_current: on });
  }

  /**
   * Marks sessions left `running` by a worker that stopped sending heartbeats as `interrupted`,
   * never a session this process runs or whose heartbeat is fresh.
   */
  async recover(projectId?: number, takeOver = false): Promise<Session[]> {
    const { stores, config, workerId } = this.deps;
    // Taking over a queued run, the previous worker is known dead (its lease ran out): any of its sessions goes.
    const cutoff = new Date(this.clock().getTime() - (takeOver ? -1 : config.timing.stale_after_s * 1000));
    return recoverStale({ stores, workerId }, cutoff, projectId, (session, reason) =>
      this.state.event(session.project_id, "recovered", { session_number: session.number, reason }),
    );
  }

  /**
   * Starts a run in the background and resolves as soon as its first session exists (what the
   * API answers with); rejects when the run cannot start (busy, no budget, …) or ends first.
   */
  start(projectId: number, options: RunOptions = {}): Promise<StartedRun> {
    const { queue, stores, bus } = this.deps;
    if (this.stopping) return Promise.reject(fail("BATON_SHUTTING_DOWN", { worker_id: this.deps.workerId }));
    if (queue) return startQueued({ stores, bus, queue }, projectId, options);
    return new Promise((resolve, reject) => {
      let first: Session | undefined;
      const done = this.run(projectId, options, (session) => {
        if (first !== undefined) return;
        first = session;
        resolve({ session, done });
      });
      done.then(
        (result) => {
          if (first === undefined)
            reject(fail("BATON_RUN_NOT_STARTED", { end: result.end, reason: result.message }));
        },
        (error: unknown) => {
          if (first === undefined) reject(error);
        },
      );
    });
  }

  /**
   * Resolves when no project of this process is running and no deep review either (after
   * `stopAll`, on shutdown).
   */
  async idle(pollMs = 50): Promise<void> {
    while (this.active.size > 0) await sleep(pollMs);
    await this.reviews.idle();
  }

  /** Runs a project: initializes it if it has no plan, then codes until a stop condition. */
  async run(
    projectId: number,
    options: RunOptions = {},
    onSessionStarted?: (session: Session) => void,
    queued?: QueuedRunControl,
  ): Promise<RunResult> {
    const { stores, config } = this.deps;
    const project = await stores.projects.get(projectId);
    const { sandbox } = resolveRunSettings(project, config, options);
    await requireSandbox(sandbox, this.deps.env);
    // Refused before the run takes its slot, so the project's status stays as it is.
    if (this.stopping) throw fail("BATON_SHUTTING_DOWN", { worker_id: this.deps.workerId });
    if (this.active.has(projectId)) throw projectBusy(projectId, null, "starting a run");
    await assertCanStart(stores, project, startKind(options));
    if (this.active.size >= config.orchestrator.max_concurrent_projects) {
      throw fail("BATON_CAPACITY_FULL", {
        running: this.active.size,
        limit: config.orchestrator.max_concurrent_projects,
      });
    }
    // The slot is taken before anything is awaited, so concurrent calls cannot exceed the limit.
    const run: ActiveRun = {
      stop: new AbortController(),
      ...(onSessionStarted ? { onSessionStarted } : {}),
      overrides: options,
      ...(queued?.takeOver ? { countsSince: queued.queuedAt } : {}),
    };
    this.active.set(projectId, run);
    queued?.signal.addEventListener(
      "abort",
      () => run.stop.abort(String(queued.signal.reason ?? "the job was lost")),
      {
        once: true,
      },
    );
    try {
      await this.recover(projectId, queued?.takeOver === true);
      const alive = await stores.sessions.running(projectId);
      if (alive) throw projectBusy(projectId, alive, "starting a run");
    } catch (error) {
      this.active.delete(projectId);
      throw error;
    }
    const sessions: SessionOutcome[] = [];
    try {
      const result = await this.loop(projectId, options, run, sessions);
      // The run's end is recorded before its slot is released: a run started right after this
      // one (or `idle()`) sees the project's final status, never a status written after its own.
      await this.state.setStatus(
        projectId,
        result.end === "complete" ? "complete" : isSuccessfulEnd(result.end) ? "ready" : "error",
      );
      if (result.end !== "complete")
        await this.state.event(projectId, "run_stopped", { reason: result.end, message: result.message });
      return result;
    } catch (error) {
      await this.state
        .setStatus(projectId, "error")
        .catch((err: unknown) =>
          this.deps.log.error({ err, project_id: projectId }, "project left without its error status"),
        );
      throw error;
    } finally {
      this.active.delete(projectId);
    }
  }

  private async loop(
    projectId: number,
    options: RunOptions,
    run: ActiveRun,
    sessions: SessionOutcome[],
  ): Promise<RunResult> {
    const { stores, config } = this.deps;
    const done = (end: RunEnd, message: string): RunResult => ({ end, message, sessions });
    const hasPlan = await stores.plan.hasPlan(projectId);
    const { sandbox, maxIterations } = resolveRunSettings(
      await stores.projects.get(projectId),
      config,
      options,
    );
    /** The session before the next one, in this run: the delay and stop-after-current follow it. */
    let previous: SessionOutcome | undefined;

    if (!hasPlan) {
      await this.state.event(projectId, "run_started", { kind: "initialize", max_iterations: null, sandbox });
      await this.state.setStatus(projectId, "initializing");
      let init = await this.session(projectId, "initializer", run, sessions);
      // One retry with a fresh session, when the failure may pass and no plan was written yet.
      if (init.status !== "completed" && retryable(init) && !(await stores.plan.hasPlan(projectId))) {
        init = await this.session(projectId, "initializer", run, sessions);
      }
      if (init.status !== "completed") return { ...failedEnd(init, true), sessions };
      previous = init;
      const p = await stores.plan.progress(projectId);
      const summary = `the plan is ready: ${p.epics_total} epics, ${p.tasks_total} tasks, ${p.tests_total} tests`;
      if (options.initializeOnly || !options.auto) {
        return done(
          "initialized",
          `${summary}; review it (baton status --epics), then run again to start coding`,
        );
      }
    }

    await this.state.event(projectId, "run_started", {
      kind: "coding",
      max_iterations: maxIterations,
      sandbox,
    });
    // A run taken over from another worker goes on counting its sessions there.
    let iterations = run.countsSince ? await this.codingSessionsSince(projectId, run.countsSince) : 0;
    let failuresInARow = 0;
    let waits = 0;
    for (;;) {
      if (run.stop.signal.aborted) return done("stopped", String(run.stop.signal.reason ?? "stopped"));
      const project = await stores.projects.get(projectId);
      if (previous && project.stop_after_current) {
        await stores.projects.update(projectId, { stop_after_current: false });
        return done("stop_after_current", `stopped after session ${previous.session.number}, as asked`);
      }
      const progress = await stores.plan.progress(projectId);
      if (progress.finished) {
        await stores.projects.markComplete(projectId);
        const totals = await stores.sessions.totals(projectId);
        await this.state.event(projectId, "project_complete", {
          sessions: totals.sessions,
          cost_usd: totals.cost_usd,
        });
        return done("complete", `every task is done and all ${progress.tests_total} tests pass`);
      }
      if ((await stores.plan.nextTask(projectId)) === null) {
        return done(
          "no_task",
          `no task can be worked on: ${progress.tasks_blocked} blocked; unblock them, then run again`,
        );
      }
      if (maxIterations !== null && iterations >= maxIterations) {
        return done(
          "max_iterations",
          `ran ${iterations} coding session${iterations === 1 ? "" : "s"}, the limit for this run`,
        );
      }
      const left = project.budget_usd === null ? null : project.budget_usd - project.total_cost_usd;
      if (left !== null && left <= 0) {
        return done(
          "budget",
          `spent $${project.total_cost_usd.toFixed(2)} of the $${project.budget_usd?.toFixed(2)} budget`,
        );
      }
      // The next session's Claude Code starts while the delay runs (its start is then not waited for).
      let ahead: Promise<PreparedSession> | undefined;
      if (previous) {
        const delay = config.timing.auto_continue_delay_s;
        await this.state.event(projectId, "auto_continue", {
          delay_s: delay,
          next_session: await stores.sessions.nextWorkNumber(projectId),
        });
        ahead = this.runner.prepare(projectId, "coding", run);
        ahead.catch(() => undefined); // the session says why, if it needs it
        if (!(await waitUnlessStopped(delay * 1000, run.stop.signal))) {
          await discardPrepared(ahead);
          continue;
        }
      }

      await this.state.setStatus(projectId, "running");
      const outcome = await this.session(projectId, "coding", run, sessions, left, ahead);
      iterations++;
      previous = outcome;
      const stop = outcome.stop;
      if (outcome.status === "completed") {
        failuresInARow = 0;
        waits = 0;
        continue;
      }
      switch (stop?.kind) {
        case "user":
          return done("stopped", stop.message);
        case "budget":
          return done("budget", stop.message);
        case "fatal":
        case "unreachable":
          return done("fatal", stop.message);
        case "rate_limit": {
          const backoff = Math.min(RATE_LIMIT_BACKOFF_MS.first * 2 ** waits, RATE_LIMIT_BACKOFF_MS.max);
          const until = stop.resetsAt ?? new Date(this.clock().getTime() + backoff);
          waits++;
          await this.state.pauseUntil(projectId, until, stop.message, run.stop.signal, this.clock);
          continue;
        }
        default: {
          failuresInARow++;
          if (failuresInARow >= FAILURES_BEFORE_STOP) return { ...failedEnd(outcome, false), sessions };
        }
      }
    }
  }

  /** The run's next session (run-sessions.ts), kept with the run's others. */
  private async session(
    projectId: number,
    type: WorkSessionType,
    run: ActiveRun,
    sessions: SessionOutcome[],
    budgetLeft: number | null = null,
    prepared?: Promise<PreparedSession>,
  ): Promise<SessionOutcome> {
    const outcome = await this.runner.next(projectId, type, run, budgetLeft, prepared);
    sessions.push(outcome);
    return outcome;
  }

  private async codingSessionsSince(projectId: number, since: Date): Promise<number> {
    const sessions = await this.deps.stores.sessions.list(projectId, { type: "coding" });
    return sessions.filter((s) => Date.parse(s.created_at) >= since.getTime()).length;
  }
}
