import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { ruleSettings } from "../../src/review/quick-rules.ts";
import { makeWorld } from "../helpers/world.ts";

describe("review.rules", () => {
  it("takes per-rule points and thresholds from a config file, over the defaults", () => {
    const w = makeWorld();
    const file = w.write(
      "baton-home/config.yaml",
      "review:\n  deep_every: 3\n  rules:\n    no_browser_verification: { points: 4 }\n    tool_error_rate: { threshold: 0.5 }\n",
    );
    const loaded = loadConfig({ cwd: w.cwd, env: w.env });
    expect(loaded.config.review).toEqual({
      deep_every: 3,
      deep_below_rating: 7,
      rules: { no_browser_verification: { points: 4 }, tool_error_rate: { threshold: 0.5 } },
    });
    expect(loaded.origins["review.rules"]).toEqual({ kind: "file", path: file });
    const settings = ruleSettings(loaded.config.review.rules);
    expect(settings.no_browser_verification).toEqual({ points: 4, threshold: null });
    expect(settings.tool_error_rate).toEqual({ points: 2, threshold: 0.5 });
    expect(settings.denied_commands).toEqual({ points: 1, threshold: 3 });
  });

  it("reads BATON_REVIEW_RULES as JSON", () => {
    const w = makeWorld();
    const loaded = loadConfig({
      cwd: w.cwd,
      env: { ...w.env, BATON_REVIEW_RULES: '{"session_failed": {"points": 0}}' },
    });
    expect(loaded.config.review.rules).toEqual({ session_failed: { points: 0 } });
    expect(loaded.origins["review.rules"]).toEqual({ kind: "env", name: "BATON_REVIEW_RULES" });
  });

  it.each([
    ["an unknown rule", "review:\n  rules:\n    no_browsr: { points: 1 }\n", '{"no_browsr":{"points":1}}'],
    ["points over 10", "review:\n  rules:\n    no_commit: { points: 11 }\n", '{"no_commit":{"points":11}}'],
    ["an unknown setting", "review:\n  rules:\n    no_commit: { weight: 1 }\n", '{"no_commit":{"weight":1}}'],
  ])("refuses %s, naming the file, the key and what is expected", (_, yaml, shown) => {
    const w = makeWorld();
    w.write("project/baton.yaml", yaml);
    expect(() => loadConfig({ cwd: w.cwd, env: w.env })).toThrow(
      `baton.yaml: review.rules: expected a mapping of rule names (no_browser_verification, tool_error_rate, tests_without_evidence, not_oriented, done_without_test_results, no_task_completed, no_commit, denied_commands, session_failed, cost_per_passing_test) to { points: 0–10, threshold: ≥ 0 }, got ${shown}`,
    );
  });

  it("refuses a variable that is not JSON, showing it", () => {
    const w = makeWorld();
    expect(() => loadConfig({ cwd: w.cwd, env: { ...w.env, BATON_REVIEW_RULES: "no_commit=2" } })).toThrow(
      /^environment variable BATON_REVIEW_RULES: review\.rules: expected a mapping of rule names .*, got "no_commit=2"$/,
    );
  });
});
