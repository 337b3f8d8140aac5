import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { openDatabase } from "../../src/db/database.ts";
import { createStores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import {
  batonScript,
  isErrorReply,
  type ScriptedModel,
  startScriptedModel,
} from "../../src/scripted-model/index.ts";
import { baton } from "../helpers/cli.ts";
import { GREETER_SPEC } from "../helpers/scripted-model.ts";
import { makeWorld } from "../helpers/world.ts";

/** Folders made immutable by a test, made writable again after it (before the world is removed). */
const frozen: string[] = [];
let model: ScriptedModel | undefined;
afterEach(async () => {
  for (const dir of frozen.splice(0)) execFileSync("chattr", ["-i", dir]);
  await model?.close();
});

it("ends the run with an error naming the folder when the project becomes unwritable mid-run, keeping the init commit", async () => {
  const w = makeWorld();
  w.write("project/spec.md", GREETER_SPEC);
  const projectDir = join(w.cwd, "generations", "greeter");
  // The planner's last turn, then the folder is made immutable (chattr +i: not even root writes).
  let initializerDone = false;
  model = await startScriptedModel(async (request, context) => {
    const reply = await batonScript(request, context);
    const final = !isErrorReply(reply) && !reply.content.some((b) => b.type === "tool_use");
    if (final && !initializerDone && context.kind === "main") {
      initializerDone = true;
      execFileSync("chattr", ["+i", projectDir]);
      frozen.push(projectDir);
    }
    return reply;
  });
  const env = {
    ...withoutCredentials(process.env),
    ...model.env(),
    ...w.env,
    BATON_TIMING_AUTO_CONTINUE_DELAY_S: "0",
  };
  const run = await baton(["run", "--project-dir", "greeter", "--spec", "spec.md", "--auto"], {
    cwd: w.cwd,
    env,
  });

  expect(initializerDone).toBe(true);
  expect(run.err).not.toContain("unexpected error");
  expect(run.code).toBe(1);
  expect(run.err).toContain(`the project folder ${projectDir} cannot be written`);
  expect(run.err).toContain("make it writable again");

  const database = await openDatabase(resolveDatabaseTarget(null, { home: w.home, cwd: w.cwd }));
  try {
    const stores = createStores(database.db);
    const project = await stores.projects.find("greeter");
    // The plan and the init commit are kept, and no coding session was started half-way.
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: projectDir }).toString().trim();
    expect(project.init_commit_sha).toBe(head);
    expect((await stores.plan.progress(project.id)).tasks_total).toBe(3);
    expect((await stores.sessions.list(project.id)).map((s) => [s.number, s.status])).toEqual([
      [0, "completed"],
    ]);
  } finally {
    await database.close();
  }

  // Writable again, the same command goes on with the first coding session.
  execFileSync("chattr", ["-i", projectDir]);
  frozen.splice(0);
  const again = await baton(["run", "--project-dir", "greeter", "--max-iterations", "1"], {
    cwd: w.cwd,
    env,
  });
  expect(again.err).toBe("");
  expect(again.out).toMatch(/session 1 completed/);
}, 120_000);
