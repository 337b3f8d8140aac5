import { expect, it } from "vitest";
import { fitItems, sessionExcerpt } from "../../src/review/excerpt.ts";
import type { SessionEvent } from "../../src/sessions/model.ts";

let seq = 0;
const ev = (type: string, payload: unknown): SessionEvent => ({
  id: ++seq,
  session_id: 1,
  project_id: 1,
  seq,
  ts: "2026-01-01T00:00:00.000Z",
  type,
  payload,
});
const call = (id: string, name: string, input: unknown, content: string, is_error = false) => [
  ev("tool_use", { tool_use_id: id, name, input }),
  ev("tool_result", { tool_use_id: id, name, is_error, content, duration_ms: 1 }),
];

it("keeps the task, each error with the call that caused it, refusals, failing tests, the last words and the end", () => {
  const events = [
    ev("prompt", { text: "the long coding prompt ".repeat(200) }),
    ...call("a", "mcp__tasks__get_next_task", {}, '{"task":{"id":4,"description":"Show the notes page"}}'),
    ev("assistant_text", { text: "Now I run the tests." }),
    ...call("b", "Bash", { command: "npm test" }, "Error: Cannot find module 'jest'", true),
    ev("security", {
      tool: "Bash",
      command: "sudo apt-get install jest",
      allowed: false,
      reason: "sudo is blocked",
      by: "command_policy",
    }),
    ...call(
      "c",
      "mcp__tasks__update_test_result",
      { test_id: 9, passes: false, evidence: "the list is empty" },
      "{}",
    ),
    ev("assistant_text", { text: "I could not make the tests run." }),
    ev("result", {
      subtype: "success",
      is_error: false,
      num_turns: 5,
      duration_ms: 10,
      cost_usd: 0.1234,
      usage: {},
      text: "Stopped: tests do not run.",
    }),
    ev("session_end", { status: "completed", reason: null, duration_ms: 10, metrics: {} }),
  ];
  const excerpt = sessionExcerpt(events);
  expect(excerpt).not.toContain("the long coding prompt");
  expect(excerpt).toContain('"description":"Show the notes page"');
  expect(excerpt).toMatch(
    /tool error, #\d+ Bash \{"command":"npm test"\}\n {2}→ Error: Cannot find module 'jest'\n {2}\(it had said: Now I run the tests\.\)/,
  );
  expect(excerpt).toMatch(
    /refused \(command_policy\), #\d+ Bash sudo apt-get install jest\n {2}→ sudo is blocked/,
  );
  expect(excerpt).toContain('"passes":false,"evidence":"the list is empty"');
  expect(excerpt).toContain("I could not make the tests run.");
  expect(excerpt).toContain("- result: success, 5 turns, $0.1234\n  Stopped: tests do not run.");
  expect(excerpt).toContain("- ended completed");
});

it("stays within its budget on a long session, keeping the first and the last calls and saying what was left out", () => {
  const events = Array.from({ length: 600 }, (_, i) =>
    call(`t${i}`, "Read", { file_path: `/p/src/file-${i}.ts` }, "x".repeat(300), i % 50 === 0),
  ).flat();
  const excerpt = sessionExcerpt(events, 6_000);
  expect(excerpt.length).toBeLessThan(6_000 + 400);
  expect(excerpt).toContain("Every tool call (600)");
  expect(excerpt).toContain("file-0.ts");
  expect(excerpt).toContain("file-599.ts");
  expect(excerpt).toMatch(/… \d+ more omitted …/);
});

it("fits items from both ends, newest first", () => {
  expect(fitItems(["a", "b", "c"], 100)).toEqual(["a", "b", "c"]);
  expect(fitItems(["1111", "2222", "3333", "4444", "5555"], 10)).toEqual([
    "1111",
    "… 3 more omitted …",
    "5555",
  ]);
});
