import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PROGRESS_NOTE } from "../../src/agent/progress-note.ts";
import { applyReset } from "../../src/orchestrator/reset.ts";
import { runWorkSession } from "../../src/orchestrator/work-session.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { newProject } from "../helpers/projects.ts";
import { GREETER_SPEC, useScriptedModel } from "../helpers/scripted-model.ts";
import { defaultSecurity } from "../helpers/scripted-run.ts";
import { expectRowsAsAfterInit, git, gitStateOf, rowsOf } from "./reset-fixtures.ts";

const scripted = useScriptedModel();

/** Git's view of the tree, plus every untracked file, ignored ones too, but the logs. */
function treeOf(dir: string) {
  const everyUntracked = git(dir, "ls-files", "--others")
    .split("\n")
    .filter((f) => f !== "" && !f.startsWith("logs/"));
  return { ...gitStateOf(dir), everyUntracked };
}

describeEachDatabase("baton reset after real sessions", (db) => {
  it("goes back to right after the initializer, and the next coding session is number 1 doing the first task again", async () => {
    const t = db();
    const { project: created, world: w } = await newProject(t.stores, {
      name: "greeter",
      spec: GREETER_SPEC,
    });
    const dir = created.directory;
    const deps = {
      stores: t.stores,
      bus: t.stores.bus,
      env: { ...process.env, ...scripted().env() },
      workerId: "test-worker",
      log: testLog(),
      home: w.home,
      browser: null,
      security: await defaultSecurity(w.home),
    };
    const init = await runWorkSession(deps, { project: created, type: "initializer", model: "opus" });
    expect(init.status).toBe("completed");
    const project = await t.stores.projects.get(created.id);
    const afterInit = { rows: await rowsOf(t, project.id), tree: treeOf(dir) };
    expect(afterInit.tree.head).toBe(project.init_commit_sha);
    expect(afterInit.rows.sessions.map((s) => s.number)).toEqual([0]);
    const initNote = readFileSync(join(dir, PROGRESS_NOTE), "utf8");

    const coded = [];
    for (let i = 0; i < 2; i++) {
      const outcome = await runWorkSession(deps, { project, type: "coding", model: "sonnet" });
      expect(outcome.status).toBe("completed");
      coded.push(outcome.session);
    }
    expect(coded.map((s) => s.number)).toEqual([1, 2]);
    expect(git(dir, "log", "--format=%s")).toBe("Task 2\nTask 1\nPlan and skeleton");
    const codedNote = readFileSync(join(dir, PROGRESS_NOTE), "utf8");
    expect(codedNote).not.toBe(initNote);

    const report = await applyReset({ stores: t.stores, home: w.home }, project.id);
    const logDir = join(w.home, "logs", String(project.id));

    expect(report.steps.map((s) => `${s.name}: ${s.done}`)).toEqual([
      `logs: moved 4 log files to ${report.plan.archiveDir}/`,
      `progress-note: copied claude-progress.md to ${join(report.plan.archiveDir, PROGRESS_NOTE)}`,
      expect.stringMatching(
        /^git: HEAD is the init commit [0-9a-f]{7}; 2 commits dropped, 0 untracked paths removed$/,
      ),
      expect.stringMatching(
        /^database: 2 tasks back to pending, 2 tests to unknown, 1 epic to pending; sessions 1, 2 deleted with \d+ events and 0 quality checks; \d+ project events deleted; next session: number 1; /,
      ),
    ]);
    expectRowsAsAfterInit(await rowsOf(t, project.id), afterInit.rows);
    expect(treeOf(dir)).toEqual(afterInit.tree);
    expect(readFileSync(join(dir, PROGRESS_NOTE), "utf8")).toBe(initNote);

    // The coding sessions' logs moved aside with the progress note, in Baton's data directory;
    // session 0's stayed.
    const archive = report.plan.archiveDir;
    expect(archive).toMatch(new RegExp(`^${logDir}/old_attempts/\\d{8}T\\d{6}Z$`));
    const stemOf = (logPath: string | null) => logPath ?? "?";
    expect(readdirSync(archive).sort()).toEqual(
      [
        PROGRESS_NOTE,
        ...coded.flatMap((s) => [`${stemOf(s.log_path)}.jsonl`, `${stemOf(s.log_path)}.txt`]),
      ].sort(),
    );
    expect(readFileSync(join(archive, PROGRESS_NOTE), "utf8")).toBe(codedNote);
    const initLog = init.session.log_path ?? "?";
    expect(existsSync(join(logDir, `${initLog}.jsonl`))).toBe(true);
    expect(existsSync(join(logDir, `${initLog}.txt`))).toBe(true);
    for (const s of coded) expect(existsSync(join(logDir, `${s.log_path}.txt`))).toBe(false);

    const again = await runWorkSession(deps, {
      project: await t.stores.projects.get(project.id),
      type: "coding",
      model: "sonnet",
    });
    expect(again.status).toBe("completed");
    expect(again.session.number).toBe(1);
    expect((await t.stores.plan.listTasks(project.id, { status: "done" })).map((x) => x.description)).toEqual(
      ["Say hello"],
    );
    expect(git(dir, "log", "--format=%s")).toBe("Task 1\nPlan and skeleton");
  });
});
