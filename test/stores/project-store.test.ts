import { expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { finishTask, makeProject, taskInput } from "./fixtures.ts";

describeEachDatabase("project store", (db) => {
  it("creates a project and finds it by id or by name", async () => {
    const t = db();
    const p = await t.stores.projects.create({
      name: "todo-app",
      directory: "/tmp/generations/todo-app",
      spec_path: "/tmp/spec.md",
      spec_sha256: "a".repeat(64),
      settings: { coding_model: "sonnet" },
      budget_usd: 12.5,
    });
    expect(p).toMatchObject({
      name: "todo-app",
      status: "created",
      settings: { coding_model: "sonnet" },
      budget_usd: 12.5,
      total_cost_usd: 0,
      init_commit_sha: null,
      completed_at: null,
    });
    expect((await t.stores.projects.find("todo-app")).id).toBe(p.id);
    expect((await t.stores.projects.find(String(p.id))).name).toBe("todo-app");
    expect((await t.stores.projects.findByDirectory("/tmp/generations/todo-app"))?.id).toBe(p.id);
    expect((await t.stores.projects.list()).map((x) => x.name)).toEqual(["todo-app"]);
  });

  it("refuses a duplicate name or directory with a message that says which", async () => {
    const t = db();
    await t.stores.projects.create({ name: "shop", directory: "/tmp/a" });
    await expect(t.stores.projects.create({ name: "shop", directory: "/tmp/b" })).rejects.toThrow(
      "a project named shop already exists",
    );
    await expect(t.stores.projects.create({ name: "shop2", directory: "/tmp/a" })).rejects.toThrow(
      "project shop already uses the directory /tmp/a",
    );
    expect(await t.stores.projects.list()).toHaveLength(1);
  });

  it("refuses a name that is not a slug", async () => {
    const t = db();
    const error = await t.stores.projects
      .create({ name: "My App!", directory: "/tmp/x" })
      .catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_VALIDATION")).toBe(true);
    expect((error as Error).message).toContain("name: a project name uses only a-z, 0-9, _ and -");
  });

  it("updates settings, status and the init commit", async () => {
    const t = db();
    const p = await makeProject(t);
    const u = await t.stores.projects.update(p.id, {
      status: "ready",
      settings: { max_iterations: 4 },
      init_commit_sha: "0123abcd",
    });
    expect(u).toMatchObject({
      status: "ready",
      settings: { max_iterations: 4 },
      init_commit_sha: "0123abcd",
    });
    expect(u.updated_at > p.updated_at).toBe(true);
    await expect(t.stores.projects.update(p.id, { status: "bogus" as "ready" })).rejects.toThrow(
      "invalid project update",
    );
    await expect(t.stores.projects.update(9999, { status: "ready" })).rejects.toThrow(
      "no project with the id or name 9999",
    );
  });

  it("refuses to mark the project complete while any task is open", async () => {
    const t = db();
    const p = await makeProject(t);
    await expect(t.stores.projects.markComplete(p.id)).rejects.toThrow("has no plan yet");
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const [a, b] = await t.stores.plan.expandEpic(p.id, epic.id, [taskInput("a"), taskInput("b")]);
    if (!a || !b) throw new Error("no tasks");
    await finishTask(t, p.id, a.id);
    const error = await t.stores.projects.markComplete(p.id).catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_PROJECT_NOT_COMPLETE")).toBe(true);
    expect((error as Error).message).toContain(`1 open tasks (${b.id})`);
    expect((await t.stores.projects.get(p.id)).status).toBe("created");

    await finishTask(t, p.id, b.id);
    const done = await t.stores.projects.markComplete(p.id);
    expect(done.status).toBe("complete");
    expect(done.completed_at).not.toBeNull();
  });

  it("removes every row of a project when it is deleted, and only that project's, leaving its project_deleted event", async () => {
    const t = db();
    const gone = await makeProject(t);
    const kept = await makeProject(t);
    for (const p of [gone, kept]) {
      const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
      const [task] = await t.stores.plan.expandEpic(p.id, epic.id, [taskInput("a", 2)]);
      const s = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
      await t.stores.sessions.appendEvent(s.id, { type: "tool_use", payload: { name: "Bash" } });
      await t.stores.quality.add({ session_id: s.id, kind: "quick", rating: 8 });
      await t.stores.plan.startTask(p.id, task?.id ?? 0, s.id);
    }
    await t.stores.projects.delete(gone.id);
    const { db: k } = t.database;
    for (const table of [
      "epics",
      "tasks",
      "tests",
      "sessions",
      "session_events",
      "quality_checks",
    ] as const) {
      let query = k.selectFrom(table).select("project_id");
      // The deletion itself is the one event left of the deleted project's id.
      if (table === "session_events") query = query.where("type", "!=", "project_deleted");
      const rows = await query.execute();
      expect(
        rows.every((r) => r.project_id === kept.id),
        table,
      ).toBe(true);
      expect(rows.length, table).toBeGreaterThan(0);
    }
    const left = await k
      .selectFrom("session_events")
      .select(["type", "payload"])
      .where("project_id", "=", gone.id)
      .execute();
    expect(left).toEqual([{ type: "project_deleted", payload: JSON.stringify({ name: gone.name }) }]);
    await expect(t.stores.projects.get(gone.id)).rejects.toThrow("no project");
    await expect(t.stores.projects.delete(gone.id)).rejects.toThrow("no project");
  });
});
