import { join } from "node:path";
import { expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { runSession } from "../../src/agent/run-session.ts";
import { EventBus } from "../../src/events/bus.ts";
import { createProject } from "../../src/projects/create-project.ts";
import { lastToolResult, sequence, textReply, toolUseReply } from "../../src/scripted-model/index.ts";
import { processesIn } from "../helpers/processes.ts";
import { useScriptedRun } from "../helpers/scripted-run.ts";
import { makeWorld } from "../helpers/world.ts";

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
  const w = makeWorld();
  const project = await createProject(t.stores, {
    name: "bg",
    directory: join(w.root, "bg"),
    spec: w.write("s.md", "# S"),
  });
  const outcome = await runSession(
    {
      stores: t.stores,
      bus: new EventBus(),
      env: { ...withoutCredentials(process.env), ...model.env() },
      workerId: "w",
      browser: null,
    },
    { project, type: "coding", model: "sonnet" },
  );
  expect(outcome.status).toBe("completed");
  expect(Number(running.trim())).toBeGreaterThanOrEqual(2);
  expect(processesIn(project.directory)).toEqual([]);
});
