import { describe, expect, it } from "vitest";
import { diffTokens, sideBySide, wordChanges } from "../../web/components/prompts/line-diff.ts";

describe("the prompts page's side-by-side diff", () => {
  it("finds the longest common subsequence of two token lists", () => {
    expect(diffTokens(["a", "b", "c"], ["a", "c", "d"])).toEqual([
      { op: "same", value: "a" },
      { op: "removed", value: "b" },
      { op: "same", value: "c" },
      { op: "added", value: "d" },
    ]);
    expect(diffTokens([], ["x"])).toEqual([{ op: "added", value: "x" }]);
  });

  it("faces a removed line with the line added in its place, and numbers each side", () => {
    const rows = sideBySide("one\ntwo\nthree", "one\n2\nthree\nfour");
    expect(rows.map((r) => [r.kind, r.left, r.right, r.leftNumber, r.rightNumber])).toEqual([
      ["same", "one", "one", 1, 1],
      ["changed", "two", "2", 2, 2],
      ["same", "three", "three", 3, 3],
      ["added", null, "four", null, 4],
    ]);
    expect(sideBySide("a\nb", "a").map((r) => r.kind)).toEqual(["same", "removed"]);
  });

  it("marks the changed words of a changed line, neighbours joined into one phrase", () => {
    const { left, right } = wordChanges(
      "Verify it in the browser.",
      "Verify it in the browser. Take a screenshot.",
    );
    expect(left).toEqual([{ id: 0, text: "Verify it in the browser.", changed: false }]);
    expect(right).toEqual([
      { id: 0, text: "Verify it in the browser.", changed: false },
      { id: 1, text: " Take a screenshot.", changed: true },
    ]);
  });
});
