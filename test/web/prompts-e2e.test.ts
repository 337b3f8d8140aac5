/**
 * The prompt-improvement page in a real browser (Debian's Chromium via playwright-core) against a
 * real server whose analyses talk to the scripted model: versions with their figures, an analysis
 * started from the page and seen ending live (global WebSocket), its proposal's side-by-side diff,
 * accept and apply (a new active version), a stale proposal's 409, and a rollback. Screenshots go
 * to test/web/.out/prompts-*.png; axe-core checks each view.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { activePrompt } from "../../src/agent/prompts.ts";
import {
  batonScript,
  isAnalysisRequest,
  SCRIPTED_PROMPT_ADDITION,
  type ScriptedModel,
  startScriptedModel,
} from "../../src/scripted-model/index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { type TestServer, testServer } from "../helpers/server.ts";
import { NO_BROWSER, reviewedSession, SCREENSHOT } from "../prompts/fixtures.ts";
import { expectAccessible, launchBrowser, listen, screenshot } from "./browser.ts";

let browser: Browser;
let db: TestDatabase;
let model: ScriptedModel;
/** While set, the scripted model holds analysis requests until it resolves (so the page shows one running). */
let gate: Promise<void> | null = null;

beforeAll(async () => {
  browser = await launchBrowser();
  db = await createTestDatabase("sqlite");
  model = await startScriptedModel(async (request, context) => {
    if (gate && isAnalysisRequest(request)) await gate;
    return batonScript(request, context);
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await model?.close();
  await db?.cleanup();
});

async function serve(): Promise<{ base: string; server: TestServer }> {
  const server = await testServer(db, { model });
  return { base: await listen(server), server };
}

const shot = (page: Page, name: string) => screenshot(page, `prompts-${name}`);

it("starts an analysis, sees it end live, applies its proposal from the diff, and rolls it back", async () => {
  const { base, server } = await serve();
  const { stores } = server.deps;
  // Two reviewed coding sessions of one project, run with the built-in coding prompt (version 1).
  const project = await stores.projects.create({ name: "todo", directory: join(server.world.root, "todo") });
  await stores.projects.create({ name: "other", directory: join(server.world.root, "other") });
  const v1 = await activePrompt(stores.prompts, "coding");
  await reviewedSession(
    stores,
    project.id,
    { rating: 3, recommendations: [SCREENSHOT], deepRating: 4 },
    v1.id,
  );
  await reviewedSession(stores, project.id, { rating: 5, issues: [NO_BROWSER] }, v1.id);

  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));

  // The header links to the page; versions show their figures.
  await page.goto(`${base}/`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Prompts" }).click();
  await page.getByRole("heading", { name: "Prompt improvements" }).waitFor();
  const v1Row = page.getByTestId("version-coding-1");
  await v1Row.getByText("active").waitFor();
  expect((await v1Row.locator("td").allTextContents()).slice(1, 4)).toEqual(["2", "4.0", "4.0"]);
  await page.getByText("No analysis yet: start one above.").waitFor();
  await shot(page, "01-overview");
  await expectAccessible(page, "prompts overview");

  // Start an analysis of one project; the model is held, so it shows running, then ends live.
  let release = () => {};
  gate = new Promise((resolve) => {
    release = resolve;
  });
  await page.getByRole("checkbox", { name: "todo" }).check();
  // The seeded sessions are dated by the test database's clock (2026-01-01): look far enough back.
  await page.getByLabel("Sessions of the last (days)").fill("3650");
  await page.getByRole("button", { name: "Start analysis" }).click();
  await page.getByText("Analysis #1 started").waitFor();
  const row = page.getByTestId("analysis-1");
  await expect.poll(() => row.textContent()).toMatch(/pending|running/);
  await shot(page, "02-analysis-running");
  release();
  gate = null;
  await page.getByText("Analysis #1 completed: 1 proposal").waitFor({ timeout: 60_000 });
  await expect
    .poll(() => row.locator("td").allTextContents())
    .toEqual(["completed", "2", "1", expect.any(String)]);
  expect(await stores.prompts.getAnalysis(1)).toMatchObject({
    status: "completed",
    project_ids: [project.id],
  });

  // The analysis: its summary, and the proposal's edit side by side.
  await row.getByRole("link", { name: "Analysis #1" }).click();
  await page.waitForURL(/\/prompts\?analysis=1$/);
  await page.getByRole("heading", { name: "Analysis #1" }).waitFor();
  await page.getByTestId("analysis-summary").getByRole("heading", { name: "Themes" }).waitFor();
  const [proposal] = await stores.prompts.listProposals(1);
  if (!proposal) throw new Error("no proposal");
  const card = page.getByTestId(`proposal-${proposal.id}`);
  const diff = card.getByRole("table", { name: /before and after/ });
  await diff.waitFor();
  expect(await diff.getByRole("columnheader").allTextContents()).toEqual(["Before", "After"]);
  expect((await diff.locator("ins").allTextContents()).join("")).toContain(SCRIPTED_PROMPT_ADDITION);
  expect(await diff.locator("del").count()).toBe(0);
  await card.getByText("confidence 80%").waitFor();
  await card
    .getByRole("link", { name: /todo session/ })
    .first()
    .waitFor();
  await shot(page, "03-analysis-detail");
  await expectAccessible(page, "analysis detail");

  // Accept, then apply: a new active version.
  await card.getByRole("button", { name: "Accept" }).click();
  await page.getByText(`Proposal #${proposal.id} accepted`).waitFor();
  await expect.poll(() => card.getByTestId("proposal-status").textContent()).toBe("accepted");
  await card.getByRole("button", { name: "Apply" }).click();
  await page.getByText("Applied: the coding prompt's version 2 is active (was version 1)").waitFor();
  await card.getByText("Applied as coding version 2 (active).").waitFor();
  await shot(page, "04-applied");
  expect((await stores.prompts.active("coding"))?.content).toContain(SCRIPTED_PROMPT_ADDITION);

  // The versions: version 2 is active; its changes side by side in a drawer.
  await page.getByRole("link", { name: "← Prompt improvements" }).click();
  await page.getByTestId("version-coding-2").getByText("active").waitFor();
  expect(await page.getByTestId("version-coding-1").getByText("active").count()).toBe(0);
  await page.getByRole("button", { name: "Changes in coding version 2" }).click();
  const drawer = page.getByRole("dialog", { name: "coding v1 → v2" });
  await drawer.getByRole("table").locator("ins").first().waitFor();
  await drawer
    .getByText(/unchanged lines/)
    .first()
    .waitFor();
  await shot(page, "05-version-changes");
  await expectAccessible(page, "version changes");
  await drawer.getByRole("button", { name: "Close" }).click();

  // Roll back: activate version 1 (after confirming).
  await page.getByRole("button", { name: "Activate coding version 1" }).click();
  const confirm = page.getByRole("dialog", { name: "Activate coding version 1?" });
  await expectAccessible(page, "activate dialog");
  await confirm.getByRole("button", { name: "Activate version 1" }).click();
  await page.getByText("The coding prompt's version 1 is active (was version 2)").waitFor();
  await page.getByTestId("version-coding-1").getByText("active").waitFor();
  expect((await stores.prompts.active("coding"))?.version).toBe(1);
  await shot(page, "06-rolled-back");

  // A second analysis, then someone replaces the prompt by hand: its proposal is stale (409).
  const second = await fetch(`${base}/api/analyses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ project_ids: [project.id] }),
  });
  expect(second.status).toBe(202);
  const secondId = ((await second.json()) as { id: number }).id;
  await page.getByText(`Analysis #${secondId} completed: 1 proposal`).waitFor({ timeout: 60_000 });
  await stores.prompts.createVersion({
    name: "coding",
    content: "Hand-written.\n",
    source: "manual",
    activate: true,
  });
  await page.goto(`${base}/prompts?analysis=${secondId}`);
  const [stale] = await stores.prompts.listProposals(secondId);
  const staleCard = page.getByTestId(`proposal-${stale?.id}`);
  await staleCard.getByRole("button", { name: "Apply" }).click();
  await staleCard
    .getByRole("alert")
    .getByText(/Cannot apply: proposal \d+ no longer fits version 3/)
    .waitFor();
  await shot(page, "07-stale");
  expect((await stores.prompts.active("coding"))?.version).toBe(3);
  expect((await stores.prompts.getProposal(stale?.id ?? 0)).status).toBe("proposed");

  // At 375 px in the dark theme the detail still fits.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await page.goto(`${base}/prompts?analysis=1`);
  await page.getByTestId(`proposal-${proposal.id}`).getByRole("table").waitFor();
  await shot(page, "08-detail-375-dark");
  await expectAccessible(page, "analysis detail (dark, 375 px)");
  expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
  await page.goto(`${base}/prompts`);
  await page.getByTestId("version-coding-3").waitFor();
  await shot(page, "09-overview-375-dark");
  await expectAccessible(page, "prompts overview (dark, 375 px)");
  expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);

  expect(pageErrors).toEqual([]);
  await context.close();
}, 180_000);
