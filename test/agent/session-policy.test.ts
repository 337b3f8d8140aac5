import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { commandPolicy } from "../../src/agent/command-policy.ts";
import { Config } from "../../src/config/schema.ts";
import { allToolResults, sequence, textReply, toolUseReply } from "../../src/scripted-model/index.ts";
import { codingSession, useScriptedRun } from "../helpers/scripted-run.ts";

const setUp = useScriptedRun();

it("refuses a dangerous command before it runs, tells the model why, and records it", async () => {
  const { model, t } = await setUp(
    sequence([
      toolUseReply({ name: "Bash", input: { command: "echo ok && sudo apt-get install -y curl" } }),
      toolUseReply({ name: "Bash", input: { command: 'X=~; "r""m" -rf $X' } }),
      toolUseReply({ name: "Bash", input: { command: "echo allowed > note.txt" } }),
      (request) =>
        textReply(
          allToolResults(request, "Bash")
            .map((r) => r.text)
            .join(" | "),
        ),
    ]),
  );
  const { project, outcome } = await codingSession(t, model, {
    policy: await commandPolicy(Config.parse({}).security),
  });
  expect(outcome.status).toBe("completed");
  expect(outcome.session).toMatchObject({ tool_calls: 3, denied_commands: 2 });
  const events = await t.stores.sessions.listEvents(outcome.session.id);
  const denials = events
    .filter((e) => e.type === "security")
    .map((e) => e.payload as { command: string; reason: string });
  expect(denials.map((d) => d.command)).toEqual([
    "echo ok && sudo apt-get install -y curl",
    'X=~; "r""m" -rf $X',
  ]);
  expect(denials[0]?.reason).toMatch(/sudo/);
  const results = events
    .filter((e) => e.type === "tool_result")
    .map((e) => e.payload as { is_error: boolean; content: string });
  expect(results[0]).toMatchObject({ is_error: true });
  expect(results[0]?.content).toContain("Baton's command policy refused this command");
  expect(results[2]).toMatchObject({ is_error: false });
  expect(readFileSync(join(project.directory, "note.txt"), "utf8")).toBe("allowed\n");
  expect(readFileSync(outcome.logs.txt, "utf8")).toMatch(
    /DENIED +Bash echo ok && sudo apt-get install -y curl/,
  );
});
