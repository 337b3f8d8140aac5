import { join } from "node:path";
import { expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { resolveRunSettings } from "../../src/orchestrator/run-settings.ts";
import { createProject } from "../../src/projects/create-project.ts";
import { baton, batonEnv } from "../helpers/cli.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { useScriptedModel } from "../helpers/scripted-model.ts";
import { testServer } from "../helpers/server.ts";
import { makeWorld } from "../helpers/world.ts";
import { SPEC } from "./harness.ts";

const config = Config.parse({
  models: { initializer: "opus", coding: "sonnet" },
  project: { max_iterations: 7 },
  sandbox: { type: "os" },
});

it("takes each run setting from the run, else the project, else the configuration", () => {
  const bare = { settings: {} };
  expect(resolveRunSettings(bare, config)).toEqual({
    initializerModel: "opus",
    codingModel: "sonnet",
    maxIterations: 7,
    sandbox: "os",
    sources: {
      initializerModel: "config",
      codingModel: "config",
      maxIterations: "config",
      sandbox: "config",
    },
  });
  const own = { settings: { coding_model: "haiku", max_sessions: 2, sandbox: "none" } };
  expect(resolveRunSettings(own, config)).toMatchObject({
    initializerModel: "opus",
    codingModel: "haiku",
    maxIterations: 2,
    sandbox: "none",
    sources: { codingModel: "project", maxIterations: "project", sandbox: "project" },
  });
  // A run's own model and limit win; `model` stands for both kinds unless one is named.
  expect(resolveRunSettings(own, config, { model: "opus", maxIterations: null })).toMatchObject({
    initializerModel: "opus",
    codingModel: "opus",
    maxIterations: null,
    sources: { codingModel: "run", maxIterations: "run" },
  });
  expect(resolveRunSettings(own, config, { model: "opus", codingModel: "sonnet" })).toMatchObject({
    initializerModel: "opus",
    codingModel: "sonnet",
  });
});

const scripted = useScriptedModel();

describeEachDatabase("run settings", (db) => {
  it("starts the same run from the CLI and from the API given the same inputs", async () => {
    const t = db();
    const model = scripted();
    const server = await testServer(t, { model });
    const w = makeWorld();
    const spec = w.write("spec.md", SPEC);
    // Two equal projects: a coding model and a session limit of their own, and a plan.
    const [byCli, byApi] = await Promise.all(
      ["by-cli", "by-api"].map((name) =>
        createProject(t.stores, { name, directory: join(w.root, name), spec }).then((p) =>
          t.stores.projects.update(p.id, { settings: { coding_model: "haiku", max_sessions: 1 } }),
        ),
      ),
    );
    if (!byCli || !byApi) throw new Error("projects not created");
    for (const p of [byCli, byApi]) {
      expect((await server.deps.orchestrator.run(p.id, { initializeOnly: true })).end).toBe("initialized");
    }

    // The same input each way: the model of this run is opus, nothing said about the limit.
    const cli = await baton(["run", "--project-dir", byCli.directory, "--model", "opus"], {
      cwd: w.cwd,
      env: batonEnv(t, model, w.home),
    });
    expect(cli.code, cli.err).toBe(0);
    const api = await server.app.inject({
      method: "POST",
      url: `/api/projects/${byApi.id}/coding/start`,
      payload: { model: "opus" },
    });
    expect(api.statusCode, api.body).toBe(202);
    await server.deps.orchestrator.idle();

    const runOf = async (projectId: number) => {
      const events = await t.stores.sessions.listProjectEventsOfTypes(projectId, ["run_started"]);
      const sessions = (await t.stores.sessions.list(projectId)).filter((s) => s.type !== "review");
      return {
        started: events.map((e) => e.payload),
        sessions: sessions
          .map((s) => ({ number: s.number, type: s.type, model: s.model }))
          .sort((a, b) => a.number - b.number),
      };
    };
    const fromCli = await runOf(byCli.id);
    // The flag goes over the project's model; the project's limit goes over the configuration's.
    expect(fromCli).toEqual({
      started: [
        { kind: "initialize", max_iterations: null, sandbox: "os" },
        { kind: "coding", max_iterations: 1, sandbox: "os" },
      ],
      sessions: [
        { number: 0, type: "initializer", model: server.deps.config.models.initializer },
        { number: 1, type: "coding", model: "opus" },
      ],
    });
    expect(await runOf(byApi.id)).toEqual(fromCli);
  });
});
