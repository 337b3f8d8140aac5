import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { sessionSecurity } from "../../src/agent/session-security.ts";
import { Config } from "../../src/config/schema.ts";
import { allToolResults, sequence, textReply, toolUseReply } from "../../src/scripted-model/index.ts";
import { codingSession, useScriptedRun } from "../helpers/scripted-run.ts";
import { makeWorld } from "../helpers/world.ts";

const setUp = useScriptedRun();

it("refuses dangerous commands and file writes outside the project before they run, tells the model why, and records them", async () => {
  const w = makeWorld();
  const outside = join(w.root, "outside.txt");
  const { model, t } = await setUp(
    sequence([
      toolUseReply({ name: "Bash", input: { command: "echo ok && sudo apt-get install -y curl" } }),
      toolUseReply({ name: "Bash", input: { command: 'X=~; "r""m" -rf $X' } }),
      toolUseReply({ name: "Bash", input: { command: "echo allowed > note.txt" } }),
      toolUseReply({ name: "Write", input: { file_path: outside, content: "escaped" } }),
      toolUseReply({ name: "Write", input: { file_path: "src/inside.txt", content: "kept" } }),
      (request) =>
        textReply(
          allToolResults(request)
            .map((r) => r.text)
            .join(" | "),
        ),
    ]),
  );
  // Without the OS sandbox, so that the policy and the file rules are what stops each call.
  const security = await sessionSecurity(Config.parse({ sandbox: { type: "none" } }), w.home);
  const { project, outcome } = await codingSession(t, model, { security });
  expect(outcome.status).toBe("completed");
  expect(outcome.session).toMatchObject({ tool_calls: 5, denied_commands: 3 });
  const events = await t.stores.sessions.listEvents(outcome.session.id);
  const denials = events
    .filter((e) => e.type === "security")
    .map((e) => e.payload as { command: string; reason: string; by: string });
  expect(denials.map((d) => [d.by, d.command])).toEqual([
    ["command_policy", "echo ok && sudo apt-get install -y curl"],
    ["command_policy", 'X=~; "r""m" -rf $X'],
    ["file_access", outside],
  ]);
  expect(denials[0]?.reason).toMatch(/sudo/);
  expect(denials[2]?.reason).toContain(outside);
  const results = events
    .filter((e) => e.type === "tool_result")
    .map((e) => e.payload as { is_error: boolean; content: string });
  expect(results[0]).toMatchObject({ is_error: true });
  expect(results[0]?.content).toContain("Baton's command policy refused this command");
  expect(results[2]).toMatchObject({ is_error: false });
  expect(results[3]).toMatchObject({ is_error: true });
  expect(results[3]?.content).toContain("Baton's file access rules refused this call");
  expect(existsSync(outside)).toBe(false);
  expect(readFileSync(join(project.directory, "note.txt"), "utf8")).toBe("allowed\n");
  expect(readFileSync(join(project.directory, "src/inside.txt"), "utf8")).toBe("kept");
  const log = readFileSync(outcome.logs.txt, "utf8");
  expect(log).toMatch(/DENIED +Bash echo ok && sudo apt-get install -y curl/);
  expect(log).toMatch(/DENIED +Write /);
  // Running without the sandbox is said in every session.
  expect(
    events.some(
      (e) =>
        e.type === "system" && (e.payload as { message: string }).message.includes("sandbox.type is none"),
    ),
  ).toBe(true);
});
