import { expect, it } from "vitest";
import { lastToolResult, sequence, textReply, toolUseReply } from "../../src/scripted-model/index.ts";
import { processesIn } from "../helpers/processes.ts";
import { codingSession, useScriptedRun } from "../helpers/scripted-run.ts";

const setUp = useScriptedRun();

it("ends every process the session started, background servers included, when the session ends", async () => {
  let running = "";
  const { model, t } = await setUp(
    sequence([
      toolUseReply({
        name: "Bash",
        input: {
          command: "nohup sleep 300 >/dev/null 2>&1 & (sleep 301 &) ; sleep 0.2; pgrep -c -f 'sleep 30[01]'",
        },
      }),
      (request) => {
        running = lastToolResult(request)?.text ?? "";
        return textReply("started two servers");
      },
    ]),
  );
  const { project, outcome } = await codingSession(t, model);
  expect(outcome.status).toBe("completed");
  // The count is the last line (the sandboxed shell may warn before it, e.g. pyenv's read-only shims).
  expect(Number(running.trim().split("\n").at(-1)), running).toBeGreaterThanOrEqual(2);
  expect(processesIn(project.directory)).toEqual([]);
});

it("ends a session at once, as interrupted, when it is stopped before it even started", async () => {
  const { model, t } = await setUp();
  const stop = new AbortController();
  stop.abort("stopped by a person");
  const started = Date.now();
  const { outcome } = await codingSession(t, model, {}, { signal: stop.signal });
  expect(outcome.status).toBe("interrupted");
  expect(outcome.session).toMatchObject({
    status: "interrupted",
    interruption_reason: "stopped by a person",
  });
  expect(Date.now() - started).toBeLessThan(15_000);
});
