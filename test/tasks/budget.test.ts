import { describe, expect, it } from "vitest";
import { measureTaskTools, TASK_TOOLS } from "../../src/tasks/tools.ts";

/** A coding session's system prompt, session prompt and all task tools share 4,000 tokens; the tools get half. */
const TOOL_BUDGET_TOKENS = 2_000;

describe("task tool definitions", () => {
  it("fit in 2,000 tokens (JSON characters / 4) all together", () => {
    const size = measureTaskTools(TASK_TOOLS);
    const largest = [...size.perTool].sort((a, b) => b.tokens - a.tokens).slice(0, 3);
    console.log(
      `task tool definitions: ${TASK_TOOLS.length} tools, ${size.chars} chars ≈ ${size.tokens} tokens (budget ${TOOL_BUDGET_TOKENS}); largest: ${largest.map((t) => `${t.name} ${t.tokens}`).join(", ")}`,
    );
    expect(size.tokens).toBeLessThanOrEqual(TOOL_BUDGET_TOKENS);
  });
});
