/**
 * The one lifecycle of every session — planning, coding and review alike: created and started
 * (claimed by this worker), its log files opened, kept alive by heartbeats, then finished with its
 * status, error and metrics recorded. Nothing else creates, starts or finishes a session: what a
 * session does in between (an SDK query with tools, one model call) is its runner's business.
 */
import { type Clock, systemClock } from "../db/clock.ts";
import type { Stores } from "../db/stores/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { BatonEvent, EventPayload, EventType } from "../events/catalog.ts";
import { SessionRecorder } from "../events/recorder.ts";
import type { Logger } from "../logs/process-log.ts";
import { projectLogDir, reviewLogStem, SessionLog, sessionLogStem } from "../logs/session-log.ts";
import type { Project } from "../projects/model.ts";
import type { Session, SessionType, TerminalSessionStatus } from "../sessions/model.ts";

export interface LifecycleDeps {
  stores: Stores;
  bus: EventBus;
  /** Baton's data directory: session logs go there (projectLogDir), out of the session's reach. */
  home: string;
  /** Who runs the session (recorded on it, for crash recovery across workers). */
  workerId: string;
  clock?: Clock;
  heartbeatMs?: number;
  /** Where failures the session survives are logged (a heartbeat not written, …). */
  log: Logger;
}

export interface SessionStart {
  type: SessionType;
  model: string;
  /** The prompt version the session runs with. */
  prompt: { id: number; version: number };
  /** How the session reaches the model (recorded in session_start). */
  credentials: string;
  /** Where the session works. */
  cwd: string;
  /** The text log's header. */
  title: (session: Session, startedAt: Date) => string;
  /** Called once the session exists and is running (its id and number are final). */
  onStarted?: (session: Session) => void;
}

export interface SessionEnd {
  status: TerminalSessionStatus;
  /** What went wrong (status error, or why a review's reply could not be used). */
  error: string | null;
  /** Why it was interrupted. */
  reason: string | null;
  /** The `kind` of its error event. */
  errorKind: string;
  /** Its metrics, from the finished row. */
  metrics: (ended: Session) => Record<string, number>;
}

/** A session that has started: record its events, then finish it once. */
export class LiveSession {
  constructor(
    private readonly deps: LifecycleDeps,
    readonly session: Session,
    readonly recorder: SessionRecorder,
    readonly log: SessionLog,
    readonly logDir: string,
    readonly stem: string,
    readonly startedAt: Date,
    private readonly heartbeat: NodeJS.Timeout,
  ) {}

  record<T extends EventType>(type: T, payload: EventPayload<T>): Promise<BatonEvent<T>> {
    return this.recorder.record(type, payload);
  }

  /** Ends the session: its error event, its row's final state, `session_end`, the logs' summary. */
  async finish(end: SessionEnd): Promise<Session> {
    clearInterval(this.heartbeat);
    const clock = this.deps.clock ?? systemClock;
    if (end.error !== null) {
      // Said in the event log when it can be; the row below says it in any case.
      await this.record("error", { kind: end.errorKind, message: end.error }).catch((err: unknown) =>
        this.deps.log.warn({ err, session_id: this.session.id }, "session error event not recorded"),
      );
    }
    const ended = await this.deps.stores.sessions.finish(this.session.id, {
      status: end.status,
      error: end.status === "error" ? end.error : null,
      interruption_reason: end.status === "interrupted" ? end.reason : null,
    });
    const summary = {
      status: end.status,
      reason: end.reason ?? end.error,
      duration_ms: clock().getTime() - this.startedAt.getTime(),
      metrics: end.metrics(ended),
    };
    await this.record("session_end", summary);
    await this.recorder.flush();
    this.log.close(summary);
    return ended;
  }
}

/** Creates the session, starts it for this worker, opens its logs and records `session_start`. */
export async function beginSession(
  deps: LifecycleDeps,
  project: Project,
  start: SessionStart,
): Promise<LiveSession> {
  const { stores } = deps;
  const clock = deps.clock ?? systemClock;
  const created = await stores.sessions.create(project.id, {
    type: start.type,
    model: start.model,
    prompt_version_id: start.prompt.id,
  });
  const session = await stores.sessions.start(created.id, { workerId: deps.workerId });
  start.onStarted?.(session);
  const startedAt = clock();
  const stem = (session.type === "review" ? reviewLogStem : sessionLogStem)(session.number, startedAt);
  const logDir = projectLogDir(deps.home, project.id);
  const log = new SessionLog(logDir, stem, startedAt.getTime(), start.title(session, startedAt));
  await stores.sessions.setLogPath(session.id, stem);
  const recorder = new SessionRecorder({ sessions: stores.sessions, bus: deps.bus }, session.id, log);
  const heartbeat = setInterval(
    () =>
      void stores.sessions
        .heartbeat(session.id)
        .catch((err: unknown) => deps.log.warn({ err, session_id: session.id }, "heartbeat not written")),
    deps.heartbeatMs ?? 15_000,
  );
  heartbeat.unref();
  const live = new LiveSession(deps, session, recorder, log, logDir, stem, startedAt, heartbeat);
  await live.record("session_start", {
    session_number: session.number,
    session_type: session.type,
    model: session.model,
    credentials: start.credentials,
    prompt_version: start.prompt.version,
    cwd: start.cwd,
  });
  return live;
}

/**
 * Finishes as `interrupted` the sessions left running by a worker that stopped sending heartbeats
 * (its last one before `cutoff`) — never one of `workerId`'s own, alive by definition — and calls
 * `recovered` for each. A session another process finished meanwhile is skipped.
 */
export async function recoverStale(
  deps: { stores: Stores; workerId: string },
  cutoff: Date,
  projectId: number | undefined,
  recovered: (session: Session, reason: string) => Promise<void>,
): Promise<Session[]> {
  const stale = (await deps.stores.sessions.listStale(cutoff)).filter(
    (s) => (projectId === undefined || s.project_id === projectId) && s.worker_id !== deps.workerId,
  );
  const ended: Session[] = [];
  for (const session of stale) {
    const reason = `its worker (${session.worker_id ?? "unknown"}) stopped sending heartbeats; the last was at ${session.heartbeat_at}`;
    try {
      ended.push(
        await deps.stores.sessions.finish(session.id, { status: "interrupted", interruption_reason: reason }),
      );
    } catch {
      continue; // another process finished it meanwhile
    }
    await recovered(session, reason);
  }
  return ended;
}
