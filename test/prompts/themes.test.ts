import { describe, expect, it } from "vitest";
import { citedSessionIds, parseAnalysisReply } from "../../src/review/analysis-reply.ts";
import type { PromptVersion } from "../../src/review/model.ts";
import { applyEdit, checkEdit } from "../../src/review/prompt-edit.ts";
import { screenProposals } from "../../src/review/screen-proposals.ts";
import { type Finding, groupThemes, normalizeTheme, type SessionRef } from "../../src/review/themes.ts";

const ref = (id: number): SessionRef => ({
  session_id: id,
  project_id: 1,
  project: "todo",
  session_number: id,
});

const finding = (id: number, theme: string, extra: Partial<Finding> = {}): Finding => ({
  source: "quick_issue",
  theme,
  text: `problem in ${id}`,
  points: -2,
  priority: null,
  session: ref(id),
  ...extra,
});

describe("themes", () => {
  it("folds the spellings of a theme into one name", () => {
    expect(normalizeTheme("Browser Verification")).toBe("browser_verification");
    expect(normalizeTheme(" browser-verification ")).toBe("browser_verification");
    expect(normalizeTheme("no_browser_verification")).toBe("no_browser_verification");
    expect(normalizeTheme("  !! ")).toBe("general");
  });

  it("groups findings by theme, counting sessions, points and examples, most widespread first", () => {
    const themes = groupThemes([
      finding(1, "Tests without evidence", { text: "no evidence" }),
      finding(1, "tests_without_evidence", { text: "no evidence" }),
      finding(2, "Commit", { points: -1, text: "no commit" }),
      finding(3, "tests-without-evidence", { text: "evidence was 'ok'" }),
      finding(3, "commit", {
        source: "recommendation",
        points: 0,
        priority: "high",
        text: "commit each task",
      }),
      finding(4, "commit", { points: -3, text: "no commit" }),
    ]);
    expect(themes.map((t) => t.theme)).toEqual(["commit", "tests_without_evidence"]);
    const [commit, evidence] = themes;
    expect(commit).toMatchObject({
      count: 3,
      quick_issues: 2,
      recommendations: 1,
      points: -4,
      high_priority: 1,
    });
    expect(commit?.sessions.map((s) => s.session_id)).toEqual([2, 3, 4]);
    expect(commit?.examples).toEqual(["no commit", "commit each task"]);
    expect(evidence).toMatchObject({ count: 3, points: -6, examples: ["no evidence", "evidence was 'ok'"] });
    expect(evidence?.sessions.map((s) => s.session_id)).toEqual([1, 3]);
  });
});

describe("prompt edits", () => {
  it("makes an edit only where the before text occurs exactly once", () => {
    expect(applyEdit("a b c", "b", "B $&")).toBe("a B $& c");
    expect(checkEdit("a b c", "x", "y")).toBe("not_found");
    expect(checkEdit("a a", "a", "b")).toBe("ambiguous");
    expect(checkEdit("a", " ", "b")).toBe("empty_before");
    expect(checkEdit("a", "a", "a")).toBe("unchanged");
    expect(applyEdit("a a", "a", "b")).toBeNull();
    expect(checkEdit("Session {{n}}: go.", "go.", "go, {{n}} and {{project}}.")).toBe("new_placeholder");
    expect(applyEdit("Session {{n}}: go.", "go.", "go ({{n}}).")).toBe("Session {{n}}: go ({{n}}).");
  });
});

describe("the analysis reply", () => {
  const body = {
    summary: "s",
    proposals: [{ prompt: "coding", theme: "t", before: "b", after: "a", evidence: [3, "id 4", "x"] }],
  };

  it("reads the last fenced JSON block, with defaults for what the model left out", () => {
    const reply = parseAnalysisReply(
      `Here:\n\`\`\`json\n{"nope": true, "proposals": "x"}\n\`\`\`\nthen\n\`\`\`json\n${JSON.stringify(body)}\n\`\`\``,
    );
    expect(reply.proposals[0]).toMatchObject({ before: "b", rationale: "", confidence: null });
    expect(citedSessionIds(reply.proposals[0]?.evidence ?? [])).toEqual([3, 4]);
    expect(parseAnalysisReply(JSON.stringify(body)).summary).toBe("s");
  });

  it("refuses a reply without a usable JSON block", () => {
    expect(() => parseAnalysisReply("I have no proposals.")).toThrow("holds no fenced JSON block");
    expect(() => parseAnalysisReply('```json\n{"proposals": [{"prompt": "coding"}]}\n```')).toThrow(
      "does not fit",
    );
  });

  it("keeps only edits that fit the current prompt, with evidence from the sessions read", () => {
    const coding = {
      id: 7,
      name: "coding",
      version: 2,
      content: "Verify it.\nCommit it.\n",
    } as PromptVersion;
    const { proposals, dropped } = screenProposals(
      [
        {
          prompt: "coding",
          theme: "Verify",
          before: "Verify it.",
          after: "Verify it in the browser.",
          rationale: "r",
          evidence: [1, 99],
          confidence: 1.4,
        },
        {
          prompt: "coding",
          theme: "x",
          before: "Test it.",
          after: "y",
          rationale: "",
          evidence: [],
          confidence: null,
        },
        {
          prompt: "initializer",
          theme: "x",
          before: "Plan.",
          after: "y",
          rationale: "",
          evidence: [],
          confidence: null,
        },
      ],
      new Map([["coding", coding]]),
      new Map([[1, ref(1)]]),
    );
    expect(proposals).toEqual([
      {
        prompt_name: "coding",
        prompt_version_id: 7,
        theme: "verify",
        before_text: "Verify it.",
        after_text: "Verify it in the browser.",
        rationale: "r",
        evidence: [ref(1)],
        confidence: 1,
      },
    ]);
    expect(dropped.map((d) => d.reason)).toEqual([
      "its before text is not in the prompt",
      "there is no initializer prompt to edit",
    ]);
  });
});
