import { expect, it } from "vitest";
import { Epic, Task, Test } from "../../src/plan/model.ts";
import { Project } from "../../src/projects/model.ts";
import { PromptVersion, QualityCheck } from "../../src/review/model.ts";
import { Session, SessionEvent } from "../../src/sessions/model.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { makeProject, taskInput } from "./fixtures.ts";

describeEachDatabase("store results", (db) => {
  it("match the domain schemas exactly: no extra columns, numbers as numbers, JSON decoded", async () => {
    const t = db();
    const project = await makeProject(t);
    const epic = await t.stores.plan.createEpic(project.id, { name: "Core" });
    const [task] = await t.stores.plan.expandEpic(project.id, epic.id, [taskInput("a", 1)]);
    const version = await t.stores.prompts.createVersion({ name: "coding", content: "x", source: "builtin" });
    const session = await t.stores.sessions.create(project.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.addUsage(session.id, { input_tokens: 10, cost_usd: 0.01 });
    const event = await t.stores.sessions.appendEvent(session.id, { type: "x", payload: { a: 1 } });
    const check = await t.stores.quality.add({ session_id: session.id, kind: "quick", rating: 9 });

    const results: [string, { strict(): { parse(v: unknown): unknown } }, unknown][] = [
      ["project", Project, await t.stores.projects.get(project.id)],
      ["epic", Epic, epic],
      ["task", Task, await t.stores.plan.startTask(project.id, task?.id ?? 0)],
      ["test", Test, (await t.stores.plan.listTests(project.id))[0]],
      ["session", Session, await t.stores.sessions.get(session.id)],
      ["appended event", SessionEvent, event],
      ["listed event", SessionEvent, (await t.stores.sessions.listEvents(session.id))[0]],
      ["quality check", QualityCheck, check],
      ["prompt version", PromptVersion, version],
    ];
    for (const [what, schema, value] of results) {
      expect(() => schema.strict().parse(value), what).not.toThrow();
    }
  });
});
