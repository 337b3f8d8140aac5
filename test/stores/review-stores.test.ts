import { expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { makeProject } from "./fixtures.ts";

describeEachDatabase("quality and prompt stores", (db) => {
  it("stores quick and deep checks with their structured findings", async () => {
    const t = db();
    const p = await makeProject(t);
    const version = await t.stores.prompts.createVersion({
      name: "coding",
      content: "v1",
      source: "builtin",
      activate: true,
    });
    const s = await t.stores.sessions.create(p.id, {
      type: "coding",
      model: "sonnet",
      prompt_version_id: version.id,
    });
    await t.stores.quality.add({
      session_id: s.id,
      kind: "quick",
      rating: 4,
      metrics: { tool_calls: 12 },
      issues: [{ rule: "no_browser", points: -6, reason: "no browser verification on a UI task" }],
    });
    await t.stores.quality.add({
      session_id: s.id,
      kind: "deep",
      rating: 6,
      report_markdown: "# Review",
      recommendations: [{ priority: "high", theme: "verification", text: "take a screenshot" }],
    });
    const checks = await t.stores.quality.forSession(s.id);
    expect(checks.map((c) => c.kind)).toEqual(["quick", "deep"]);
    expect(checks[0]).toMatchObject({
      project_id: p.id,
      prompt_version_id: version.id,
      metrics: { tool_calls: 12 },
    });
    expect(checks[0]?.issues[0]?.points).toBe(-6);
    expect(checks[1]?.recommendations[0]?.theme).toBe("verification");
    expect((await t.stores.quality.forProject(p.id, { kind: "deep" })).map((c) => c.rating)).toEqual([6]);
    await expect(t.stores.quality.add({ session_id: s.id, kind: "quick", rating: 11 })).rejects.toThrow(
      "invalid quality check",
    );
  });

  it("numbers prompt versions and keeps exactly one active per prompt, with rollback", async () => {
    const t = db();
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
    const i1 = await t.stores.prompts.createVersion({
      name: "initializer",
      content: "plan",
      source: "builtin",
      activate: true,
    });
    expect([v1.version, v2.version, i1.version]).toEqual([1, 2, 1]);
    expect(v2.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.stores.prompts.active("coding"))?.content).toBe("two");
    await t.stores.prompts.activate(v1.id);
    expect((await t.stores.prompts.active("coding"))?.id).toBe(v1.id);
    expect((await t.stores.prompts.active("initializer"))?.id).toBe(i1.id);
    expect((await t.stores.prompts.listVersions("coding")).map((v) => [v.version, v.active])).toEqual([
      [1, true],
      [2, false],
    ]);
    // The database itself refuses a second active version.
    await expect(
      t.database.db.updateTable("prompt_versions").set({ active: 1 }).where("id", "=", v2.id).execute(),
    ).rejects.toThrow();
    const missing = await t.stores.prompts.activate(9999).catch((e: unknown) => e);
    expect(isBatonError(missing, "BATON_PROMPT_VERSION_NOT_FOUND")).toBe(true);
  });

  it("keeps analyses with their proposals and deletes them together", async () => {
    const t = db();
    const p = await makeProject(t);
    const a = await t.stores.prompts.createAnalysis({
      project_ids: [p.id],
      date_from: "2026-01-01T00:00:00.000Z",
    });
    expect(a).toMatchObject({ status: "pending", project_ids: [p.id], themes: [] });
    const [proposal] = await t.stores.prompts.addProposals(a.id, [
      {
        prompt_name: "coding",
        theme: "verification",
        before_text: "a",
        after_text: "b",
        evidence: [{ session: 3 }],
        confidence: 0.8,
      },
    ]);
    const done = await t.stores.prompts.updateAnalysis(a.id, {
      status: "completed",
      themes: [{ theme: "verification" }],
    });
    expect(done.completed_at).not.toBeNull();
    const accepted = await t.stores.prompts.setProposalStatus(proposal?.id ?? 0, "accepted");
    expect(accepted).toMatchObject({ status: "accepted", evidence: [{ session: 3 }], confidence: 0.8 });
    await t.stores.prompts.deleteAnalysis(a.id);
    expect(await t.stores.prompts.listProposals(a.id)).toEqual([]);
    await expect(t.stores.prompts.getAnalysis(a.id)).rejects.toThrow("no prompt analysis");
  });
});
