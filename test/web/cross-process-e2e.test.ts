/**
 * A run started in a terminal, followed live by the web UI of a server in another process: the
 * events the `baton run` process writes reach the server through the event feed (a tail of the
 * event log on SQLite, LISTEN/NOTIFY on PostgreSQL), and the open pages follow them without a
 * reload. Real Chromium, a real `baton run` child process, the real SDK against the scripted model.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  assistantTurns,
  batonScript,
  firstUserText,
  type ScriptedModel,
  startScriptedModel,
} from "../../src/scripted-model/index.ts";
import { batonEnv } from "../helpers/cli.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { testServer } from "../helpers/server.ts";
import { makeWorld } from "../helpers/world.ts";
import { launchBrowser, listen, screenshot } from "./browser.ts";

const SPEC = "# Notes\n\n## Notes\n- Add note\n- List notes\n";
const BATON = join(import.meta.dirname, "../../bin/baton.js");
const RUN_TIMEOUT_MS = 180_000;

let browser: Browser;
let model: ScriptedModel;
const children: ChildProcess[] = [];
/** While set, a coding session's first model call waits here (the session stays running). */
let codingGate: Promise<void> | null = null;

beforeAll(async () => {
  browser = await launchBrowser();
  // Each reply waits a little, so the run lasts long enough for a page to see it running.
  model = await startScriptedModel(async (request, context) => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const coding = !/Session 0 — plan/.test(firstUserText(request));
    if (codingGate && coding && assistantTurns(request) === 0) await codingGate;
    return batonScript(request, context);
  });
}, 180_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }
  await browser?.close();
  await model?.close();
});

/** `baton run` in its own process (and process group), as a person starts it in a terminal. */
function batonRun(
  t: TestDatabase,
  args: string[],
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const w = makeWorld();
  w.write("project/notes.md", SPEC);
  let output = "";
  const child = spawn(process.execPath, [BATON, "run", ...args], {
    cwd: w.cwd,
    env: { ...batonEnv(t, model, w.home), BATON_PROJECT_GENERATIONS_DIR: join(w.root, "generations") },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  child.stdout?.on("data", (chunk: Buffer) => {
    output += String(chunk);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describeEachDatabase("a run in another process", (db) => {
  it(
    "shows a baton run started in a terminal without a reload: the project appears, runs, and finishes",
    async () => {
      const t = db();
      const base = await listen(await testServer(t));
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.goto(`${base}/`);
      await page.getByRole("heading", { name: "No projects yet" }).waitFor();
      // A reload (or a full navigation) would clear this.
      await page.evaluate("window.__sameDocument = true");

      const run = batonRun(t, ["--project-dir", "notes", "--spec", "notes.md", "--auto"]);

      // The home list gains the project, then shows it working.
      const link = page.getByRole("link", { name: "notes", exact: true });
      await link.waitFor({ timeout: 60_000 });
      const card = page.getByRole("listitem").filter({ has: link });
      await expect.poll(() => card.textContent(), { timeout: 60_000 }).toMatch(/initializing|running/);
      await screenshot(page, "cross-process-01-home");

      // Its page (a client-side navigation) follows the run: live events, status, buttons.
      await link.click();
      await page.waitForURL(/\/project\?id=\d+/);
      const header = page
        .locator("div", { has: page.getByRole("heading", { name: "notes", exact: true }) })
        .first();
      // While its session runs, the page says so and offers no start (the old page stayed "ready").
      await expect
        .poll(
          async () =>
            /live/.test((await header.textContent()) ?? "") &&
            (await page.getByRole("button", { name: /^(Initialize|Start coding)$/ }).count()) === 0,
          { timeout: 60_000, interval: 100 },
        )
        .toBe(true);
      await page.getByRole("tab", { name: "live" }).click();
      await page.locator('[data-event="session_started"]').first().waitFor({ timeout: 60_000 });
      await expect
        .poll(() => header.textContent(), { timeout: RUN_TIMEOUT_MS, interval: 250 })
        .toMatch(/complete/);
      expect(await run.exited, run.output()).toBe(0);
      // Finished: nothing offers to start the run again.
      await expect.poll(() => page.getByRole("button", { name: "Start coding" }).count()).toBe(0);
      const started = await page.locator('[data-event="session_started"]').count();
      expect(started).toBeGreaterThanOrEqual(2);
      await screenshot(page, "cross-process-02-project");

      // Back to the list (client-side): the card says complete.
      await page.getByRole("link", { name: "Projects" }).first().click();
      await expect
        .poll(() => page.getByRole("listitem").filter({ has: link }).textContent(), { timeout: 30_000 })
        .toMatch(/complete/);
      expect(await page.evaluate("window.__sameDocument === true")).toBe(true);
      expect(pageErrors).toEqual([]);
      await page.close();
    },
    RUN_TIMEOUT_MS + 60_000,
  );

  it(
    "stops a terminal's run from the page: Stop now reaches the other process, its session ends interrupted",
    async () => {
      const t = db();
      let release = () => {};
      codingGate = new Promise<void>((resolve) => {
        release = resolve;
      });
      try {
        const server = await testServer(t);
        const base = await listen(server);
        const run = batonRun(t, ["--project-dir", "stopper", "--spec", "notes.md", "--auto"]);
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        await page.goto(`${base}/`);
        const link = page.getByRole("link", { name: "stopper", exact: true });
        await link.waitFor({ timeout: 60_000 });
        await link.click();
        await page.waitForURL(/\/project\?id=\d+/);
        // The first coding session waits on the model: its Stop button is on the page.
        const stopNow = page.getByRole("button", { name: "Stop now" });
        await expect
          .poll(
            async () => {
              const running = await t.stores.sessions.running((await t.stores.projects.find("stopper")).id);
              return running?.type === "coding" && (await stopNow.count()) === 1;
            },
            { timeout: 90_000, interval: 100 },
          )
          .toBe(true);
        await stopNow.click();

        // The run in the other process ends: stopped, its session interrupted by the person's stop.
        expect(await run.exited, run.output()).toBe(0);
        expect(run.output()).toMatch(/stopped: stopped by a person/);
        const project = await t.stores.projects.find("stopper");
        const sessions = await t.stores.sessions.list(project.id, { type: "coding" });
        expect(sessions.map((s) => [s.status, s.interruption_reason])).toEqual([
          ["interrupted", "stopped by a person"],
        ]);
        // The page follows without a reload: not running, and it offers to start coding again.
        await page.getByRole("button", { name: "Start coding" }).waitFor({ timeout: 30_000 });
        await screenshot(page, "cross-process-03-stopped");
        await page.close();
      } finally {
        release();
        codingGate = null;
      }
    },
    RUN_TIMEOUT_MS,
  );
});
