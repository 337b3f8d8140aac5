import { expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import {
  acceptProposal,
  activateVersion,
  applyProposal,
  diffVersions,
  rejectProposal,
} from "../../src/review/proposals.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { makeProject } from "../stores/fixtures.ts";
import { reviewedSession } from "./fixtures.ts";

const CODING = "# Coding\n\nVerify each test.\nCommit your work.\n";

/** An active coding version and one proposal against it. */
async function proposalOn(
  t: TestDatabase,
  before = "Verify each test.",
  after = "Verify each test in the browser.",
) {
  const version = await t.stores.prompts.createVersion({
    name: "coding",
    content: CODING,
    source: "manual",
    activate: true,
  });
  const analysis = await t.stores.prompts.createAnalysis({ project_ids: [] });
  const [proposal] = await t.stores.prompts.addProposals(analysis.id, [
    {
      prompt_name: "coding",
      prompt_version_id: version.id,
      theme: "verify",
      before_text: before,
      after_text: after,
    },
  ]);
  if (!proposal) throw new Error("no proposal stored");
  return { version, proposal };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describeEachDatabase("prompt proposals", (db) => {
  it("applies an accepted proposal as a new active version and records it on the proposal", async () => {
    const t = db();
    const { version, proposal } = await proposalOn(t);
    expect((await acceptProposal(t.stores, proposal.id)).status).toBe("accepted");
    const applied = await applyProposal(t.stores, proposal.id);
    expect(applied.previous.id).toBe(version.id);
    expect(applied.version).toMatchObject({
      name: "coding",
      version: 2,
      source: "proposal",
      active: true,
      content: "# Coding\n\nVerify each test in the browser.\nCommit your work.\n",
    });
    expect(applied.version.notes).toContain(`proposal ${proposal.id}`);
    expect(applied.proposal).toMatchObject({ status: "applied", applied_version_id: applied.version.id });
    expect((await t.stores.prompts.active("coding"))?.id).toBe(applied.version.id);

    const diff = await diffVersions(t.stores, "coding", 1, 2);
    expect(diff).toContain("--- coding v1");
    expect(diff).toContain("+++ coding v2");
    expect(diff).toContain("-Verify each test.\n+Verify each test in the browser.\n");

    // Rolling back is activating the earlier version.
    await activateVersion(t.stores, "coding", 1);
    expect((await t.stores.prompts.active("coding"))?.content).toBe(CODING);
  });

  it("refuses to apply a proposal whose before text is no longer in the active version, writing nothing", async () => {
    const t = db();
    const { proposal } = await proposalOn(t);
    const changed = await t.stores.prompts.createVersion({
      name: "coding",
      content: "# Coding\n\nCheck each test.\n",
      source: "manual",
      activate: true,
    });
    const error = await rejection(applyProposal(t.stores, proposal.id));
    expect(isBatonError(error, "BATON_PROPOSAL_STALE")).toBe(true);
    expect((error as Error).message).toBe(
      `proposal ${proposal.id} no longer fits version 2 of the coding prompt: its before text is not in the prompt`,
    );
    expect((await t.stores.prompts.listVersions("coding")).map((v) => v.version)).toEqual([1, 2]);
    expect((await t.stores.prompts.active("coding"))?.id).toBe(changed.id);
    expect((await t.stores.prompts.getProposal(proposal.id)).status).toBe("proposed");
  });

  it("refuses an edit whose before text occurs twice", async () => {
    const t = db();
    const { proposal } = await proposalOn(t, "each test", "every test");
    await t.stores.prompts.createVersion({
      name: "coding",
      content: "Verify each test. Record each test.",
      source: "manual",
      activate: true,
    });
    const error = await rejection(applyProposal(t.stores, proposal.id));
    expect((error as Error).message).toContain("occurs more than once");
  });

  it("moves proposals only along the allowed transitions", async () => {
    const t = db();
    const { proposal } = await proposalOn(t);
    await rejectProposal(t.stores, proposal.id);
    const notAccepted = await rejection(applyProposal(t.stores, proposal.id));
    expect(isBatonError(notAccepted, "BATON_PROPOSAL_INVALID_TRANSITION")).toBe(true);
    expect((notAccepted as Error).message).toContain("accept it first");
    await acceptProposal(t.stores, proposal.id);
    await applyProposal(t.stores, proposal.id);
    const again = await rejection(rejectProposal(t.stores, proposal.id));
    expect((again as Error).message).toContain("is applied already");
    const missing = await rejection(acceptProposal(t.stores, 9999));
    expect(isBatonError(missing, "BATON_PROPOSAL_NOT_FOUND")).toBe(true);
  });

  it("applies a proposal once when two people apply it at the same time", async () => {
    const t = db();
    const { proposal } = await proposalOn(t);
    const results = await Promise.allSettled([
      applyProposal(t.stores, proposal.id),
      applyProposal(t.stores, proposal.id),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((await t.stores.prompts.listVersions("coding")).map((v) => [v.version, v.active])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it("reports per version the sessions run and their average quick and deep ratings", async () => {
    const t = db();
    const p = await makeProject(t);
    const v1 = await t.stores.prompts.createVersion({
      name: "coding",
      content: "one",
      source: "builtin",
      activate: true,
    });
    const v2 = await t.stores.prompts.createVersion({
      name: "coding",
      content: "two",
      source: "proposal",
      activate: true,
    });
    await reviewedSession(t.stores, p.id, { rating: 4 }, v1.id);
    await reviewedSession(t.stores, p.id, { rating: 5, deepRating: 6 }, v1.id);
    await reviewedSession(t.stores, p.id, { rating: 9 }, v2.id);
    const unrated = await t.stores.sessions.create(p.id, {
      type: "coding",
      model: "sonnet",
      prompt_version_id: v2.id,
    });
    await t.stores.sessions.addUsage(unrated.id, { cost_usd: 0.5 });
    const stats = await t.stores.prompts.versionsWithStats("coding");
    expect(stats.map((v) => [v.version, v.stats])).toEqual([
      [
        1,
        {
          sessions: 2,
          avg_cost_usd: 0,
          quick_checks: 2,
          avg_quick_rating: 4.5,
          deep_reviews: 1,
          avg_deep_rating: 6,
        },
      ],
      [
        2,
        {
          sessions: 2,
          avg_cost_usd: 0.25,
          quick_checks: 1,
          avg_quick_rating: 9,
          deep_reviews: 0,
          avg_deep_rating: null,
        },
      ],
    ]);
  });
});
