import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { withoutCredentials } from "../agent/credentials.ts";
import { sessionSecurity } from "../agent/session-security.ts";
import { Config } from "../config/schema.ts";
import { openDatabase } from "../db/database.ts";
import { createStores } from "../db/stores/index.ts";
import { resolveDatabaseTarget } from "../db/url.ts";
import type { BatonEvent } from "../events/catalog.ts";
import { fileLogger, processLogPath } from "../logs/process-log.ts";
import { projectLogDir } from "../logs/session-log.ts";
import { runWorkSession } from "../orchestrator/work-session.ts";
import { createProject } from "../projects/create-project.ts";
import { runQuickCheck } from "../review/quick-check.ts";
import { batonScript, startScriptedModel } from "../scripted-model/index.ts";
import { osSandboxAvailability } from "../security/sandbox.ts";
import { formatDuration } from "../util/duration.ts";

export const DEMO_SPEC = join(import.meta.dirname, "spec.md");

export interface DemoOptions {
  /** Where the demo keeps its database and the app it builds; a new temp dir by default. */
  dir?: string;
  maxSessions: number;
  browser: { executablePath: string } | null;
  env: Record<string, string | undefined>;
  out: (line: string) => void;
}

export interface DemoResult {
  dir: string;
  projectDir: string;
  sessions: number;
  complete: boolean;
}

/**
 * Builds the demo app end to end with the scripted model: the real Claude Agent SDK and Claude
 * Code binary run every session, but the replies come from Baton's planner and coder scripts,
 * so no credentials are needed and nothing leaves the machine. It uses its own database.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const dir = options.dir ? resolve(options.dir) : mkdtempSync(join(tmpdir(), "baton-demo-"));
  mkdirSync(dir, { recursive: true });
  const model = await startScriptedModel(batonScript);
  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(dir, "baton.db")}`, { home: dir, cwd: dir }),
  );
  const started = Date.now();
  try {
    const stores = createStores(database.db);
    const bus = stores.bus;
    bus.subscribe((event) => {
      const line = describe(event);
      if (line) options.out(line);
    });
    const project = await createProject(stores, {
      name: "greeter",
      directory: join(dir, "greeter"),
      spec: DEMO_SPEC,
    });
    const deps = {
      stores,
      bus,
      env: { ...withoutCredentials(options.env), ...model.env() },
      workerId: "demo",
      log: fileLogger(processLogPath(dir, "demo")),
      home: dir,
      browser: options.browser,
      // As `baton run` would, except that the demo still runs where the OS sandbox is missing.
      security: await sessionSecurity(
        Config.parse({ sandbox: { type: osSandboxAvailability().available ? "os" : "none" } }),
        dir,
      ),
    };
    options.out(`Building "greeter" from ${DEMO_SPEC} in ${project.directory}\n`);
    let sessions = 0;
    const init = await runWorkSession(deps, { project, type: "initializer", model: "opus" });
    sessions++;
    if (init.status !== "completed") throw new Error(`the demo's planning session failed: ${init.error}`);
    while (sessions < options.maxSessions && (await stores.plan.nextTask(project.id)) !== null) {
      const coding = await runWorkSession(deps, { project, type: "coding", model: "sonnet" });
      sessions++;
      if (coding.status !== "completed") throw new Error(`the demo's coding session failed: ${coding.error}`);
      await runQuickCheck({ stores, bus }, coding.session);
    }
    const progress = await stores.plan.progress(project.id);
    const complete = progress.finished;
    if (complete) await stores.projects.markComplete(project.id);
    options.out(
      `\n${complete ? "Done" : "Stopped"}: ${sessions} sessions in ${formatDuration(Date.now() - started)}; ` +
        `${progress.tasks_done}/${progress.tasks_total} tasks, ${progress.tests_passing}/${progress.tests_total} tests passing.\n` +
        `The app:   ${project.directory}   (try: node src/say-hello.js)\n` +
        `The logs:  ${projectLogDir(dir, project.id)}\n`,
    );
    return { dir, projectDir: project.directory, sessions, complete };
  } finally {
    await database.close();
    await model.close();
  }
}

/** One line per event worth watching. */
function describe(event: BatonEvent): string | null {
  const p = event.payload as Record<string, unknown>;
  switch (event.type) {
    case "session_start":
      return `\n▶ session ${String(p.session_number)} (${String(p.session_type)})`;
    case "tool_use":
      return `  · ${String(p.name).replace(/^mcp__tasks__/, "tasks.")} ${JSON.stringify(p.input).slice(0, 90)}`;
    case "tool_result":
      return p.is_error ? `  ✗ ${String(p.content).split("\n")[0]}` : null;
    case "session_end":
      return `■ ${String(p.status)} in ${formatDuration(Number(p.duration_ms))}`;
    case "review_complete":
      return `★ ${p.kind === "deep" ? "deep review" : "quick check"} of session ${String(p.session_number)}: ${String(p.rating)}/10`;
    default:
      return null;
  }
}
