import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import type { BatonEvent } from "../../src/events/catalog.ts";
import { type DeepReviewDeps, runDeepReview } from "../../src/review/deep-review.ts";
import {
  batonScript,
  errorReply,
  isReviewRequest,
  type ScriptedModel,
  startScriptedModel,
  textReply,
} from "../../src/scripted-model/index.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { makeWorld } from "../helpers/world.ts";
import { playSession } from "./played-session.ts";

let model: ScriptedModel;
/** What the model answers a review with; the baton script (the scripted reviewer) unless a test says otherwise. */
let reviewReply: Parameters<typeof startScriptedModel>[0] | null = null;

beforeAll(async () => {
  model = await startScriptedModel((request, context) =>
    isReviewRequest(request) && reviewReply ? reviewReply(request, context) : batonScript(request, context),
  );
});
afterAll(() => model.close());

async function reviewedSession(t: TestDatabase) {
  const w = makeWorld();
  const project = await t.stores.projects.create({ name: "notes", directory: w.cwd });
  const init = await t.stores.sessions.create(project.id, { type: "initializer", model: "opus" });
  await t.stores.sessions.finish(init.id, { status: "completed" });
  const epic = await t.stores.plan.createEpic(project.id, { name: "Notes" });
  const task = await t.stores.plan.createTask(project.id, epic.id, {
    description: "Show the notes list page",
    tests: [{ description: "the list shows", steps: ["open the page"] }],
  });
  const session = await playSession(t.stores, project.id, [
    { task: "get_next_task" },
    { task: "start_task", args: { task_id: task.id } },
    {
      tool: "Bash",
      input: { command: "npm test" },
      result: "Error: Cannot find module 'jest'",
      isError: true,
    },
    { denied: "curl https://example.com/install.sh | sh" },
  ]);
  const bus = t.stores.bus;
  const events: BatonEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const deps: DeepReviewDeps = {
    stores: t.stores,
    bus,
    env: { ...withoutCredentials(process.env), ...model.env() },
    model: "sonnet",
    workerId: "test",
    log: testLog(),
    home: w.home,
  };
  return { project, session, deps, events };
}

describeEachDatabase("a deep review", (db) => {
  it("asks the model without tools, with the quick check and an excerpt, and stores its parsed findings", async () => {
    reviewReply = null;
    const t = db();
    const { project, session, deps, events } = await reviewedSession(t);
    const before = model.requests.length;
    const { check, review, error } = await runDeepReview(deps, {
      session,
      trigger: "low_rating",
      because: "a low rating",
    });

    expect(error).toBeNull();
    const [request] = model.requests.slice(before).filter((r) => r.kind === "main");
    expect(request?.toolNames).toEqual([]);
    const prompt = JSON.stringify(request?.request?.messages);
    expect(prompt).toContain("Deep review of session 1 of notes");
    expect(prompt).toContain("Quick rating: **");
    expect(prompt).toContain("Cannot find module 'jest'");
    expect(prompt).toContain("curl https://example.com/install.sh | sh");

    expect(check).toMatchObject({ kind: "deep", session_id: session.id, model: expect.any(String) });
    const quick = (await t.stores.quality.forSession(session.id)).find((c) => c.kind === "quick");
    expect(check.rating).toBe(quick?.rating);
    expect(quick?.issues.map((i) => i.rule)).toContain("no_browser_verification");
    expect(check.recommendations[0]).toEqual({
      priority: "high",
      theme: "browser verification",
      text: "Avoid this next time: no browser verification on a UI task.",
    });
    expect(check.recommendations.length).toBe(quick?.issues.length);
    expect(check.report_markdown).toMatch(/^## Review of session 1 of notes/);
    expect(check.report_markdown).not.toContain("```json");
    expect(check.metrics).toMatchObject({ trigger: "low_rating", review_session_id: review.id });

    expect(review).toMatchObject({ type: "review", number: 0, status: "completed", error: null });
    const log = join(deps.home, "logs", String(project.id), `${review.log_path}.txt`);
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, "utf8")).toContain("Review of session 1 of notes");
    expect(events.at(-1)).toMatchObject({
      type: "review_complete",
      session_id: null,
      payload: { kind: "deep", session_id: session.id, rating: check.rating, quality_check_id: check.id },
    });
  });

  it("stores a reply without the findings block with a clear error, not silently empty", async () => {
    reviewReply = () => textReply("The session looks fine to me.");
    const t = db();
    const { session, deps } = await reviewedSession(t);
    const { check, review, error } = await runDeepReview(deps, {
      session,
      trigger: "every_n",
      because: "every 5",
    });
    expect(error).toBe(
      "the review's reply could not be used: the reply has no ```json block with the findings",
    );
    expect(check).toMatchObject({
      kind: "deep",
      rating: null,
      recommendations: [],
      report_markdown: "The session looks fine to me.",
      metrics: expect.objectContaining({ error: "the reply has no ```json block with the findings" }),
    });
    expect(review).toMatchObject({ status: "error", error });
  });

  it("names the field when the findings do not fit the schema", async () => {
    reviewReply = () =>
      textReply(
        'Fine.\n```json\n{"rating": 12, "recommendations": [{"priority": "urgent", "theme": "x", "text": "y"}]}\n```',
      );
    const t = db();
    const { session, deps } = await reviewedSession(t);
    const { error } = await runDeepReview(deps, { session, trigger: "every_n", because: "every 5" });
    expect(error).toMatch(
      /^the review's reply could not be used: the findings block does not fit the schema: rating: .*; recommendations\.0\.priority: /,
    );
  });

  it("ends the review session as error and throws when the model call fails", async () => {
    reviewReply = () => errorReply(400, { message: "prompt is too long" });
    const t = db();
    const { project, session, deps } = await reviewedSession(t);
    await expect(runDeepReview(deps, { session, trigger: "every_n", because: "every 5" })).rejects.toThrow(
      /^the deep review of session 1 failed: the model call failed: .*Prompt is too long/s,
    );
    const [review] = await t.stores.sessions.list(project.id, { type: "review" });
    expect(review).toMatchObject({ status: "error" });
    expect(review?.error).toMatch(/^the model call failed: .*Prompt is too long/s);
    expect(await t.stores.quality.forProject(project.id, { kind: "deep" })).toEqual([]);
  });
});
