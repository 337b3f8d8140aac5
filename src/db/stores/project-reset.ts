import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import { projectBusy, projectNotFound } from "../../errors.ts";
import type { ProjectStatus } from "../../projects/model.ts";
import type { SessionStatus, SessionType } from "../../sessions/model.ts";
import type { DatabaseSchema } from "../schema.ts";
import type { Executor } from "./plan-rows.ts";

/**
 * The rows of "back to right after initialization" (ProjectStore.resetPreview and
 * resetToInitialization). The plan's rows and ids stay; their progress goes. The initializer's
 * sessions stay with their events; every other session (coding, and the reviews of them) goes.
 */

/** The project's status once it is reset: planned, ready for coding session 1. */
export const RESET_PROJECT_STATUS: ProjectStatus = "ready";
/** Sessions of this type are kept by a reset; every other session is deleted. */
const KEPT_SESSION_TYPE: SessionType = "initializer";

export interface ResetSession {
  id: number;
  number: number;
  type: SessionType;
  status: SessionStatus;
  cost_usd: number;
  /** The stem of its log files (see logLocation), or null when it never wrote logs. */
  log_path: string | null;
}

/** What a reset changes (or changed) in the database. */
export interface ResetChanges {
  /** Tasks that lose their progress: back to pending, without session, notes, start or end. */
  tasks: number;
  /** Tests back to unknown, without verification time, session or evidence. */
  tests: number;
  /** Epics back to pending. */
  epics: number;
  /** The sessions deleted (every one but the initializer's), in the order they were created. */
  sessions: ResetSession[];
  /** Events and quality checks of those sessions (they go with them through foreign keys). */
  session_events: number;
  quality_checks: number;
  /** Project-level events (between sessions), all deleted. */
  project_events: number;
  /** The number the next initializer or coding session gets. */
  next_session_number: number;
  total_cost_usd: { before: number; after: number };
  status: { before: ProjectStatus; after: ProjectStatus };
}

type Eb<T extends keyof DatabaseSchema> = ExpressionBuilder<DatabaseSchema, T>;

/** Tasks with progress to clear: not pending, or holding a session, notes, a start or an end. */
const tasksToReset = (projectId: number) => (eb: Eb<"tasks">) =>
  eb.and([
    eb("project_id", "=", projectId),
    eb.or([
      eb("status", "!=", "pending"),
      eb("session_id", "is not", null),
      eb("notes", "is not", null),
      eb("started_at", "is not", null),
      eb("completed_at", "is not", null),
    ]),
  ]);

const testsToReset = (projectId: number) => (eb: Eb<"tests">) =>
  eb.and([
    eb("project_id", "=", projectId),
    eb.or([
      eb("status", "!=", "unknown"),
      eb("verified_at", "is not", null),
      eb("session_id", "is not", null),
      eb("evidence", "is not", null),
    ]),
  ]);

const epicsToReset = (projectId: number) => (eb: Eb<"epics">) =>
  eb.and([
    eb("project_id", "=", projectId),
    eb.or([eb("status", "!=", "pending"), eb("completed_at", "is not", null)]),
  ]);

/**
 * The project-level events a reset deletes: those after the kept initializer's last event, but
 * for `plan_added` (the reset keeps the plan's rows, so the record of their creation stays).
 */
const projectEvents = (projectId: number) => (eb: Eb<"session_events">) =>
  eb.and([
    eb("project_id", "=", projectId),
    eb("session_id", "is", null),
    eb("type", "!=", "plan_added"),
    eb(
      "id",
      ">",
      eb
        .selectFrom("session_events as kept")
        .select((k) => k.fn.coalesce(k.fn.max<number | null>("kept.id"), k.lit(0)).as("last"))
        .where(
          "kept.session_id",
          "in",
          eb
            .selectFrom("sessions")
            .select("sessions.id")
            .where("sessions.project_id", "=", projectId)
            .where("sessions.type", "=", KEPT_SESSION_TYPE),
        ),
    ),
  ]);

type CountedTable = "tasks" | "tests" | "epics" | "session_events" | "quality_checks";

async function countRows<T extends CountedTable>(
  db: Executor,
  table: T,
  where: (eb: Eb<T>) => Expression<SqlBool>,
): Promise<number> {
  const row = await db
    .selectFrom(table as CountedTable)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(where as (eb: Eb<CountedTable>) => Expression<SqlBool>)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Reads what a reset of the project would change; changes nothing. */
export async function previewReset(db: Executor, projectId: number): Promise<ResetChanges> {
  const project = await db
    .selectFrom("projects")
    .select(["status", "total_cost_usd"])
    .where("id", "=", projectId)
    .executeTakeFirst();
  if (!project) {
    throw projectNotFound(projectId);
  }
  const deleted = db
    .selectFrom("sessions")
    .select("id")
    .where("project_id", "=", projectId)
    .where("type", "!=", KEPT_SESSION_TYPE);
  const [tasks, tests, epics, sessions, events, checks, betweenSessions, kept] = await Promise.all([
    countRows(db, "tasks", tasksToReset(projectId)),
    countRows(db, "tests", testsToReset(projectId)),
    countRows(db, "epics", epicsToReset(projectId)),
    db
      .selectFrom("sessions")
      .select(["id", "number", "type", "status", "cost_usd", "log_path"])
      .where("project_id", "=", projectId)
      .where("type", "!=", KEPT_SESSION_TYPE)
      .orderBy("id")
      .execute(),
    countRows(db, "session_events", (eb) => eb("session_id", "in", deleted)),
    countRows(db, "quality_checks", (eb) => eb("session_id", "in", deleted)),
    countRows(db, "session_events", projectEvents(projectId)),
    db
      .selectFrom("sessions")
      .select((eb) => [
        eb.fn.max<number | null>("number").as("last"),
        eb.fn.coalesce(eb.fn.sum<number>("cost_usd"), eb.lit(0)).as("cost"),
      ])
      .where("project_id", "=", projectId)
      .where("type", "=", KEPT_SESSION_TYPE)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    tasks,
    tests,
    epics,
    sessions: sessions.map((s) => ({ ...s, cost_usd: Number(s.cost_usd) })),
    session_events: events,
    quality_checks: checks,
    project_events: betweenSessions,
    next_session_number: kept.last === null ? 0 : Number(kept.last) + 1,
    total_cost_usd: { before: Number(project.total_cost_usd), after: Number(kept.cost) },
    status: { before: project.status, after: RESET_PROJECT_STATUS },
  };
}

/**
 * Resets the rows inside the caller's transaction and returns what changed. Refused
 * (BATON_PROJECT_BUSY) while any session of the project runs.
 */
export async function resetRows(trx: Executor, projectId: number, now: string): Promise<ResetChanges> {
  // Touching the project row first takes its lock, which session creators also take for their
  // number (SessionStore.takeNumber): no session can be created until this transaction ends.
  await trx.updateTable("projects").set({ updated_at: now }).where("id", "=", projectId).execute();
  const running = await trx
    .selectFrom("sessions")
    .select(["number", "type"])
    .where("project_id", "=", projectId)
    .where("status", "=", "running")
    .executeTakeFirst();
  if (running) throw projectBusy(projectId, running, "resetting");
  const changes = await previewReset(trx, projectId);

  await trx
    .updateTable("tasks")
    .set({
      status: "pending",
      session_id: null,
      notes: null,
      started_at: null,
      completed_at: null,
      updated_at: now,
    })
    .where(tasksToReset(projectId))
    .execute();
  await trx
    .updateTable("tests")
    .set({ status: "unknown", verified_at: null, session_id: null, evidence: null, updated_at: now })
    .where(testsToReset(projectId))
    .execute();
  await trx
    .updateTable("epics")
    .set({ status: "pending", completed_at: null, updated_at: now })
    .where(epicsToReset(projectId))
    .execute();
  // Their events and quality checks go with them (on delete cascade).
  await trx
    .deleteFrom("sessions")
    .where("project_id", "=", projectId)
    .where("type", "!=", KEPT_SESSION_TYPE)
    .execute();
  await trx.deleteFrom("session_events").where(projectEvents(projectId)).execute();
  await trx
    .updateTable("projects")
    .set({
      status: changes.status.after,
      completed_at: null,
      stop_after_current: 0,
      paused_until: null,
      total_cost_usd: changes.total_cost_usd.after,
      work_sessions_created: changes.next_session_number,
      // Reviews are numbered on their own and none is kept.
      review_sessions_created: 0,
      updated_at: now,
    })
    .where("id", "=", projectId)
    .execute();
  return changes;
}
