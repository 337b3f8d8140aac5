import { type BatonError, fail, projectNotFound } from "../../errors.ts";
import {
  isTerminal,
  numberingOf,
  type Session,
  type SessionEvent,
  type SessionType,
  type TerminalSessionStatus,
  USAGE_COUNTERS,
  type UsageCounter,
  type UsageDelta,
} from "../../sessions/model.ts";
import { isoNow } from "../clock.ts";
import type { SessionRow } from "../schema.ts";
import { isUniqueViolation } from "../sql-errors.ts";
import { insertEvent, type StoreDeps, toEvent } from "./event-log.ts";
import type { Executor } from "./plan-rows.ts";
export interface NewSession {
  type: SessionType;
  model: string;
  prompt_version_id?: number | null;
  log_path?: string | null;
}

/**
 * Sessions of a project and their events. Rules kept here: session numbers are allocated per
 * project (initializer and coding share one 0-based sequence, reviews have their own); at most one
 * initializer-or-coding session runs per project (a partial unique index backs it); an initializer
 * cannot be created once a plan exists; a finished session never changes status again.
 */
export class SessionStore {
  constructor(private readonly deps: StoreDeps) {}

  async create(projectId: number, input: NewSession): Promise<Session> {
    return this.deps.db.transaction().execute(async (trx) => {
      // Taking the number first also serializes the plan check below between concurrent creators.
      const number = await this.takeNumber(trx, projectId, input.type);
      if (input.type === "initializer") await this.assertNoPlan(trx, projectId);
      return trx
        .insertInto("sessions")
        .values({
          project_id: projectId,
          number,
          type: input.type,
          model: input.model,
          status: "pending",
          prompt_version_id: input.prompt_version_id ?? null,
          log_path: input.log_path ?? null,
          created_at: isoNow(this.deps.clock),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  /** pending → running, claimed by a worker. Refused while another session of the project runs. */
  async start(sessionId: number, worker: { workerId: string }): Promise<Session> {
    const session = await this.get(sessionId);
    if (session.status !== "pending") throw invalidTransition(session, "running");
    const now = isoNow(this.deps.clock);
    try {
      const row = await this.deps.db
        .updateTable("sessions")
        .set({ status: "running", started_at: now, heartbeat_at: now, worker_id: worker.workerId })
        .where("id", "=", sessionId)
        .where("status", "=", "pending")
        .returningAll()
        .executeTakeFirst();
      if (!row) throw invalidTransition(await this.get(sessionId), "running");
      return row;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const running = await this.running(session.project_id);
      throw fail("BATON_SESSION_ALREADY_RUNNING", {
        project_id: session.project_id,
        running_session_id: running?.id ?? null,
        running: running?.number ?? null,
        starting: session.number,
      });
    }
  }

  /** The stem of the session's log files (`session_NNN_<time>`, see logLocation). */
  async setLogPath(sessionId: number, logPath: string): Promise<void> {
    const result = await this.deps.db
      .updateTable("sessions")
      .set({ log_path: logPath })
      .where("id", "=", sessionId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound(sessionId);
  }

  /** Refreshes a running session's heartbeat; false when the session is no longer running. */
  async heartbeat(sessionId: number): Promise<boolean> {
    const result = await this.deps.db
      .updateTable("sessions")
      .set({ heartbeat_at: isoNow(this.deps.clock) })
      .where("id", "=", sessionId)
      .where("status", "=", "running")
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The number the project's next initializer or coding session will get. */
  async nextWorkNumber(projectId: number): Promise<number> {
    const row = await this.deps.db
      .selectFrom("projects")
      .select("work_sessions_created")
      .where("id", "=", projectId)
      .executeTakeFirst();
    return Number(row?.work_sessions_created ?? 0);
  }

  /** Ends a pending or running session. A finished session cannot be finished again. */
  async finish(
    sessionId: number,
    end: { status: TerminalSessionStatus; error?: string | null; interruption_reason?: string | null },
  ): Promise<Session> {
    const row = await this.deps.db
      .updateTable("sessions")
      .set({
        status: end.status,
        ended_at: isoNow(this.deps.clock),
        error: end.error ?? null,
        interruption_reason: end.interruption_reason ?? null,
      })
      .where("id", "=", sessionId)
      .where("status", "in", ["pending", "running"])
      .returningAll()
      .executeTakeFirst();
    if (!row) throw invalidTransition(await this.get(sessionId), end.status);
    return row;
  }

  /** Adds to a session's counters; its cost is added to the project's total in the same transaction. */
  async addUsage(sessionId: number, delta: UsageDelta): Promise<Session> {
    const increments = (Object.entries(delta) as [keyof UsageDelta, number | undefined][]).filter(
      (entry): entry is [keyof UsageDelta, number] => entry[1] !== undefined && entry[1] !== 0,
    );
    for (const [key, amount] of increments) {
      if (!(key === "cost_usd" || USAGE_COUNTERS.includes(key)) || !Number.isFinite(amount) || amount < 0) {
        throw fail("BATON_VALIDATION", {
          field: key,
          reason: `invalid usage: ${key} must be a number ≥ 0, got ${amount}`,
        });
      }
    }
    if (increments.length === 0) return this.get(sessionId);
    return this.deps.db.transaction().execute(async (trx) => {
      let query = trx.updateTable("sessions").where("id", "=", sessionId);
      for (const [key, amount] of increments) query = query.set((eb) => ({ [key]: eb(key, "+", amount) }));
      const row = await query.returningAll().executeTakeFirst();
      if (!row) throw notFound(sessionId);
      const cost = delta.cost_usd;
      if (cost) {
        await trx
          .updateTable("projects")
          .set((eb) => ({ total_cost_usd: eb("total_cost_usd", "+", cost) }))
          .where("id", "=", row.project_id)
          .execute();
      }
      return row;
    });
  }

  /**
   * A project's usage: every session counter and the cost, summed over all of its sessions
   * (deep reviews' cost included); `sessions` counts the initializer and coding sessions only.
   */
  async totals(projectId: number): Promise<Record<UsageCounter | "cost_usd" | "sessions", number>> {
    const row = await this.deps.db
      .selectFrom("sessions")
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere("type", "!=", "review").as("sessions"),
        eb.fn.coalesce(eb.fn.sum<number>("cost_usd"), eb.lit(0)).as("cost_usd"),
        ...USAGE_COUNTERS.map((c) => eb.fn.coalesce(eb.fn.sum<number>(c), eb.lit(0)).as(c)),
      ])
      .where("project_id", "=", projectId)
      .executeTakeFirstOrThrow();
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Record<
      UsageCounter | "cost_usd" | "sessions",
      number
    >;
  }

  /** Appends one event with the session's next sequence number (1, 2, 3, …). */
  async appendEvent(sessionId: number, event: { type: string; payload: unknown }): Promise<SessionEvent> {
    return this.deps.db.transaction().execute(async (trx) => {
      const counter = await trx
        .updateTable("sessions")
        .set((eb) => ({ event_count: eb("event_count", "+", 1) }))
        .where("id", "=", sessionId)
        .returning(["event_count", "project_id"])
        .executeTakeFirst();
      if (!counter) throw notFound(sessionId);
      return insertEvent(
        trx,
        this.deps.clock,
        { project_id: counter.project_id, session_id: sessionId, seq: Number(counter.event_count) },
        event,
      );
    });
  }

  /** Appends an event that belongs to the project, not to a session (no session, no sequence number). */
  async appendProjectEvent(
    projectId: number,
    event: { type: string; payload: unknown },
  ): Promise<SessionEvent> {
    return insertEvent(this.deps.db, this.deps.clock, { project_id: projectId }, event);
  }

  /** Every project's events after the given id, oldest first (what the event feed tails). */
  async eventsAfter(afterId: number, limit: number): Promise<SessionEvent[]> {
    const rows = await this.deps.db
      .selectFrom("session_events")
      .selectAll()
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /** The events with these ids that still exist, in id order. */
  async eventsWithIds(ids: readonly number[]): Promise<SessionEvent[]> {
    if (ids.length === 0) return [];
    const rows = await this.deps.db
      .selectFrom("session_events")
      .selectAll()
      .where("id", "in", [...ids])
      .orderBy("id")
      .execute();
    return rows.map(toEvent);
  }

  /** A project's events (session and project-level) after the given event id, oldest first. */
  async listProjectEvents(
    projectId: number,
    options: { afterId?: number; limit?: number } = {},
  ): Promise<SessionEvent[]> {
    const rows = await this.deps.db
      .selectFrom("session_events")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("id", ">", options.afterId ?? 0)
      .orderBy("id")
      .limit(options.limit ?? 1_000)
      .execute();
    return rows.map(toEvent);
  }

  async listEvents(
    sessionId: number,
    options: { afterSeq?: number; limit?: number } = {},
  ): Promise<SessionEvent[]> {
    const rows = await this.deps.db
      .selectFrom("session_events")
      .selectAll()
      .where("session_id", "=", sessionId)
      .where("seq", ">", options.afterSeq ?? 0)
      .orderBy("seq")
      .limit(options.limit ?? 1_000)
      .execute();
    return rows.map(toEvent);
  }

  async get(sessionId: number): Promise<Session> {
    const row = await this.deps.db
      .selectFrom("sessions")
      .selectAll()
      .where("id", "=", sessionId)
      .executeTakeFirst();
    if (!row) throw notFound(sessionId);
    return row;
  }

  async getByNumber(projectId: number, number: number): Promise<Session> {
    const row = await this.deps.db
      .selectFrom("sessions")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("number", "=", number)
      .where("type", "!=", "review")
      .executeTakeFirst();
    if (!row) {
      throw fail("BATON_SESSION_NOT_FOUND", { project_id: projectId, number });
    }
    return row;
  }

  /** Sessions of a project, newest first. */
  async list(
    projectId: number,
    options: { type?: SessionType; limit?: number; offset?: number } = {},
  ): Promise<Session[]> {
    let query = this.deps.db
      .selectFrom("sessions")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc");
    if (options.type !== undefined) query = query.where("type", "=", options.type);
    if (options.limit !== undefined) query = query.limit(options.limit).offset(options.offset ?? 0);
    return query.execute();
  }

  async recent(projectId: number, limit = 5): Promise<Session[]> {
    return this.list(projectId, { limit });
  }

  /** The initializer or coding session running for this project, if any. */
  async running(projectId: number): Promise<Session | null> {
    const row = await this.deps.db
      .selectFrom("sessions")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("status", "=", "running")
      .where("type", "!=", "review")
      .executeTakeFirst();
    return row ?? null;
  }

  /** The newest initializer or coding session of a project (reviews aside), if it has any. */
  async latest(projectId: number): Promise<Session | null> {
    const row = await this.deps.db
      .selectFrom("sessions")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("type", "!=", "review")
      .orderBy("number", "desc")
      .limit(1)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Every running initializer or coding session, of all projects, by project id. */
  async runningByProject(): Promise<Map<number, Session>> {
    const rows = await this.deps.db
      .selectFrom("sessions")
      .selectAll()
      .where("status", "=", "running")
      .where("type", "!=", "review")
      .execute();
    return new Map(rows.map((s) => [s.project_id, s]));
  }

  /** Running sessions whose heartbeat is older than `cutoff`: their worker is presumed dead. */
  async listStale(cutoff: Date): Promise<Session[]> {
    return this.deps.db
      .selectFrom("sessions")
      .selectAll()
      .where("status", "=", "running")
      .where("heartbeat_at", "<", cutoff.toISOString())
      .orderBy("id")
      .execute();
  }

  /** The id of the newest event of a project (or of any project), 0 when there is none. */
  async lastEventId(projectId?: number): Promise<number> {
    let query = this.deps.db.selectFrom("session_events").select((eb) => eb.fn.max("id").as("id"));
    if (projectId !== undefined) query = query.where("project_id", "=", projectId);
    const row = await query.executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  /** A project's events of the given types after an event id, oldest first (what a stream replays). */
  async listProjectEventsOfTypes(
    projectId: number,
    types: readonly string[],
    options: { afterId?: number; limit?: number } = {},
  ): Promise<SessionEvent[]> {
    if (types.length === 0) return [];
    const rows = await this.deps.db
      .selectFrom("session_events")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("id", ">", options.afterId ?? 0)
      .where("type", "in", [...types])
      .orderBy("id")
      .limit(options.limit ?? 1_000)
      .execute();
    return rows.map(toEvent);
  }

  /** A project's newest `limit` events (of every type), oldest first. */
  async latestProjectEvents(projectId: number, limit: number): Promise<SessionEvent[]> {
    const rows = await this.deps.db
      .selectFrom("session_events")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.reverse().map(toEvent);
  }

  private async assertNoPlan(trx: Executor, projectId: number): Promise<void> {
    const { n } = await trx
      .selectFrom("epics")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("project_id", "=", projectId)
      .executeTakeFirstOrThrow();
    if (Number(n) > 0) {
      throw fail("BATON_PLAN_EXISTS", {
        project_id: projectId,
        epics: Number(n),
        reason: `this project already has a plan (${n} epics), so the initializer cannot run again; start coding sessions instead, or create a new project to plan from scratch`,
      });
    }
  }

  /**
   * Takes the next number of the session's sequence from the project's counter. The increment
   * locks the project row until commit, so concurrent creators queue instead of colliding.
   */
  private async takeNumber(trx: Executor, projectId: number, type: SessionType): Promise<number> {
    const counter = numberingOf(type) === "review" ? "review_sessions_created" : "work_sessions_created";
    const row = await trx
      .updateTable("projects")
      .set((eb) => ({ [counter]: eb(counter, "+", 1) }))
      .where("id", "=", projectId)
      .returning(counter)
      .executeTakeFirst();
    if (!row) {
      throw projectNotFound(projectId);
    }
    return Number(row[counter]) - 1;
  }
}

function notFound(sessionId: number): BatonError {
  return fail("BATON_SESSION_NOT_FOUND", { session_id: sessionId });
}

function invalidTransition(session: SessionRow, to: string): BatonError {
  const why = isTerminal(session.status) ? "it has already ended" : `it is ${session.status}`;
  return fail("BATON_SESSION_INVALID_TRANSITION", {
    session_id: session.id,
    number: session.number,
    from: session.status,
    to,
    reason: why,
  });
}
