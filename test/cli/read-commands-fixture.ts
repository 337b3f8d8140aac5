import { join } from "node:path";
import { afterEach } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { openDatabase } from "../../src/db/database.ts";
import { createStores, type Stores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import type { BatonEvent, EventPayload, EventType } from "../../src/events/catalog.ts";
import { projectLogDir, SessionLog, sessionLogStem } from "../../src/logs/session-log.ts";
import type { Project } from "../../src/projects/model.ts";
import type { Session } from "../../src/sessions/model.ts";
import { makeWorld, type World } from "../helpers/world.ts";

/**
 * A world whose Baton home holds the database the CLI opens (`sqlite:<home>/baton.db`), with the
 * stores open on that same file, so a test writes data the way Baton does and reads it back
 * through the commands.
 */
export interface ReadWorld extends World {
  stores: Stores;
  io: Pick<CliIo, "cwd" | "env">;
  /** Where a project named `name` lives: `<cwd>/generations/<name>`, as a bare name resolves. */
  dirOf(name: string): string;
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

export async function readWorld(): Promise<ReadWorld> {
  const w = makeWorld();
  const target = resolveDatabaseTarget(`sqlite:${join(w.home, "baton.db")}`, { home: w.home, cwd: w.cwd });
  const database = await openDatabase(target);
  open.push(database);
  return {
    ...w,
    stores: createStores(database.db),
    io: { cwd: w.cwd, env: w.env },
    dirOf: (name) => join(w.cwd, "generations", name),
  };
}

/** Runs `baton ...args` in-process like the `baton()` helper, with the rest of CliIo and a live view of stdout. */
export async function runBaton(
  args: string[],
  io: Pick<CliIo, "cwd" | "env"> & { isTTY?: boolean; onOut?: (all: string) => void },
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["node", "baton", ...args], {
    cwd: io.cwd,
    env: io.env,
    isTTY: io.isTTY,
    out: (text) => {
      out += text;
      io.onOut?.(out);
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A session's real log files, written by SessionLog as a session writes them. */
export class TestLog {
  private seq = 0;
  readonly log: SessionLog;

  constructor(
    home: string,
    private readonly project: Project,
    private readonly session: Session,
    private readonly startedAt = Date.now(),
  ) {
    const stem = sessionLogStem(session.number, new Date(startedAt));
    this.log = new SessionLog(
      projectLogDir(home, project.id),
      stem,
      startedAt,
      `Session ${session.number} of ${project.name}`,
    );
  }

  get logPath(): string {
    return this.log.stem;
  }

  write<T extends EventType>(type: T, payload: EventPayload<T>): void {
    this.seq += 1;
    const event: BatonEvent<T> = {
      id: this.seq,
      project_id: this.project.id,
      session_id: this.session.id,
      seq: this.seq,
      ts: new Date().toISOString(),
      type,
      payload,
    };
    this.log.write(event as BatonEvent);
  }

  say(text: string): void {
    this.write("assistant_text", { text });
  }

  close(status = "completed"): void {
    this.log.close({ status, reason: null, duration_ms: Date.now() - this.startedAt, metrics: {} });
  }
}

/** Creates a session that has started and writes its log files; returns both. */
export async function startSessionWithLog(
  w: Pick<ReadWorld, "stores" | "home">,
  project: Project,
  type: Session["type"] = "coding",
  model = "sonnet",
): Promise<{ session: Session; log: TestLog }> {
  const { stores } = w;
  const created = await stores.sessions.create(project.id, { type, model });
  const session = await stores.sessions.start(created.id, { workerId: "test-worker" });
  const log = new TestLog(w.home, project, session);
  await stores.sessions.setLogPath(session.id, log.logPath);
  log.write("session_start", {
    session_number: session.number,
    session_type: type,
    model,
    credentials: "api-key",
    prompt_version: 1,
    cwd: project.directory,
  });
  return { session, log };
}

/**
 * The "shop" project: session 0 (initializer, $1.20, finished), a plan of 2 epics and 3 tasks
 * (one done with 2 passing tests, one in progress with a failing test, one without tests),
 * session 1 (coding, $0.30, ended in an error) and session 2 (coding, running). Cost $1.50 over
 * 3 sessions; stop-after-current and paused-until are set.
 */
export async function seedShop(w: ReadWorld) {
  const { stores } = w;
  let project = await stores.projects.create({ name: "shop", directory: w.dirOf("shop"), budget_usd: 20 });
  const s0 = await startSessionWithLog(w, project, "initializer", "opus");
  s0.log.say("Planning the shop.");
  const catalog = await stores.plan.createEpic(project.id, {
    name: "Catalog",
    description: "Browse products",
  });
  const checkout = await stores.plan.createEpic(project.id, { name: "Checkout" });
  const [list, search] = await stores.plan.expandEpic(project.id, catalog.id, [
    {
      description: "List products",
      action: "Render the product grid from the API.",
      tests: [
        { description: "shows 10 products", steps: ["open /", "count the cards"] },
        { category: "style", description: "the grid has 3 columns" },
      ],
    },
    {
      description: "Search products",
      action: "Add a search box that filters by name.",
      tests: [{ description: "finds a product by name", steps: ["type 'mug'", "see the mug"] }],
    },
  ]);
  const [pay] = await stores.plan.expandEpic(project.id, checkout.id, [{ description: "Pay by card" }]);
  if (!list || !search || !pay) throw new Error("the plan was not created");
  await stores.sessions.addUsage(s0.session.id, {
    cost_usd: 1.2,
    input_tokens: 12_000,
    output_tokens: 3_400,
  });
  s0.log.close();
  await stores.sessions.finish(s0.session.id, { status: "completed" });

  const s1 = await startSessionWithLog(w, project);
  s1.log.say("Listing products.");
  for (const t of list.tests) await stores.plan.recordTestResult(project.id, t.id, { passes: true });
  await stores.plan.setTaskStatus(project.id, list.id, "done");
  await stores.plan.startTask(project.id, search.id);
  await stores.plan.recordTestResult(project.id, search.tests[0]?.id ?? 0, { passes: false });
  await stores.sessions.addUsage(s1.session.id, {
    cost_usd: 0.3,
    tasks_completed: 1,
    tests_passed: 2,
    input_tokens: 5_000,
    output_tokens: 700,
  });
  s1.log.close("error");
  await stores.sessions.finish(s1.session.id, {
    status: "error",
    error: "cannot reach the model service",
  });

  const s2 = await startSessionWithLog(w, project);
  s2.log.say("Working on the search box.");
  project = await stores.projects.update(project.id, {
    stop_after_current: true,
    paused_until: "2030-01-01T00:00:00.000Z",
  });
  return {
    project,
    epics: { catalog, checkout },
    tasks: { list, search, pay },
    sessions: { s0: s0.session, s1: s1.session, s2: s2.session },
    logs: { s0: s0.log, s1: s1.log, s2: s2.log },
  };
}
