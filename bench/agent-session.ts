/** What bench:agent's parts share: a project in a temp workspace, and its sessions run as `baton run` runs them or through a bare SDK `query()`. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { query, type SDKMessage } from "@anthropic-ai/claude-agent-sdk";
import { findChromium } from "../src/agent/browser.ts";
import { withoutCredentials } from "../src/agent/credentials.ts";
import { sessionOptions } from "../src/agent/options.ts";
import { sessionSecurity } from "../src/agent/session-security.ts";
import { Config } from "../src/config/schema.ts";
import { openDatabase } from "../src/db/database.ts";
import { createStores, type Stores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import { runWorkSession } from "../src/orchestrator/work-session.ts";
import { createProject } from "../src/projects/create-project.ts";
import type { Project } from "../src/projects/model.ts";
import type { ScriptedModel } from "../src/scripted-model/index.ts";
import { osSandboxSettings } from "../src/security/sandbox.ts";
import { testLog } from "../test/helpers/log.ts";

export const chromium = findChromium();
export const env = () => withoutCredentials(process.env);

export type Workspace = { dir: string; stores: Stores; project: Project; close: () => Promise<void> };

/** A project in a fresh temp folder with its own SQLite database; `close` deletes the folder. */
export async function workspace(name: string): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), `baton-bench-${name}-`));
  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(dir, "baton.db")}`, { home: dir, cwd: dir }),
  );
  const stores = createStores(database.db);
  writeFileSync(join(dir, "spec.md"), "# Bench\n");
  const project = await createProject(stores, {
    name,
    directory: join(dir, "app"),
    spec: join(dir, "spec.md"),
  });
  writeFileSync(join(project.directory, "note.txt"), "a small file\n");
  return {
    dir,
    stores,
    project,
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sessions carry the security of `baton run` (policy, file hooks, OS sandbox). */
const BENCH_HOME = mkdtempSync(join(tmpdir(), "baton-bench-home-"));
const security = await sessionSecurity(Config.parse({}), BENCH_HOME);

/** What a session of the workspace runs with, as `baton run` gives it. */
export function agentDeps(w: Workspace, model: ScriptedModel) {
  return {
    stores: w.stores,
    bus: w.stores.bus,
    env: { ...env(), ...model.env() },
    workerId: "bench",
    log: testLog(),
    home: w.dir,
    browser: chromium === null ? null : { executablePath: chromium },
    security,
  };
}

/** One coding session of the workspace's project against the scripted model, as `baton run` runs it. */
export function codingSession(w: Workspace, model: ScriptedModel) {
  return runWorkSession(agentDeps(w, model), { project: w.project, type: "coding", model: "sonnet" });
}

/** The tool calls the model made in a query's messages. */
export async function toolCalls(messages: AsyncIterable<SDKMessage>): Promise<number> {
  let calls = 0;
  for await (const message of messages) {
    if (message.type === "assistant") {
      for (const block of message.message.content) if (block.type === "tool_use") calls++;
    }
  }
  return calls;
}

/** The same model loop through a bare SDK `query()`: the Claude Code preset, the built-in tools, the same OS sandbox. */
export async function bareQuery(w: Workspace, model: ScriptedModel, prompt: string, systemPrompt: string) {
  const options = sessionOptions({
    cwd: w.project.directory,
    model: "sonnet",
    systemPrompt,
    env: { ...env(), ...model.env() },
    mcpServers: {},
    abortController: new AbortController(),
    sandbox: osSandboxSettings({
      projectDir: w.project.directory,
      home: homedir(),
      batonHome: BENCH_HOME,
      allowedDomains: Config.parse({}).sandbox.allowed_domains,
    }),
  });
  return toolCalls(query({ prompt, options }));
}

/** Deletes the data directory the sessions' security was built in. */
export function removeBenchHome(): void {
  rmSync(BENCH_HOME, { recursive: true, force: true });
}
