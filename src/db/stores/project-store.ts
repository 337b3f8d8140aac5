import { fail, projectNotFound } from "../../errors.ts";
import { isOpenTask, TASK_STATUSES } from "../../plan/model.ts";
import { assertProjectCanComplete } from "../../plan/rules.ts";
import { NewProject, type Project, ProjectPatch } from "../../projects/model.ts";
import { isoNow } from "../clock.ts";
import type { ProjectRow } from "../schema.ts";
import { isUniqueViolation } from "../sql-errors.ts";
import { parseInput } from "../validate.ts";
import { type StoreDeps, withEvents } from "./event-log.ts";
import { previewReset, type ResetChanges, resetRows } from "./project-reset.ts";

const OPEN_TASK_STATUSES = TASK_STATUSES.filter(isOpenTask);

export function toProject(row: ProjectRow): Project {
  // The session counters are the session store's bookkeeping, not part of a project.
  const {
    work_sessions_created: _w,
    review_sessions_created: _r,
    settings,
    stop_after_current,
    ...rest
  } = row;
  return {
    ...rest,
    stop_after_current: stop_after_current === 1,
    settings: JSON.parse(settings) as Project["settings"],
  };
}

/** Projects: one row per app being built. Deleting one removes every row that belongs to it. */
export class ProjectStore {
  constructor(private readonly deps: StoreDeps) {}

  async create(input: NewProject): Promise<Project> {
    const p = parseInput(NewProject, input, "project");
    const now = isoNow(this.deps.clock);
    try {
      return await withEvents(this.deps, async (trx, emit) => {
        const row = await trx
          .insertInto("projects")
          .values({
            name: p.name,
            directory: p.directory,
            spec_path: p.spec_path,
            spec_sha256: p.spec_sha256,
            status: "created",
            settings: JSON.stringify(p.settings),
            budget_usd: p.budget_usd,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await emit({ project_id: row.id }, "project_changed", { change: "created", status: row.status });
        return toProject(row);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const clash = await this.deps.db
        .selectFrom("projects")
        .select(["name", "directory"])
        .where((eb) => eb.or([eb("name", "=", p.name), eb("directory", "=", p.directory)]))
        .executeTakeFirst();
      const byName = clash?.name === p.name;
      throw fail("BATON_PROJECT_EXISTS", {
        name: p.name,
        directory: p.directory,
        reason: byName
          ? `a project named ${p.name} already exists; choose another name or open the existing project`
          : `project ${clash?.name ?? "?"} already uses the directory ${p.directory}; choose another directory`,
      });
    }
  }

  async get(id: number): Promise<Project> {
    const row = await this.deps.db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw projectNotFound(String(id));
    return toProject(row);
  }

  /** Finds a project by numeric id or by name. */
  async find(idOrName: string | number): Promise<Project> {
    const text = String(idOrName).trim();
    const query = this.deps.db.selectFrom("projects").selectAll();
    const row = /^\d+$/.test(text)
      ? await query.where("id", "=", Number(text)).executeTakeFirst()
      : await query.where("name", "=", text).executeTakeFirst();
    if (!row) throw projectNotFound(text);
    return toProject(row);
  }

  async findByDirectory(directory: string): Promise<Project | undefined> {
    const row = await this.deps.db
      .selectFrom("projects")
      .selectAll()
      .where("directory", "=", directory)
      .executeTakeFirst();
    return row ? toProject(row) : undefined;
  }

  async list(): Promise<Project[]> {
    const rows = await this.deps.db.selectFrom("projects").selectAll().orderBy("name").execute();
    return rows.map(toProject);
  }

  async update(id: number, patch: ProjectPatch): Promise<Project> {
    const p = parseInput(ProjectPatch, patch, "project update");
    const { settings, stop_after_current, ...rest } = p;
    return withEvents(this.deps, async (trx, emit) => {
      const row = await trx
        .updateTable("projects")
        .set({
          ...rest,
          ...(settings === undefined ? {} : { settings: JSON.stringify(settings) }),
          ...(stop_after_current === undefined ? {} : { stop_after_current: stop_after_current ? 1 : 0 }),
          updated_at: isoNow(this.deps.clock),
        })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw projectNotFound(String(id));
      await emit({ project_id: id }, "project_changed", { change: "updated", status: row.status });
      return toProject(row);
    });
  }

  /** Refused while any task is open or any test is not passing; the error says what is left. */
  async markComplete(id: number): Promise<Project> {
    return withEvents(this.deps, async (trx, emit) => {
      const project = await trx
        .selectFrom("projects")
        .select(["name"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!project) throw projectNotFound(String(id));
      const tasks = await trx
        .selectFrom("tasks")
        .select(["id", "status"])
        .where("project_id", "=", id)
        .orderBy("id")
        .execute();
      const { n } = await trx
        .selectFrom("tests")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("project_id", "=", id)
        .where("status", "!=", "passing")
        .executeTakeFirstOrThrow();
      assertProjectCanComplete(project.name, {
        tasks_total: tasks.length,
        open_task_ids: tasks.filter((t) => OPEN_TASK_STATUSES.includes(t.status)).map((t) => t.id),
        tests_not_passing: Number(n),
      });
      const now = isoNow(this.deps.clock);
      const row = await trx
        .updateTable("projects")
        .set({ status: "complete", completed_at: now, updated_at: now })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await emit({ project_id: id }, "project_changed", { change: "completed", status: row.status });
      return toProject(row);
    });
  }

  /** What resetToInitialization would change, without changing anything. */
  async resetPreview(id: number): Promise<ResetChanges> {
    return previewReset(this.deps.db, id);
  }

  /**
   * Back to right after initialization, in one transaction: every task pending, every test
   * unknown, every epic pending (the plan's rows and ids stay); every session but the
   * initializer's deleted with its events and quality checks; project-level events deleted; the
   * session counter, the total cost (of the sessions that remain) and the project's state
   * (ready, not complete, not stopping, not paused) set to match. Refused while a session runs.
   */
  async resetToInitialization(id: number): Promise<ResetChanges> {
    return withEvents(this.deps, async (trx, emit) => {
      const changes = await resetRows(trx, id, isoNow(this.deps.clock));
      await emit({ project_id: id }, "project_changed", { change: "reset", status: changes.status.after });
      return changes;
    });
  }

  /**
   * Removes the project and, through the foreign keys, its plan, sessions and reviews; its own
   * events go with it, and `project_deleted` is the one event left of its id.
   */
  async delete(id: number): Promise<void> {
    await withEvents(this.deps, async (trx, emit) => {
      const deleted = await trx
        .deleteFrom("projects")
        .where("id", "=", id)
        .returning(["name"])
        .executeTakeFirst();
      if (!deleted) throw projectNotFound(String(id));
      await trx.deleteFrom("session_events").where("project_id", "=", id).execute();
      await emit({ project_id: id }, "project_deleted", { name: deleted.name });
    });
  }
}
