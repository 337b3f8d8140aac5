import { afterEach, expect, it } from "vitest";
import type { Stores } from "../../src/db/stores/index.ts";
import type { Deduction } from "../../src/review/model.ts";
import { batonScript, type ScriptedModel, startScriptedModel } from "../../src/scripted-model/index.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { testServer } from "../helpers/server.ts";
import { makeWorld } from "../helpers/world.ts";

const NO_BROWSER: Deduction = {
  rule: "no_browser_verification",
  points: 6,
  reason: "no browser verification on a UI task: −6",
};
const NO_COMMIT: Deduction = { rule: "no_commit", points: 1, reason: "no commit: −1" };

/** A finished coding session with its counters and a stored quick check (and a deep review when given). */
async function reviewed(
  stores: Stores,
  projectId: number,
  quick: { rating: number; issues: Deduction[]; browser: number },
  deep?: { rating: number; report: string },
) {
  const session = await stores.sessions.create(projectId, { type: "coding", model: "sonnet" });
  if (quick.browser > 0) await stores.sessions.addUsage(session.id, { browser_verifications: quick.browser });
  await stores.sessions.finish(session.id, { status: "completed" });
  await stores.quality.add({
    session_id: session.id,
    kind: "quick",
    rating: quick.rating,
    issues: quick.issues,
  });
  if (deep)
    await stores.quality.add({
      session_id: session.id,
      kind: "deep",
      rating: deep.rating,
      report_markdown: deep.report,
      recommendations: [
        { priority: "high", theme: "Browser checks", text: "Open the page before marking UI tests." },
      ],
      model: "sonnet",
    });
  return session;
}

const models: ScriptedModel[] = [];
afterEach(async () => {
  for (const m of models.splice(0)) await m.close();
});

describeEachDatabase("API quality", (db) => {
  async function seeded(options: { model?: ScriptedModel } = {}) {
    const s = await testServer(db(), options);
    const { stores } = db();
    const project = await stores.projects.create({ name: "shop", directory: makeWorld().root });
    // The initializer is never reviewed.
    const init = await stores.sessions.create(project.id, { type: "initializer", model: "opus" });
    await stores.sessions.finish(init.id, { status: "completed" });
    const one = await reviewed(stores, project.id, { rating: 4, issues: [NO_BROWSER], browser: 0 });
    const two = await reviewed(
      stores,
      project.id,
      { rating: 9, issues: [NO_COMMIT], browser: 3 },
      { rating: 8, report: "# Session 2\nGood work." },
    );
    const three = await reviewed(stores, project.id, { rating: 10, issues: [], browser: 2 });
    return { s, project, one, two, three };
  }

  it("summarises a project's quality: ratings, trend, browser compliance, issues, deep reviews", async () => {
    const { s, project } = await seeded();
    const res = await s.app.inject({ url: `/api/projects/${project.id}/quality` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      sessions_reviewed: 3,
      // Session 2 counts with its deep rating (8): (4 + 8 + 10) / 3.
      average_rating: 7.33,
      average_quick: 7.67,
      average_deep: 8,
      browser: { coding_sessions: 3, verified: 2, percent: 66.7, without_browser: [1], ui_unverified: [1] },
      trend: {
        points: [
          { session_number: 1, quick: 4, deep: null },
          { session_number: 2, quick: 9, deep: 8 },
          { session_number: 3, quick: 10, deep: null },
        ],
        direction: "improving",
      },
      themes: [{ theme: "browser_checks", count: 1, priority: "high" }],
    });
    expect(body.top_issues.map((i: { rule: string }) => i.rule).sort()).toEqual([
      "no_browser_verification",
      "no_commit",
    ]);
    expect(body.deep_reviews).toEqual([
      expect.objectContaining({ session_number: 2, rating: 8, has_report: true, kind: "deep" }),
    ]);
    expect(body.deep_reviews[0]).not.toHaveProperty("report_markdown");
  });

  it("answers the trend, recent issues and browser compliance of the last N sessions", async () => {
    const { s, project } = await seeded();
    const trend = (await s.app.inject({ url: `/api/projects/${project.id}/quality/trend?last=2` })).json();
    expect(trend.points.map((p: { session_number: number }) => p.session_number)).toEqual([2, 3]);
    const issues = (await s.app.inject({ url: `/api/projects/${project.id}/quality/issues` })).json();
    expect(issues.issues).toEqual([
      { session_number: 2, ...NO_COMMIT },
      { session_number: 1, ...NO_BROWSER },
    ]);
    const browser = (
      await s.app.inject({ url: `/api/projects/${project.id}/quality/browser?last=1` })
    ).json();
    expect(browser).toEqual({
      coding_sessions: 1,
      verified: 1,
      percent: 100,
      without_browser: [],
      ui_unverified: [],
    });
    const bad = await s.app.inject({ url: `/api/projects/${project.id}/quality/trend?last=0` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("BATON_VALIDATION");
  });

  it("shows one session's checks and serves a deep review's report as markdown", async () => {
    const { s, project, two } = await seeded();
    const res = await s.app.inject({ url: `/api/projects/${project.id}/sessions/${two.id}/quality` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      session_number: 2,
      rating: 8,
      quick: { kind: "quick", rating: 9, issues: [NO_COMMIT] },
      deep: [{ kind: "deep", rating: 8, report_markdown: "# Session 2\nGood work." }],
    });
    const deepId = res.json().deep[0].id;
    const report = await s.app.inject({ url: `/api/projects/${project.id}/reviews/${deepId}/report.md` });
    expect(report.statusCode).toBe(200);
    expect(report.headers["content-type"]).toMatch(/^text\/markdown/);
    expect(report.headers["content-disposition"]).toBe(
      `attachment; filename="shop-session-2-review-${deepId}.md"`,
    );
    expect(report.body).toBe("# Session 2\nGood work.");

    const quickId = res.json().quick.id;
    const notDeep = await s.app.inject({ url: `/api/projects/${project.id}/reviews/${quickId}/report.md` });
    expect(notDeep.statusCode).toBe(404);
    expect(notDeep.json()).toMatchObject({
      code: "BATON_REVIEW_NOT_FOUND",
      message: expect.stringMatching(/no deep review/),
    });
  });

  it("refuses to review the initializer, and answers 404 for unknown projects and sessions", async () => {
    const { s, project } = await seeded();
    const sessions = await db().stores.sessions.list(project.id, { type: "initializer" });
    const init = sessions[0];
    if (!init) throw new Error("no initializer");
    const res = await s.app.inject({ url: `/api/projects/${project.id}/sessions/${init.id}/quality` });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/only finished coding sessions are reviewed/);
    expect((await s.app.inject({ url: "/api/projects/4242/quality" })).statusCode).toBe(404);
    expect(
      (await s.app.inject({ url: `/api/projects/${project.id}/sessions/4242/quality` })).statusCode,
    ).toBe(404);
  });

  it("starts a deep review of a session on request, in the background, and stores it", async () => {
    const model = await startScriptedModel(batonScript);
    models.push(model);
    const { s, project, three } = await seeded({ model });
    const res = await s.app.inject({
      method: "POST",
      url: `/api/projects/${project.id}/sessions/${three.id}/review`,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ session_number: 3, started: true });
    await s.deps.orchestrator.idle();
    const [deep, ...more] = await db().stores.quality.forProject(project.id, { kind: "deep" });
    expect(more.filter((c) => c.session_id === three.id)).toEqual([]);
    expect(deep).toMatchObject({
      session_id: three.id,
      rating: expect.any(Number),
      report_markdown: expect.stringMatching(/\S/),
      metrics: expect.objectContaining({ trigger: "requested" }),
    });
    expect(deep?.recommendations.length).toBeGreaterThan(0);
    expect(s.events.filter((e) => e.type === "review_complete").map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ kind: "deep", session_number: 3 }),
    );
  });

  it("refuses a deep review without credentials (412) or of the initializer (400), starting nothing", async () => {
    const { s, project, three } = await seeded();
    const res = await s.app.inject({
      method: "POST",
      url: `/api/projects/${project.id}/sessions/${three.id}/review`,
    });
    expect(res.statusCode).toBe(412);
    expect(res.json().code).toBe("BATON_CREDENTIALS_MISSING");
    const [init] = await db().stores.sessions.list(project.id, { type: "initializer" });
    const initializer = await s.app.inject({
      method: "POST",
      url: `/api/projects/${project.id}/sessions/${init?.id}/review`,
    });
    expect(initializer.statusCode).toBe(400);
    expect(s.deps.orchestrator.reviews.pending).toBe(0);
    expect(await db().stores.sessions.list(project.id, { type: "review" })).toEqual([]);
  });
});
