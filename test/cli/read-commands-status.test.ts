import { describe, expect, it } from "vitest";
import { baton } from "../helpers/cli.ts";
import { readWorld, runBaton, seedShop } from "./read-commands-fixture.ts";

describe("baton status", () => {
  it("shows progress, counts, cost, the running session, the next task, stop-after-current and the pause", async () => {
    const w = await readWorld();
    await seedShop(w);
    const r = await baton(["status", "shop"], w.io);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toContain(`shop · created · ${w.dirOf("shop")}`);
    expect(r.out).toMatch(/Tasks\s+█+░+ 33\.3%\s+1\/3 done · 1 in progress · 0 blocked/);
    expect(r.out).toMatch(/Tests\s+█+░+ 66\.7%\s+2\/3 passing · 1 failing/);
    expect(r.out).toContain("Epics     0/2 done");
    expect(r.out).toContain("$1.50 of a $20.00 budget · $0.50 a session on average (3 sessions)");
    expect(r.out).toMatch(
      /Session\s+2 \(coding, sonnet\) running since \d{4}-\d\d-\d\d [\d:]+ UTC \(.+\) on test-worker, heartbeat .+ ago/,
    );
    expect(r.out).toMatch(/Next\s+#2 Search products \(in progress\)/);
    expect(r.out).toContain("after the current session (stop-after-current is set)");
    expect(r.out).toContain("Paused    until 2030-01-01 00:00:00 UTC");
  });

  it("prints the same numbers as JSON with stable keys", async () => {
    const w = await readWorld();
    const { sessions, tasks } = await seedShop(w);
    const r = await baton(["status", "shop", "--json"], w.io);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(["project", "summary"]);
    expect(json.project).toMatchObject({
      name: "shop",
      status: "created",
      budget_usd: 20,
      stop_after_current: true,
      paused_until: "2030-01-01T00:00:00.000Z",
    });
    expect(json.summary).toMatchObject({
      epics: { done: 0, total: 2 },
      tasks: { done: 1, total: 3, percent: 33.3, in_progress: 1, blocked: 0 },
      tests: { passing: 2, total: 3, percent: 66.7, failing: 1, unknown: 0 },
      finished: false,
      cost: { total_usd: 1.5, sessions: 3, per_session_usd: 0.5 },
      running: { number: sessions.s2.number, type: "coding", model: "sonnet" },
      next_task: { id: tasks.search.id, description: "Search products", status: "in_progress" },
    });
    expect(json.summary.running.heartbeat_age_s).toBeGreaterThanOrEqual(0);
    expect(json.summary.running.worker_id).toBe("test-worker");
  });

  it("says idle and that there is no plan for a new project, found from the working directory", async () => {
    const w = await readWorld();
    const dir = w.dirOf("blank");
    await w.stores.projects.create({ name: "blank", directory: dir });
    const r = await baton(["status"], { ...w.io, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Plan\s+no plan yet/);
    expect(r.out).toMatch(/Session\s+idle/);
    expect(r.out).toContain("$0.00 · $0.00 a session on average (0 sessions)");
    expect(r.out).not.toContain("Stopping");
    expect(r.out).not.toContain("Paused");
  });

  it("finds the project from a directory path, a bare name under generations_dir, or its id", async () => {
    const w = await readWorld();
    const { project } = await seedShop(w);
    for (const arg of [w.dirOf("shop"), "./generations/shop", "shop", String(project.id)]) {
      const r = await baton(["status", arg, "--json"], w.io);
      expect(r.code, arg).toBe(0);
      expect(JSON.parse(r.out).project.id).toBe(project.id);
    }
  });

  it("exits 1 with a hint when the project is unknown", async () => {
    const w = await readWorld();
    const r = await baton(["status", "nope"], w.io);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^baton: no project named nope, and none in .*; `baton projects` lists them\n$/);
    const here = await baton(["status"], w.io);
    expect(here.code).toBe(1);
    expect(here.err).toContain(`no Baton project in ${w.cwd}; give a project name or directory`);
  });

  it("--epics lists each epic with its tasks and tests", async () => {
    const w = await readWorld();
    await seedShop(w);
    const r = await baton(["status", "shop", "--epics"], w.io);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ID\s+STATUS\s+TASKS\s+TESTS\s+PROGRESS \(tests\)\s+EPIC/);
    expect(r.out).toMatch(/1\s+in_progress\s+1\/2\s+2\/3\s+█+░+ 66\.7%\s+Catalog/);
    expect(r.out).toMatch(/2\s+pending\s+0\/1\s+0\/0\s+░+ 0%\s+Checkout/);
    const json = JSON.parse((await baton(["status", "shop", "--epics", "--json"], w.io)).out);
    expect(json.summary).toBeUndefined();
    expect(json.epics).toEqual([
      expect.objectContaining({ name: "Catalog", tasks: { done: 1, total: 2, percent: 50 } }),
      expect.objectContaining({ name: "Checkout", tests: { passing: 0, total: 0, percent: 0 } }),
    ]);
  });

  it("--epic N lists that epic's tasks with their test counts, and refuses an unknown or malformed epic", async () => {
    const w = await readWorld();
    const { epics, tasks } = await seedShop(w);
    const r = await baton(["status", "shop", "--epic", String(epics.catalog.id)], w.io);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Epic 1: Catalog · in_progress · tasks 1/2 · tests 2/3 passing");
    expect(r.out).toContain("Browse products");
    expect(r.out).toMatch(new RegExp(`${tasks.list.id}\\s+1\\s+done\\s+2/2\\s+List products`));
    expect(r.out).toMatch(new RegExp(`${tasks.search.id}\\s+1\\s+in_progress\\s+0/1\\s+Search products`));
    expect(r.out).not.toContain("Pay by card");

    const unknown = await baton(["status", "shop", "--epic", "99"], w.io);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe("baton: project shop has no epic 99; `baton status shop --epics` lists them\n");
    const bad = await baton(["status", "shop", "--epic", "one"], w.io);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('baton: --epic: expected a whole number ≥ 1, got "one"\n');
  });

  it("--pending lists only the open tasks", async () => {
    const w = await readWorld();
    await seedShop(w);
    const r = await baton(["status", "shop", "--pending"], w.io);
    expect(r.code).toBe(0);
    expect(r.out).toContain("2 open tasks:");
    expect(r.out).toMatch(/in_progress\s+0\/1\s+Search products/);
    expect(r.out).toMatch(/pending\s+0\/0\s+Pay by card/);
    expect(r.out).not.toContain("List products");
  });

  it("--recent lists the last sessions with duration, tokens, cost and the error", async () => {
    const w = await readWorld();
    await seedShop(w);
    const r = await baton(["status", "shop", "--recent"], w.io);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const header = lines.findIndex((l) => l.startsWith("#"));
    expect(lines[header]).toMatch(
      /#\s+TYPE\s+STATUS\s+MODEL\s+DURATION\s+TASKS\s+TESTS\s+TOKENS IN\/OUT\s+COST\s+REASON/,
    );
    expect(lines[header + 1]).toMatch(/^2\s+coding\s+running\s+sonnet\s+\S+\s+0\s+0\s+0\/0\s+\$0\.00$/);
    expect(lines[header + 2]).toMatch(
      /^1\s+coding\s+error\s+sonnet\s+\S+\s+1\s+2\s+5,000\/700\s+\$0\.30\s+cannot reach the model service$/,
    );
    expect(lines[header + 3]).toMatch(
      /^0\s+initializer\s+completed\s+opus\s+\S+\s+0\s+0\s+12,000\/3,400\s+\$1\.20$/,
    );
    const json = JSON.parse((await baton(["status", "shop", "--recent", "--json"], w.io)).out);
    expect(json.recent[1]).toMatchObject({
      number: 1,
      status: "error",
      tasks_completed: 1,
      tests_passed: 2,
      input_tokens: 5000,
      output_tokens: 700,
      cost_usd: 0.3,
      reason: "cannot reach the model service",
    });
    expect(json.recent[1].duration_ms).toBeGreaterThanOrEqual(0);
  });

  it("--next shows the next task with its action, tests and steps, or why there is none", async () => {
    const w = await readWorld();
    const { tasks } = await seedShop(w);
    const r = await baton(["status", "shop", "--next"], w.io);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Next task #${tasks.search.id} (epic 1) · in_progress · priority 100`);
    expect(r.out).toContain("Add a search box that filters by name.");
    expect(r.out).toContain("Tests (0/1 passing):");
    expect(r.out).toContain("failing · functional: finds a product by name");
    expect(r.out).toContain("1. type 'mug'");
    expect(r.out).toContain("2. see the mug");

    await w.stores.projects.create({ name: "blank", directory: w.dirOf("blank") });
    const none = await baton(["status", "blank", "--next", "--json"], w.io);
    expect(JSON.parse(none.out).next).toEqual({ task: null, tests: [], reason: "the plan has no tasks yet" });
    expect((await baton(["status", "blank", "--next"], w.io)).out).toContain(
      "No next task: the plan has no tasks yet.",
    );
  });

  it("shows several sections at once, in a fixed order", async () => {
    const w = await readWorld();
    await seedShop(w);
    const r = await baton(["status", "shop", "--next", "--epics"], w.io);
    expect(r.out.indexOf("Catalog")).toBeLessThan(r.out.indexOf("Next task"));
    expect(
      Object.keys(JSON.parse((await baton(["status", "shop", "--next", "--epics", "--json"], w.io)).out)),
    ).toEqual(["project", "epics", "next"]);
  });
});

describe("baton status --watch", () => {
  it("redraws every interval, a new block each time when not on a terminal, and stops after --count", async () => {
    const w = await readWorld();
    const { project } = await seedShop(w);
    const seen: string[] = [];
    const r = await runBaton(["status", "shop", "--watch", "--interval", "0.05", "--count", "3"], {
      ...w.io,
      onOut: (all) => {
        // Between the first and the second redraw, the plan changes: the redraw shows it.
        if (seen.length === 0 && all.includes("Every")) {
          seen.push("first");
          void w.stores.projects.update(project.id, { stop_after_current: false });
        }
      },
    });
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out.match(/^Every 0\.05s · .* UTC · Ctrl\+C to stop$/gm)).toHaveLength(3);
    expect(r.out).not.toContain("\x1b[");
    expect(r.out.match(/stop-after-current is set/g)).toHaveLength(1);
  });

  it("clears the screen before each redraw on a terminal", async () => {
    const w = await readWorld();
    await seedShop(w);
    const r = await runBaton(["status", "shop", "--watch", "--interval", "0.01", "--count", "2"], {
      ...w.io,
      isTTY: true,
    });
    expect(r.code).toBe(0);
    expect(r.out.split("\x1b[H\x1b[2J")).toHaveLength(3);
  });

  it("prints one JSON object a line with --json", async () => {
    const w = await readWorld();
    await seedShop(w);
    const r = await baton(
      ["status", "shop", "--watch", "--json", "--interval", "0.01", "--count", "2"],
      w.io,
    );
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line).summary.tasks.total).toBe(3);
  });

  it("exits 2 naming the flag and the value for a bad --interval, and for --interval or --count without --watch", async () => {
    const w = await readWorld();
    await seedShop(w);
    for (const value of ["0", "-1", "soon", ""]) {
      const r = await baton(["status", "shop", "--watch", "--interval", value], w.io);
      expect(r.code, value).toBe(2);
      expect(r.err).toBe(`baton: --interval: expected a number of seconds > 0, got "${value}"\n`);
    }
    const count = await baton(["status", "shop", "--watch", "--count", "0"], w.io);
    expect(count).toMatchObject({ code: 2, err: 'baton: --count: expected a whole number ≥ 1, got "0"\n' });
    const stray = await baton(["status", "shop", "--interval", "5"], w.io);
    expect(stray).toMatchObject({ code: 2, err: "baton: --interval only applies with --watch\n" });
  });
});
