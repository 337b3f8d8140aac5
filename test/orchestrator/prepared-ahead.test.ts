import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { PreparedSession } from "../../src/agent/prepared-session.ts";
import { runWorkSession } from "../../src/orchestrator/work-session.ts";
import { batonScript, firstUserText } from "../../src/scripted-model/index.ts";
import { testLog } from "../helpers/log.ts";
import { newProject } from "../helpers/projects.ts";
import { defaultSecurity, useScriptedRun } from "../helpers/scripted-run.ts";
import { harness, testConfig } from "./harness.ts";

const setUp = useScriptedRun();

/** Claude Code processes under this one (the test's worker), by pid. */
function claudeProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && /claude-agent-sdk.*claude/.test(cmdline)) found.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("starts the next session's Claude Code while the delay runs, and ends it when the run stops then", async () => {
  const { model, t } = await setUp(batonScript);
  const h = await harness(t, model, testConfig({ timing: { auto_continue_delay_s: 600 } }));
  const run = h.orchestrator.run(h.project.id, { auto: true });
  // The initializer ended and the delay before session 1 runs: session 1's Claude Code is up,
  // waiting for its prompt, though the session has not begun.
  await until("the delay", () => h.events.some((e) => e.type === "auto_continue"));
  const prepared = await until("Claude Code started ahead", () => claudeProcesses()[0]);
  expect((await h.stores.sessions.list(h.project.id)).map((s) => s.number)).toEqual([0]);
  expect(model.requests.some((r) => r.request && /Session 1 — /.test(firstUserText(r.request)))).toBe(false);

  await h.orchestrator.requestStop(h.project.id, null, "stopped in the delay");
  const result = await run;
  expect(result.end).toBe("stopped");
  // No session began, and the Claude Code prepared for it is gone.
  expect((await h.stores.sessions.list(h.project.id)).map((s) => s.number)).toEqual([0]);
  await until("the prepared Claude Code to end", () => !claudeProcesses().includes(prepared));
});

it("uses a Claude Code prepared ahead only for a session it fits: another model or sandbox gets its own", async () => {
  const { model, t } = await setUp(batonScript);
  const { project, world } = await newProject(t.stores, { spec: "# App\n\n## Features\n- One\n" });
  const deps = {
    stores: t.stores,
    bus: t.stores.bus,
    env: { ...withoutCredentials(process.env), ...model.env() },
    workerId: "w",
    log: testLog(),
    home: world.home,
    browser: null,
    security: await defaultSecurity(world.home),
  };
  /** A session of `type` on `model`, with a Claude Code prepared ahead for sonnet in the OS sandbox; its first request. */
  const session = async (type: "initializer" | "coding", model_: string, sessionDeps = deps) => {
    const prepared = await PreparedSession.prepare(deps, { project, model: "sonnet" });
    const before = model.requests.length;
    const outcome = await runWorkSession(sessionDeps, {
      project,
      type,
      model: model_,
      prepared: Promise.resolve(prepared),
    });
    expect(outcome.status).toBe("completed");
    return { prepared, first: model.requests.slice(before).find((r) => r.kind === "main") };
  };
  // The session is for opus (its settings changed during the delay).
  const { prepared: ahead, first } = await session("initializer", "opus");
  expect(ahead.used).toBe(false);
  expect(ahead.abort.signal.aborted).toBe(true);
  expect(first?.model).toMatch(/opus/);

  // The project's sandbox setting changed (none now): not the sandbox it was prepared in.
  const sandbox = { ...deps.security.sandbox, type: "none" as const };
  const unsandboxed = await session("coding", "sonnet", { ...deps, security: { ...deps.security, sandbox } });
  expect(unsandboxed.prepared.used).toBe(false);

  // Prepared for the session's own model and sandbox: that Claude Code runs it.
  const fits = await session("coding", "sonnet");
  expect(fits.prepared.used).toBe(true);
  expect(fits.first?.model).toMatch(/sonnet/);
  // Every process of both ended with their sessions.
  await until("every Claude Code to end", () => claudeProcesses().length === 0);
}, 120_000);
