import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { readBuiltinPrompt } from "../../src/agent/prompts.ts";
import { isBatonError } from "../../src/errors.ts";
import { runWorkSession } from "../../src/orchestrator/work-session.ts";
import { createProject } from "../../src/projects/create-project.ts";
import type { Project } from "../../src/projects/model.ts";
import { type AnalysisDeps, analyzePrompts } from "../../src/review/analysis.ts";
import { activateVersion, applyProposal } from "../../src/review/proposals.ts";
import type { Theme } from "../../src/review/themes.ts";
import {
  firstUserText,
  SCRIPTED_MISSING_BEFORE,
  SCRIPTED_PROMPT_ADDITION,
  startScriptedModel,
  textReply,
} from "../../src/scripted-model/index.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { useScriptedModel } from "../helpers/scripted-model.ts";
import { defaultSecurity } from "../helpers/scripted-run.ts";
import { makeWorld } from "../helpers/world.ts";
import { makeProject } from "../stores/fixtures.ts";
import { NO_BROWSER, reviewedSession, SCREENSHOT } from "./fixtures.ts";

const scripted = useScriptedModel();

function analysisDeps(t: TestDatabase, env = scripted().env()): AnalysisDeps {
  return {
    stores: t.stores,
    env: { ...withoutCredentials(process.env), ...env },
    model: "sonnet",
    cwd: tmpdir(),
  };
}

/** Runs one coding session of `project` and returns it with the prompt its first model request carried. */
async function codingSession(t: TestDatabase, project: Project) {
  const model = scripted();
  const from = model.requests.length;
  const { home } = makeWorld();
  const outcome = await runWorkSession(
    {
      stores: t.stores,
      bus: t.stores.bus,
      env: { ...withoutCredentials(process.env), ...model.env() },
      workerId: "w",
      log: testLog(),
      home,
      browser: null,
      security: await defaultSecurity(home),
    },
    { project, type: "coding", model: "sonnet" },
  );
  expect(outcome.error).toBeNull();
  const first = model.requests.slice(from).find((r) => r.kind === "main");
  if (!first?.request) throw new Error("the session sent no model request");
  return { session: outcome.session, prompt: firstUserText(first.request) };
}

describeEachDatabase("prompt improvement against the scripted model", (db) => {
  it("turns stored reviews into themes and proposals that fit the current coding prompt", async () => {
    const t = db();
    const todo = await makeProject(t, "todo");
    const other = await makeProject(t, "other");
    const s1 = await reviewedSession(t.stores, todo.id, { recommendations: [SCREENSHOT] });
    const s2 = await reviewedSession(t.stores, todo.id, {
      issues: [NO_BROWSER, { rule: "no_commit", points: -2, reason: "no commit" }],
    });
    await reviewedSession(t.stores, other.id, {});
    const requestsBefore = scripted().requests.length;

    const outcome = await analyzePrompts(analysisDeps(t), { project_ids: [todo.id] });

    const { analysis, proposals, dropped } = outcome;
    expect(analysis).toMatchObject({
      status: "completed",
      sessions_analyzed: 2,
      project_ids: [todo.id],
      error: null,
    });
    expect(analysis.model).toBeTruthy();
    const themes = analysis.themes as Theme[];
    expect(themes.map((th) => [th.theme, th.sessions.map((s) => s.session_id)])).toEqual([
      ["no_browser_verification", [s1.id, s2.id]],
      ["no_commit", [s2.id]],
    ]);
    // The request carried the themes, their sessions and the current prompts.
    const request = scripted()
      .requests.slice(requestsBefore)
      .find((r) => r.kind === "main");
    const sent = request?.request ? firstUserText(request.request) : "";
    expect(sent).toContain(`### no_browser_verification: 2 sessions`);
    expect(sent).toContain(`id ${s1.id} (todo session ${s1.number})`);
    expect(sent).toContain(readBuiltinPrompt("coding"));
    expect(JSON.stringify(request?.request?.system)).toContain("You improve the prompts");

    const coding = await t.stores.prompts.active("coding");
    expect(proposals).toHaveLength(1);
    const [proposal] = proposals;
    expect(proposal).toMatchObject({
      prompt_name: "coding",
      prompt_version_id: coding?.id,
      theme: "no_browser_verification",
      status: "proposed",
      confidence: 0.8,
      evidence: [
        { session_id: s1.id, project: "todo", session_number: s1.number },
        { session_id: s2.id, project: "todo", session_number: s2.number },
      ],
    });
    expect(coding?.content).toContain(proposal?.before_text);
    expect(proposal?.after_text).toContain(SCRIPTED_PROMPT_ADDITION);
    // The edit to text no prompt holds was left out, and said so.
    expect(dropped).toEqual([
      expect.objectContaining({ prompt: "initializer", before: SCRIPTED_MISSING_BEFORE }),
    ]);
    expect(analysis.summary_markdown).toContain("## Proposals left out");
    expect(await t.stores.prompts.listProposals(analysis.id)).toEqual(proposals);
  });

  it("applies a proposal so the next coding session's first request carries it, and rolls it back", async () => {
    const t = db();
    const w = makeWorld();
    const project = await createProject(t.stores, {
      name: "greeter",
      directory: join(w.root, "greeter"),
      spec: w.write("s.md", "# S\n- Say hello\n"),
    });
    const first = await codingSession(t, project);
    expect(first.prompt).toContain("reading code is not verification");
    expect(first.prompt).not.toContain(SCRIPTED_PROMPT_ADDITION);
    await t.stores.quality.add({
      session_id: first.session.id,
      kind: "quick",
      rating: 3,
      issues: [NO_BROWSER],
    });

    const { proposals } = await analyzePrompts(analysisDeps(t), { project_ids: [project.id] });
    const [proposal] = proposals;
    if (!proposal) throw new Error("no proposal");
    const { version, previous } = await applyProposal(t.stores, proposal.id);
    expect(previous.id).toBe(first.session.prompt_version_id);

    const second = await codingSession(t, project);
    expect(second.prompt).toContain(SCRIPTED_PROMPT_ADDITION);
    expect(second.session.prompt_version_id).toBe(version.id);

    await activateVersion(t.stores, "coding", previous.version);
    const third = await codingSession(t, project);
    expect(third.prompt).not.toContain(SCRIPTED_PROMPT_ADDITION);
    // The rendered prompt (after Claude Code's own context preamble) is version 1's again.
    const rendered = (prompt: string, n: number) =>
      prompt.slice(prompt.indexOf("# Session")).replaceAll(`Session ${n}`, "Session N");
    expect(rendered(third.prompt, third.session.number)).toBe(rendered(first.prompt, first.session.number));
    expect(third.session.prompt_version_id).toBe(previous.id);

    const stats = await t.stores.prompts.versionsWithStats("coding");
    expect(stats.map((v) => [v.version, v.stats.sessions, v.stats.avg_quick_rating])).toEqual([
      [previous.version, 2, 3],
      [version.version, 1, null],
    ]);
  });

  it("records an analysis as failed when the model's reply cannot be read", async () => {
    const t = db();
    const p = await makeProject(t);
    await reviewedSession(t.stores, p.id, {});
    const vague = await startScriptedModel(() => textReply("Looks fine to me."));
    try {
      const { analysis, proposals } = await analyzePrompts(analysisDeps(t, vague.env()), { project_ids: [] });
      expect(analysis.status).toBe("error");
      expect(analysis.error).toContain("holds no fenced JSON block");
      expect(analysis.completed_at).not.toBeNull();
      expect(proposals).toEqual([]);
    } finally {
      await vague.close();
    }
  });

  it("completes without a model call when no session was reviewed, and refuses a bad scope", async () => {
    const t = db();
    const p = await makeProject(t);
    await reviewedSession(t.stores, p.id, {});
    const before = scripted().requests.length;
    const { analysis } = await analyzePrompts(analysisDeps(t), {
      project_ids: [p.id],
      date_from: "2099-01-01T00:00:00.000Z",
    });
    expect(analysis).toMatchObject({ status: "completed", sessions_analyzed: 0, themes: [] });
    expect(scripted().requests.length).toBe(before);

    const missing = await analyzePrompts(analysisDeps(t), { project_ids: [999] }).catch((e: unknown) => e);
    expect(isBatonError(missing, "BATON_PROJECT_NOT_FOUND")).toBe(true);
    const badDate = await analyzePrompts(analysisDeps(t), { date_from: "last week" }).catch(
      (e: unknown) => e,
    );
    expect(isBatonError(badDate, "BATON_VALIDATION")).toBe(true);
    const noKey = await analyzePrompts({ ...analysisDeps(t), env: {} }, {}).catch((e: unknown) => e);
    expect(isBatonError(noKey, "BATON_CREDENTIALS_MISSING")).toBe(true);
    expect(await t.stores.prompts.listAnalyses()).toHaveLength(1);
  });
});
