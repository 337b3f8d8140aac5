/**
 * The web UI end to end, in a real browser: Debian's Chromium driven by playwright-core against a
 * real server (the API and the UI's static build on one port) whose sessions talk to the
 * scripted model. Screenshots of each page go to test/web/.out/; axe-core checks each page.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { batonScript, type ScriptedModel, startScriptedModel } from "../../src/scripted-model/index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { testServer } from "../helpers/server.ts";
import { expectAccessible, launchBrowser, listen, screenshot } from "./browser.ts";

/** One epic of two tasks: a planner and a coding run finish in a few seconds. */
const SPEC = "# Notes\n\n## Notes\n- Add note\n- List notes\n";

let browser: Browser;
let db: TestDatabase;
let model: ScriptedModel;
/** While set, each model reply waits a little, so a coding session runs long enough to be stopped after. */
let slow = false;

beforeAll(async () => {
  browser = await launchBrowser();
  db = await createTestDatabase("sqlite");
  model = await startScriptedModel(async (request, context) => {
    if (slow) await new Promise((resolve) => setTimeout(resolve, 400));
    return batonScript(request, context);
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await model?.close();
  await db?.cleanup();
});

async function serve(options: { password?: string } = {}): Promise<string> {
  // A deep review after every coding session (in the background), so the Quality tab has some.
  return listen(await testServer(db, { model, config: { review: { deep_every: 1 } }, ...options }));
}

const shot = screenshot;

it("creates a project from an uploaded spec, plans it, codes it live and shows a session's logs", async () => {
  const base = await serve();
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));

  // Projects: the empty state tells a newcomer what to do.
  await page.goto(`${base}/`);
  await page.getByRole("heading", { name: "No projects yet" }).waitFor();
  await shot(page, "01-projects-empty");
  await expectAccessible(page, "projects (empty)");

  // Create: the name fills in from the spec file; a bad name is flagged live.
  await page.getByRole("link", { name: "Create your first project" }).click();
  await page.getByRole("heading", { name: "New project" }).waitFor();
  await page
    .getByLabel("Spec files")
    .setInputFiles({ name: "Notes App.md", mimeType: "text/markdown", buffer: Buffer.from(SPEC) });
  await expect.poll(() => page.getByLabel("Project name").inputValue()).toBe("notes-app");
  await page.getByLabel("Project name").fill("Bad Name");
  await page.getByText("Use only a–z, 0–9, - and _.").waitFor();
  await page.getByLabel("Project name").fill("notes");
  await shot(page, "02-new-project");
  await expectAccessible(page, "new project");
  await page.getByRole("button", { name: "Create project" }).click();

  // Project: no plan yet; initialize, then the plan shows.
  await page.waitForURL(/\/project\?id=\d+/);
  const projectUrl = page.url();
  await page.getByRole("heading", { name: "notes", exact: true }).waitFor();
  // Banners: which credentials sessions use; required variables of .env.example still unset.
  await page.getByText("Sessions use API key (ANTHROPIC_API_KEY): billed per token").waitFor();
  await shot(page, "03-project-new");
  await expectAccessible(page, "project (no plan)");
  await page.getByRole("button", { name: "Initialize" }).click();
  await page.getByRole("button", { name: "Start coding" }).waitFor({ timeout: 60_000 });
  // The plan's .env.example (the initializer wrote it) gains a required variable.
  const projectId = Number(new URL(projectUrl).searchParams.get("id"));
  const { directory } = (await (await fetch(`${base}/api/projects/${projectId}`)).json()) as {
    directory: string;
  };
  writeFileSync(join(directory, ".env.example"), "# required: the payment provider's key\nSTRIPE_KEY=\n");
  await page.reload();
  await page.getByRole("button", { name: "Start coding" }).waitFor();
  await page.getByText("Environment variables still needed: STRIPE_KEY.").waitFor();
  await page.getByRole("tab", { name: "plan" }).click();
  await page.getByRole("heading", { name: "Notes", exact: true }).waitFor();
  await expectAccessible(page, "project plan");
  // A task opens in a drawer: its action, tests and steps.
  await page
    .getByRole("tabpanel")
    .getByRole("button", { name: /Add note/ })
    .click();
  const drawer = page.getByRole("dialog", { name: /Add note/ });
  await drawer.getByTestId("task-drawer").getByText("functional").first().waitFor();
  await drawer.getByRole("heading", { name: "Action" }).waitFor();
  await shot(page, "04-project-plan-task");
  await expectAccessible(page, "task drawer");
  await drawer.getByRole("button", { name: "Close" }).click();
  await drawer.waitFor({ state: "hidden" });
  // Filters: nothing fails yet; every task is pending.
  await page.getByText("failing (0)").click();
  await page.getByText("No task matches.").waitFor();
  await page.getByText("pending (2)").click();
  await page
    .getByRole("tabpanel")
    .getByRole("button", { name: /List notes/ })
    .waitFor();
  await page.getByText("all (2)").click();
  await shot(page, "04-project-plan");

  // Start coding: the Live tab shows the session's events as the WebSocket brings them.
  await page.getByRole("button", { name: "Start coding" }).click();
  await page.getByRole("dialog", { name: "Start coding" }).getByRole("button", { name: "Start" }).click();
  await page.getByRole("tab", { name: "live" }).click();
  const live = page.getByTestId("live-events");
  await live.locator('[data-event="tool_use"]').first().waitFor({ timeout: 60_000 });
  await live.locator('[data-event="session_started"]').first().waitFor();
  await page.getByText("Complete: every task is done and every test passes.").waitFor({ timeout: 90_000 });
  await shot(page, "05-project-live");
  await expectAccessible(page, "project live");

  // Sessions: the list links to each session's logs.
  await page.getByRole("tab", { name: "sessions" }).click();
  await page.getByRole("link", { name: "Session 1" }).waitFor();
  // Charts (uPlot, loaded with the tab): tests passing over sessions and cost per session.
  await page.getByTestId("chart-tests").locator("canvas").waitFor();
  await page.getByTestId("chart-cost").locator("canvas").waitFor();
  expect(await page.getByTestId("chart-tests").getAttribute("aria-label")).toMatch(
    /tests passing: 0: 0, 1: [1-9]/,
  );
  await shot(page, "06-project-sessions");
  await expectAccessible(page, "project sessions");
  await page.getByRole("tab", { name: "quality" }).click();
  await page.getByText(/Browser verification in/).waitFor();
  await expect.poll(() => page.getByTestId("average-rating").textContent()).toMatch(/^\d+\.\d\/10$/);
  await page.getByTestId("chart-quality").locator("canvas").waitFor();
  await page.getByRole("heading", { name: /Test coverage of the plan/ }).waitFor();
  // Deep reviews: folded to their rating; opened, the recommendations and the report; downloadable.
  const review = page.getByTestId("quality").locator("details").first();
  await review.waitFor({ timeout: 30_000 });
  await review.locator("summary").click();
  await review
    .getByText(/^\[(high|medium|low)\]/)
    .first()
    .waitFor();
  await expect.poll(() => review.locator("pre").textContent()).toMatch(/\S/);
  const [report] = await Promise.all([
    page.waitForEvent("download"),
    review.getByRole("button", { name: "Download report" }).click(),
  ]);
  expect(report.suggestedFilename()).toMatch(/^session-\d+-review\.md$/);
  await shot(page, "06b-project-quality");
  await expectAccessible(page, "project quality");
  await page.getByRole("tab", { name: "sessions" }).click();
  await page.getByRole("link", { name: "Session 1" }).click();

  // Session: human log, events, errors, downloads.
  await page.waitForURL(/\/session\?project=\d+&id=\d+/);
  await expect.poll(() => page.getByTestId("human-log").textContent(), { timeout: 15_000 }).toMatch(/\S/);
  // A finished coding session shows its quick check.
  await page
    .getByTestId("session-quality")
    .getByText(/Quick check: \d+\/10/)
    .waitFor();
  // A deep review asked for here appears when the model has answered (the stream says so).
  const deepRatings = page.getByTestId("session-quality").locator("h2 span", { hasText: "deep review:" });
  await deepRatings.first().waitFor({ timeout: 30_000 }); // the automatic one (review.deep_every: 1)
  const automatic = await deepRatings.count();
  await page.getByRole("button", { name: "Run a deep review" }).click();
  await page.getByText("Deep review started").waitFor();
  await expect.poll(() => deepRatings.count(), { timeout: 30_000 }).toBe(automatic + 1);
  await shot(page, "07-session-human");
  await expectAccessible(page, "session logs");
  await page.getByRole("tab", { name: "events" }).click();
  await page.getByTestId("event-log").locator("li").first().waitFor();
  await shot(page, "08-session-events");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download JSONL" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("session-1.jsonl");

  // Back on the list: a card with progress; at 375 px wide in the dark theme it still fits.
  await page.goto(`${base}/`);
  await page.getByRole("link", { name: "notes" }).waitFor();
  // This server runs its sessions itself: nothing running or queued now, 3 at once (its limit).
  await page.getByText("0 running · 0 queued · at most 3 at once").waitFor();
  await shot(page, "09-projects");
  await expectAccessible(page, "projects");
  await page.setViewportSize({ width: 375, height: 800 });
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await shot(page, "10-projects-375-dark");
  await expectAccessible(page, "projects (dark, 375 px)");
  expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.getByRole("button", { name: "Switch to light theme" }).click();

  // Settings: change the budget.
  await page.goto(projectUrl);
  await page.getByRole("heading", { name: "notes", exact: true }).waitFor();
  await page.getByRole("tab", { name: "settings" }).click();
  await page.getByLabel("Budget (USD)").fill("25");
  await page.getByLabel("Max sessions per run").fill("4");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved").waitFor();
  const saved = (await (await fetch(`${base}/api/projects/${projectId}/settings`)).json()) as {
    max_sessions: number | null;
    budget_usd: number | null;
  };
  expect(saved).toMatchObject({ max_sessions: 4, budget_usd: 25 });
  await shot(page, "13-project-settings");
  await expectAccessible(page, "project settings");

  // Environment: set the required variable (its banner goes), add another; values come back masked.
  await page.getByRole("button", { name: "Set them in the Environment tab" }).click();
  await page.getByLabel(/^STRIPE_KEY/).fill("sk_live_123");
  await page.getByRole("button", { name: "Save environment" }).click();
  await page.getByText("Environment saved").waitFor();
  await page.getByText("Environment variables still needed").waitFor({ state: "hidden" });
  await page.getByLabel("Name", { exact: true }).fill("API_TOKEN");
  await page.getByLabel("Value", { exact: true }).fill("abc123");
  await page.getByRole("button", { name: "Save environment" }).click();
  await page.getByText("Environment saved").last().waitFor();
  const token = page.getByLabel(/^API_TOKEN/);
  await token.waitFor();
  expect(await token.getAttribute("placeholder")).not.toContain("abc123");
  await shot(page, "14-project-environment");
  await expectAccessible(page, "project environment");

  // Reset (the project is complete): the dialog lists what is reset and kept; Escape closes it.
  await page.getByRole("button", { name: "Reset", exact: true }).click();
  const resetDialog = page.getByRole("dialog", { name: "Reset notes?" });
  await resetDialog.getByRole("list", { name: "What is reset" }).locator("li").first().waitFor();
  await page.keyboard.press("Escape");
  await resetDialog.waitFor({ state: "hidden" });
  await page.getByRole("button", { name: "Reset", exact: true }).click();
  await resetDialog.getByRole("list", { name: "What is reset" }).locator("li").first().waitFor();
  await resetDialog.getByRole("list", { name: "What is kept" }).waitFor();
  await shot(page, "15-reset-dialog");
  await expectAccessible(page, "reset dialog");
  await resetDialog.getByRole("button", { name: "Reset project" }).click();
  await resetDialog.getByRole("list", { name: "Reset results" }).locator("li").first().waitFor();
  await shot(page, "16-reset-results");
  await resetDialog.getByRole("button", { name: "Close" }).click();
  // The live tab drops what it showed of the removed sessions.
  await page.getByRole("tab", { name: "live" }).click();
  await live.locator('[data-event="reset"]').waitFor();
  expect(await live.locator('[data-event="tool_use"]').count()).toBe(0);

  // Start coding with options, then stop after the current session.
  await page.getByRole("button", { name: "Start coding" }).click();
  const startDialog = page.getByRole("dialog", { name: "Start coding" });
  await startDialog.getByLabel("Max sessions").fill("2");
  await shot(page, "17-start-coding-options");
  await expectAccessible(page, "start coding dialog");
  slow = true;
  await startDialog.getByRole("button", { name: "Start" }).click();
  await page.getByRole("button", { name: "Stop after current" }).click({ timeout: 30_000 });
  // While it runs: the task it works on with its tests, and tokens and cost so far.
  await page.getByRole("tab", { name: "live" }).click();
  await page
    .getByTestId("current-task")
    .getByText(/Current task:/)
    .waitFor({ timeout: 15_000 });
  await page
    .getByTestId("session-usage")
    .getByText(/tool calls/)
    .waitFor({ timeout: 15_000 });
  // The running session's log page follows it live (no reload): its human log grows.
  const logsHref = await page
    .getByTestId("live-events")
    .locator('[data-event="session_started"] a')
    .last()
    .getAttribute("href");
  const logsPage = await context.newPage();
  await logsPage.goto(`${base}${logsHref}`);
  const humanLog = logsPage.getByTestId("human-log");
  await expect.poll(() => humanLog.textContent(), { timeout: 15_000 }).toMatch(/\S/);
  const before = (await humanLog.textContent())?.length ?? 0;
  await expect
    .poll(async () => (await humanLog.textContent())?.length ?? 0, { timeout: 30_000 })
    .toBeGreaterThan(before);
  await logsPage.close();
  await page.getByText(/The run stops when session \d+ ends/).waitFor();
  await shot(page, "18-stop-after-current");
  slow = false;
  await page.getByRole("button", { name: "Delete", exact: true }).waitFor({ timeout: 90_000 });
  await page.getByText("stopped after session 1, as asked").waitFor();

  // Reset again, then delete: the name must be typed; back on the (now empty) project list.
  await page.getByRole("button", { name: "Reset", exact: true }).click();
  await resetDialog.getByRole("button", { name: "Reset project" }).click({ timeout: 15_000 });
  await resetDialog.getByRole("list", { name: "Reset results" }).waitFor();
  await resetDialog.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const deleteDialog = page.getByRole("dialog", { name: "Delete notes?" });
  const confirmDelete = deleteDialog.getByRole("button", { name: "Delete project" });
  expect(await confirmDelete.isDisabled()).toBe(true);
  await deleteDialog.getByLabel("Project name").fill("notes");
  await deleteDialog.getByLabel(/Also delete the files/).check();
  await shot(page, "19-delete-dialog");
  await expectAccessible(page, "delete dialog");
  await confirmDelete.click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.getByRole("heading", { name: "No projects yet" }).waitFor();

  expect(pageErrors).toEqual([]);
  await context.close();
}, 360_000);

it("shows a duplicate name's error from the API inline", async () => {
  const base = await serve();
  const page = await browser.newPage();
  for (const attempt of [1, 2]) {
    await page.goto(`${base}/new`);
    await page
      .getByLabel("Spec files")
      .setInputFiles({ name: "dup.md", mimeType: "text/markdown", buffer: Buffer.from(SPEC) });
    await page.getByRole("button", { name: "Create project" }).click();
    if (attempt === 1) await page.waitForURL(/\/project\?id=\d+/);
  }
  await page.getByRole("alert").filter({ hasText: "already exists" }).waitFor();
  await shot(page, "11-new-project-error");
  await page.close();
}, 60_000);

it("asks for the password when one is set, then shows the projects", async () => {
  const base = await serve({ password: "s3cret-pass" });
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login/);
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Log in" }).click();
  await page
    .getByRole("alert")
    .filter({ hasText: /password/ })
    .waitFor();
  await shot(page, "12-login");
  await expectAccessible(page, "login");
  await page.getByLabel("Password").fill("s3cret-pass");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.getByRole("heading", { name: /Projects|No projects yet/ }).waitFor();
  await page.close();
}, 60_000);
