import { expect, it } from "vitest";
import { activePrompt } from "../../src/agent/prompts.ts";
import {
  batonScript,
  isAnalysisRequest,
  SCRIPTED_PROMPT_ADDITION,
  startScriptedModel,
  textReply,
} from "../../src/scripted-model/index.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { useScriptedModel } from "../helpers/scripted-model.ts";
import { type TestServer, testServer } from "../helpers/server.ts";
import { connect, listenWs, type WsClient } from "../helpers/ws-client.ts";
import { NO_BROWSER, reviewedSession, SCREENSHOT } from "../prompts/fixtures.ts";
import { makeProject } from "../stores/fixtures.ts";

const scripted = useScriptedModel();
/** An analysis with the scripted model takes a second or two, more on a busy machine. */
const ANALYSIS_TIMEOUT_MS = 60_000;

interface Analysis {
  id: number;
  status: string;
  sessions_analyzed: number;
  proposal_count: number;
  summary_markdown: string | null;
  error: string | null;
  proposals?: Proposal[];
}
interface Proposal {
  id: number;
  analysis_id: number;
  prompt_name: string;
  status: string;
  before_text: string;
  after_text: string;
  applied_version_id: number | null;
}
interface Version {
  id: number;
  name: string;
  version: number;
  active: boolean;
  source: string;
  stats: { sessions: number; avg_quick_rating: number | null; avg_deep_rating: number | null };
}

/** A server whose sessions and analyses talk to the scripted model, with reviewed sessions of one project. */
async function seeded(db: () => Parameters<typeof testServer>[0]) {
  const t = db();
  const server = await testServer(t, { model: scripted() });
  const project = await makeProject(t, "todo");
  const v1 = await activePrompt(t.stores.prompts, "coding");
  const s1 = await reviewedSession(t.stores, project.id, { rating: 3, recommendations: [SCREENSHOT] }, v1.id);
  const s2 = await reviewedSession(t.stores, project.id, { rating: 5, issues: [NO_BROWSER] }, v1.id);
  return { t, server, project, v1, sessions: [s1, s2] };
}

function call(
  server: TestServer,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  payload?: object,
) {
  return server.app.inject({ method, url, headers: server.headers, ...(payload ? { payload } : {}) });
}

async function waitForAnalysis(server: TestServer, id: number): Promise<Analysis> {
  const deadline = Date.now() + ANALYSIS_TIMEOUT_MS;
  for (;;) {
    const analysis = (await call(server, "GET", `/api/analyses/${id}`)).json() as Analysis;
    if (analysis.status === "completed" || analysis.status === "error") return analysis;
    if (Date.now() > deadline) throw new Error(`analysis ${id} still ${analysis.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real WebSocket client on the global stream, past its snapshot. */
async function globalClient(server: TestServer): Promise<WsClient> {
  const client = connect(await listenWs(server));
  await client.until((m) => m.type === "snapshot");
  return {
    ...client,
    until: (match, timeoutMs = ANALYSIS_TIMEOUT_MS) => client.until(match, timeoutMs),
  };
}

describeEachDatabase("prompt improvement routes", (db) => {
  it(
    "runs an analysis in the background, announces it, and applies, lists and rolls back its proposal",
    async () => {
      const { server, project, v1, sessions } = await seeded(db);
      const client = await globalClient(server);

      const started = await call(server, "POST", "/api/analyses", { project_ids: [project.id] });
      expect(started.statusCode, started.body).toBe(202);
      const created = started.json() as Analysis & { project_ids: number[] };
      expect(created).toMatchObject({ status: "pending", project_ids: [project.id], proposal_count: 0 });

      // The global stream hears it end, with no project.
      const announced = await client.until((m) => m.type === "analysis_complete");
      expect(announced).toMatchObject({
        project_id: null,
        payload: { analysis_id: created.id, status: "completed", proposals: 1 },
      });
      const analysis = await waitForAnalysis(server, created.id);
      expect(analysis).toMatchObject({
        status: "completed",
        sessions_analyzed: 2,
        proposal_count: 1,
        error: null,
      });
      expect(analysis.summary_markdown).toContain("## Themes");
      const [proposal] = analysis.proposals ?? [];
      if (!proposal) throw new Error("no proposal");
      expect(proposal).toMatchObject({ prompt_name: "coding", status: "proposed" });
      expect(proposal.after_text).toContain(SCRIPTED_PROMPT_ADDITION);

      const list = (await call(server, "GET", "/api/analyses")).json() as { analyses: Analysis[] };
      expect(list.analyses.map((a) => [a.id, a.status, a.proposal_count])).toEqual([
        [created.id, "completed", 1],
      ]);
      const listed = await call(server, "GET", `/api/proposals?analysis_id=${created.id}&status=proposed`);
      expect((listed.json() as { proposals: Proposal[] }).proposals.map((p) => p.id)).toEqual([proposal.id]);
      const none = await call(server, "GET", "/api/proposals?status=applied");
      expect(none.json()).toEqual({ proposals: [] });

      // Reject, change one's mind, accept, apply.
      const rejected = await call(server, "PATCH", `/api/proposals/${proposal.id}`, { status: "rejected" });
      expect(rejected.json()).toMatchObject({ id: proposal.id, status: "rejected" });
      const accepted = await call(server, "PATCH", `/api/proposals/${proposal.id}`, { status: "accepted" });
      expect(accepted.json()).toMatchObject({ status: "accepted" });
      const applied = await call(server, "POST", `/api/proposals/${proposal.id}/apply`);
      expect(applied.statusCode, applied.body).toBe(200);
      const { version, previous } = applied.json() as {
        version: Version & { content: string };
        previous: Version;
      };
      expect(previous).toMatchObject({ id: v1.id, version: v1.version });
      expect(version).toMatchObject({
        name: "coding",
        version: v1.version + 1,
        active: true,
        source: "proposal",
      });
      expect(version.content).toContain(SCRIPTED_PROMPT_ADDITION);
      const again = await call(server, "POST", `/api/proposals/${proposal.id}/apply`);
      expect([again.statusCode, again.json().code]).toEqual([409, "BATON_PROPOSAL_INVALID_TRANSITION"]);

      // Versions with their figures: v1 ran both reviewed sessions.
      const versions = (await call(server, "GET", "/api/prompts/versions?name=coding")).json() as {
        versions: (Version & { content?: string })[];
      };
      expect(
        versions.versions.map((v) => [v.version, v.active, v.stats.sessions, v.stats.avg_quick_rating]),
      ).toEqual([
        [v1.version, false, sessions.length, 4],
        [version.version, true, 0, null],
      ]);
      expect(versions.versions[0]?.content).toBeUndefined();
      const text = await call(server, "GET", `/api/prompts/versions/coding/${version.version}`);
      expect(text.json()).toMatchObject({ version: version.version, content: version.content });

      // The diff, as JSON and as text.
      const diffUrl = `/api/prompts/diff?name=coding&from=${v1.version}&to=${version.version}`;
      const diff = (await call(server, "GET", diffUrl)).json() as { diff: string };
      expect(diff).toMatchObject({ name: "coding", from: v1.version, to: version.version });
      expect(diff.diff).toContain(`+${proposal.after_text}`);
      expect(diff.diff).toContain(`-${proposal.before_text}`);
      const plain = await call(server, "GET", `${diffUrl}&format=text`);
      expect(plain.headers["content-type"]).toMatch(/^text\/plain/);
      expect(plain.body).toBe(diff.diff);

      // Roll back: activate version 1 again.
      const rollback = await call(server, "POST", `/api/prompts/versions/coding/${v1.version}/activate`);
      expect(rollback.json()).toMatchObject({
        version: { id: v1.id, active: true },
        previous: { id: version.id },
      });
      const after = (await call(server, "GET", "/api/prompts/versions?name=coding")).json() as {
        versions: Version[];
      };
      expect(after.versions.filter((v) => v.active).map((v) => v.version)).toEqual([v1.version]);

      // Deleting the analysis takes its proposals; the version applied from it stays.
      const deleted = await call(server, "DELETE", `/api/analyses/${created.id}`);
      expect(deleted.json()).toEqual({ id: created.id, deleted: true });
      expect((await call(server, "GET", `/api/proposals/${proposal.id}`)).statusCode).toBe(404);
      expect((await call(server, "GET", `/api/prompts/versions/coding/${version.version}`)).statusCode).toBe(
        200,
      );
    },
    ANALYSIS_TIMEOUT_MS * 2,
  );

  it(
    "answers unknown ids with 404, bad input with 400 and a stale proposal with 409, writing nothing",
    async () => {
      const { t, server, project } = await seeded(db);
      const status = async (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: object) => {
        const r = await call(server, method, url, body);
        return [r.statusCode, (r.json() as { code: string }).code];
      };
      expect(await status("GET", "/api/analyses/999")).toEqual([404, "BATON_ANALYSIS_NOT_FOUND"]);
      expect(await status("DELETE", "/api/analyses/999")).toEqual([404, "BATON_ANALYSIS_NOT_FOUND"]);
      expect(await status("GET", "/api/proposals?analysis_id=999")).toEqual([
        404,
        "BATON_ANALYSIS_NOT_FOUND",
      ]);
      expect(await status("PATCH", "/api/proposals/999", { status: "accepted" })).toEqual([
        404,
        "BATON_PROPOSAL_NOT_FOUND",
      ]);
      expect(await status("POST", "/api/proposals/999/apply")).toEqual([404, "BATON_PROPOSAL_NOT_FOUND"]);
      expect(await status("POST", "/api/prompts/versions/coding/99/activate")).toEqual([
        404,
        "BATON_PROMPT_VERSION_NOT_FOUND",
      ]);
      expect(await status("POST", "/api/prompts/versions/nonsense/1/activate")).toEqual([
        400,
        "BATON_VALIDATION",
      ]);
      expect(await status("GET", "/api/prompts/diff?name=coding&from=1&to=7")).toEqual([
        404,
        "BATON_PROMPT_VERSION_NOT_FOUND",
      ]);
      expect(await status("GET", "/api/prompts/diff?name=coding&from=one&to=2")).toEqual([
        400,
        "BATON_VALIDATION",
      ]);
      expect(await status("GET", "/api/proposals?status=maybe")).toEqual([400, "BATON_VALIDATION"]);
      expect(await status("POST", "/api/analyses", { project_ids: [999] })).toEqual([
        404,
        "BATON_PROJECT_NOT_FOUND",
      ]);
      expect(await status("POST", "/api/analyses", { days: 0 })).toEqual([400, "BATON_VALIDATION"]);
      expect(
        await status("POST", "/api/analyses", { days: 3, date_from: "2026-01-01T00:00:00.000Z" }),
      ).toEqual([400, "BATON_VALIDATION"]);
      expect(await status("POST", "/api/analyses", { date_from: "last week" })).toEqual([
        400,
        "BATON_VALIDATION",
      ]);
      expect(await t.stores.prompts.listAnalyses()).toEqual([]);

      // `days` stands for date_from (the seeded sessions are older: nothing to analyse, no model call).
      const recent = await call(server, "POST", "/api/analyses", { days: 7 });
      expect(recent.statusCode).toBe(202);
      const { id: recentId, date_from } = recent.json() as { id: number; date_from: string };
      expect(Math.abs(Date.now() - 7 * 86_400_000 - Date.parse(date_from))).toBeLessThan(60_000);
      expect(await waitForAnalysis(server, recentId)).toMatchObject({
        status: "completed",
        sessions_analyzed: 0,
      });

      const started = await call(server, "POST", "/api/analyses", { project_ids: [project.id] });
      const analysis = await waitForAnalysis(server, (started.json() as Analysis).id);
      const [proposal] = analysis.proposals ?? [];
      if (!proposal) throw new Error("no proposal");
      expect(await status("PATCH", `/api/proposals/${proposal.id}`, { status: "applied" })).toEqual([
        400,
        "BATON_VALIDATION",
      ]);
      expect(
        await status("PATCH", `/api/proposals/${proposal.id}`, { status: "accepted", extra: 1 }),
      ).toEqual([400, "BATON_VALIDATION"]);

      // Someone replaced the coding prompt by hand: the proposal no longer fits, and nothing is written.
      await t.stores.prompts.createVersion({
        name: "coding",
        content: "A new prompt.\n",
        source: "manual",
        activate: true,
      });
      const versionsBefore = await t.stores.prompts.listVersions("coding");
      const stale = await call(server, "POST", `/api/proposals/${proposal.id}/apply`);
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toMatchObject({
        code: "BATON_PROPOSAL_STALE",
        data: { proposal_id: proposal.id },
      });
      expect(stale.json().message).toContain("no longer fits");
      expect(await t.stores.prompts.listVersions("coding")).toEqual(versionsBefore);
      expect(await t.stores.prompts.getProposal(proposal.id)).toMatchObject({ status: "proposed" });
    },
    ANALYSIS_TIMEOUT_MS,
  );

  it(
    "announces a failed analysis as an error, with no proposal",
    async () => {
      const t = db();
      const vague = await startScriptedModel(() => textReply("Looks fine to me."));
      try {
        const server = await testServer(t, { model: vague });
        const project = await makeProject(t, "todo");
        await reviewedSession(t.stores, project.id, {});
        const client = await globalClient(server);
        const started = await call(server, "POST", "/api/analyses", {});
        const { id } = started.json() as Analysis;
        const announced = await client.until((m) => m.type === "analysis_complete");
        expect(announced.payload).toEqual({ analysis_id: id, status: "error", proposals: 0 });
        expect(await waitForAnalysis(server, id)).toMatchObject({ status: "error", proposal_count: 0 });
        expect((await waitForAnalysis(server, id)).error).toContain("holds no fenced JSON block");
        await server.app.close();
      } finally {
        await vague.close();
      }
    },
    ANALYSIS_TIMEOUT_MS,
  );

  it("refuses to start an analysis without credentials (412), storing none; no body means every project", async () => {
    const t = db();
    const server = await testServer(t);
    const r = await call(server, "POST", "/api/analyses");
    expect(r.statusCode).toBe(412);
    expect(r.json()).toMatchObject({ code: "BATON_CREDENTIALS_MISSING" });
    expect(await t.stores.prompts.listAnalyses()).toEqual([]);
  });

  it("refuses to delete an analysis while it runs (409), and deletes it once it has ended", async () => {
    const t = db();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = await startScriptedModel(async (request, context) => {
      if (isAnalysisRequest(request)) await gate;
      return batonScript(request, context);
    });
    try {
      const server = await testServer(t, { model: held });
      const project = await makeProject(t, "todo");
      await reviewedSession(t.stores, project.id, { rating: 3, recommendations: [SCREENSHOT] });
      const { id } = (await call(server, "POST", "/api/analyses", {})).json() as Analysis;
      const busy = await call(server, "DELETE", `/api/analyses/${id}`);
      expect(busy.statusCode).toBe(409);
      expect(busy.json()).toMatchObject({
        code: "BATON_ANALYSIS_RUNNING",
        message: expect.stringMatching(/still (pending|running)/),
      });
      expect((await call(server, "GET", `/api/analyses/${id}`)).statusCode).toBe(200);
      release();
      expect((await waitForAnalysis(server, id)).status).toBe("completed");
      const deleted = await call(server, "DELETE", `/api/analyses/${id}`);
      expect(deleted.json()).toEqual({ id, deleted: true });
      await server.app.close();
    } finally {
      release();
      await held.close();
    }
  });
});
