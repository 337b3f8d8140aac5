import { afterEach } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import type { AgentDeps, SessionOutcome, SessionRequest } from "../../src/agent/run-session.ts";
import { type SessionSecurity, sessionSecurity } from "../../src/agent/session-security.ts";
import { Config } from "../../src/config/schema.ts";
import { runWorkSession } from "../../src/orchestrator/work-session.ts";
import type { Project } from "../../src/projects/model.ts";
import {
  batonScript,
  type Script,
  type ScriptedModel,
  startScriptedModel,
} from "../../src/scripted-model/index.ts";
import { createTestDatabase, type TestDatabase } from "./databases.ts";
import { testLog } from "./log.ts";
import { newProject } from "./projects.ts";

/**
 * For tests that each need their own scripted model and SQLite database: `setUp(script)` starts
 * both, and they are closed after every test of the calling file.
 */
export function useScriptedRun(): (script?: Script) => Promise<{ model: ScriptedModel; t: TestDatabase }> {
  const open: { model?: ScriptedModel; db?: TestDatabase } = {};
  afterEach(async () => {
    await open.model?.close();
    await open.db?.cleanup();
    open.model = undefined;
    open.db = undefined;
  });
  return async (script = batonScript) => {
    open.model = await startScriptedModel(script);
    open.db = await createTestDatabase("sqlite");
    return { model: open.model, t: open.db };
  };
}

/** The security a session of the default configuration runs under (policy, file rules, OS sandbox). */
export function defaultSecurity(batonHome: string): Promise<SessionSecurity> {
  return sessionSecurity(Config.parse({}), batonHome);
}

/** One coding session of a fresh one-line project against `model`, with optional extra deps. */
export async function codingSession(
  t: TestDatabase,
  model: ScriptedModel,
  extra: Partial<AgentDeps> = {},
  request: Partial<SessionRequest> = {},
): Promise<{ project: Project; outcome: SessionOutcome }> {
  const { project, world: w } = await newProject(t.stores);
  const outcome = await runWorkSession(
    {
      stores: t.stores,
      bus: t.stores.bus,
      env: { ...withoutCredentials(process.env), ...model.env() },
      workerId: "w",
      log: testLog(),
      home: w.home,
      browser: null,
      security: await defaultSecurity(w.home),
      ...extra,
    },
    { project, type: "coding", model: "sonnet", ...request },
  );
  return { project, outcome };
}
