/**
 * The sessions of a run, one at a time: each with the project's settings as they are when it
 * starts (run > project > config, so a change applies from the next session), run by
 * work-session.ts, then given the quick review (a deep review goes on in the background).
 */
import { PreparedSession } from "../agent/prepared-session.ts";
import type { AgentDeps, SessionOutcome, WorkSessionType } from "../agent/run-session.ts";
import { type SessionSecurity, sessionSecurity } from "../agent/session-security.ts";
import type { Clock } from "../db/clock.ts";
import type { SessionReviews } from "../review/session-reviews.ts";
import type { Session } from "../sessions/model.ts";
import type { OrchestratorDeps } from "./orchestrator.ts";
import type { ProjectState } from "./project-state.ts";
import { type RunOverrides, resolveRunSettings, type SandboxType } from "./run-settings.ts";
import { runWorkSession } from "./work-session.ts";

/** What a session takes from its run: the run's own settings, its stop, who hears of its start. */
export interface RunOfSession {
  overrides: RunOverrides;
  /** Aborted to stop now: ends the running session and any wait. */
  stop: AbortController;
  /** Called as each session of the run starts. */
  onSessionStarted?: (session: Session) => void;
}

export class RunSessions {
  /** Built once from `security.*` and `sandbox.*` (it loads the bash grammar). */
  private security: Promise<SessionSecurity> | undefined;

  constructor(
    private readonly deps: OrchestratorDeps & { clock: Clock; state: ProjectState; reviews: SessionReviews },
  ) {}

  /**
   * Starts Claude Code for the run's next session of `type` ahead of it (during the delay before
   * it), with the project's settings as they are now; `next` uses it if they are the same then.
   * Discard it (`PreparedSession.discard`) when no session follows.
   */
  async prepare(projectId: number, type: WorkSessionType, run: RunOfSession): Promise<PreparedSession> {
    const { project, deps, model } = await this.sessionOf(projectId, type, run);
    return PreparedSession.prepare(deps, { project, model });
  }

  /** The project, the agent's deps and the model of the run's next session of `type`, as its settings are now. */
  private async sessionOf(projectId: number, type: WorkSessionType, run: RunOfSession) {
    const { stores, config } = this.deps;
    const project = await stores.projects.get(projectId);
    const settings = resolveRunSettings(project, config, run.overrides);
    const deps: AgentDeps = {
      stores,
      bus: this.deps.bus,
      env: this.deps.env,
      workerId: this.deps.workerId,
      log: this.deps.log,
      home: this.deps.batonHome,
      browser: this.deps.browser,
      security: await this.sessionSecurity(settings.sandbox),
      clock: this.deps.clock,
      heartbeatMs: config.timing.heartbeat_interval_s * 1000,
    };
    return {
      project,
      deps,
      model: type === "initializer" ? settings.initializerModel : settings.codingModel,
    };
  }

  /**
   * Runs the run's next session of `type`, with at most `budgetLeft` dollars to spend; on the
   * Claude Code `prepared` ahead for it when that still fits (else that one is ended).
   */
  async next(
    projectId: number,
    type: WorkSessionType,
    run: RunOfSession,
    budgetLeft: number | null = null,
    prepared?: Promise<PreparedSession>,
  ): Promise<SessionOutcome> {
    const { config, state } = this.deps;
    const { project, deps, model } = await this.sessionOf(projectId, type, run);
    const outcome = await runWorkSession(deps, {
      project,
      type,
      model,
      ...(prepared === undefined ? {} : { prepared }),
      onStarted: run.onSessionStarted,
      signal: run.stop.signal,
      maxCostUsd: budgetLeft,
      limits: {
        repeatedFailures: config.stuck.repeated_failures,
        noProgressMs: config.stuck.no_progress_minutes * 60_000,
      },
      onWait: (until, reason) => state.paused(projectId, until, reason),
      onResume: () => state.resumed(projectId, "the model service answered again"),
    });
    // The quick check is awaited (no model); a deep review runs in the background. Neither throws.
    await this.deps.reviews.afterSession(outcome.session, { deep: !run.stop.signal.aborted });
    return outcome;
  }

  /** The session security, with the project's own sandbox type when it sets one. */
  private async sessionSecurity(sandbox: SandboxType): Promise<SessionSecurity> {
    this.security ??= sessionSecurity(this.deps.config, this.deps.batonHome);
    const base = await this.security;
    return { ...base, sandbox: { ...base.sandbox, type: sandbox } };
  }
}
