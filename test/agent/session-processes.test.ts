import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { groupIsLive } from "../../src/agent/process-group.ts";
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

it("counts a process group left with only a zombie as ended (a zombie cannot be signalled, and init may reap it late)", async () => {
  // `sh` starts `sleep 0` in the background, then becomes `sleep 300`, which never reaps it: a
  // zombie in the group beside a live process.
  const child = spawn("sh", ["-c", "sleep 0 & exec sleep 300"], { detached: true, stdio: "ignore" });
  const pgid = child.pid ?? 0;
  const zombie = async () => {
    for (let i = 0; i < 200; i++) {
      const members = readdirSync("/proc").filter((e) => {
        try {
          const stat = readFileSync(`/proc/${e}/stat`, "latin1");
          const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          return Number(pgrp) === pgid && state === "Z";
        } catch {
          return false;
        }
      });
      if (members.length > 0) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  };
  expect(await zombie()).toBe(true);
  expect(groupIsLive(pgid)).toBe(true);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(pgid, "SIGKILL");
  await exited;
  // Only the zombie (re-parented, not yet reaped) or nothing is left: the group is over.
  expect(groupIsLive(pgid)).toBe(false);
});
