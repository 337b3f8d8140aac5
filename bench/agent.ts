/**
 * npm run bench:agent — two figures for the agent runtime, with the real Claude Agent SDK and its
 * Claude Code binary against Baton's scripted model (offline):
 *
 * 1. Overhead: one scripted coding session of 200 tool calls run through Baton (events stored,
 *    logged and published, usage counted) against the same script through a bare SDK `query()`
 *    loop with the same tools and the same OS sandbox (Claude Code's sandbox costs its own time
 *    per tool call, in both). Goal: wall-time ratio ≤ 1.10. Reports the added ms per tool call.
 * 2. Context: the tokens Baton itself puts in a coding session's first model request (its system
 *    prompt, the session prompt and the task tool definitions), for plans of 10 and 900 tests.
 *    Goal: ≤ 4,000 and the same for both. Tokens are the scripted model's estimate (JSON chars / 4).
 *
 * BENCH_ROUNDS (default 7) sets how many times each variant of (1) runs; the median is reported.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { query } from "@anthropic-ai/claude-agent-sdk";
import { withoutCredentials } from "../src/agent/credentials.ts";
import { sessionOptions } from "../src/agent/options.ts";
import { readBuiltinPrompt } from "../src/agent/prompts.ts";
import { sessionSecurity } from "../src/agent/session-security.ts";
import { Config } from "../src/config/schema.ts";
import { openDatabase } from "../src/db/database.ts";
import { createStores, type Stores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import { runWorkSession } from "../src/orchestrator/work-session.ts";
import { createProject } from "../src/projects/create-project.ts";
import type { Project } from "../src/projects/model.ts";
import {
  assistantTurns,
  estimateTokens,
  type MessagesRequest,
  type ScriptedModel,
  startScriptedModel,
  textReply,
  toolUseReply,
  workingDirectory,
} from "../src/scripted-model/index.ts";
import { osSandboxSettings } from "../src/security/sandbox.ts";
import { testLog } from "../test/helpers/log.ts";

const TOOL_CALLS = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const env = () => withoutCredentials(process.env);

/** 200 turns, each reading a small file, then a final answer. */
function readLoop(request: MessagesRequest) {
  return assistantTurns(request) < TOOL_CALLS
    ? toolUseReply({ name: "Read", input: { file_path: `${workingDirectory(request)}/note.txt` } })
    : textReply("done");
}

async function workspace(
  name: string,
): Promise<{ dir: string; stores: Stores; project: Project; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `baton-bench-${name}-`));
  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(dir, "baton.db")}`, { home: dir, cwd: dir }),
  );
  const stores = createStores(database.db);
  writeFileSync(join(dir, "spec.md"), "# Bench\n");
  const project = await createProject(stores, {
    name,
    directory: join(dir, "app"),
    spec: join(dir, "spec.md"),
  });
  writeFileSync(join(project.directory, "note.txt"), "a small file\n");
  return { dir, stores, project, close: () => database.close() };
}

async function throughBaton(model: ScriptedModel): Promise<number> {
  const w = await workspace("baton");
  try {
    const t0 = performance.now();
    const outcome = await codingSession(w, model);
    const ms = performance.now() - t0;
    if (outcome.status !== "completed" || outcome.session.tool_calls !== TOOL_CALLS) {
      throw new Error(
        `Baton run failed: ${outcome.status} ${outcome.error} (${outcome.session.tool_calls} calls)`,
      );
    }
    return ms;
  } finally {
    await w.close();
  }
}

async function throughBareSdk(model: ScriptedModel): Promise<number> {
  const w = await workspace("bare");
  try {
    const options = sessionOptions({
      cwd: w.project.directory,
      model: "sonnet",
      systemPrompt: readBuiltinPrompt("system"),
      env: { ...env(), ...model.env() },
      mcpServers: {},
      abortController: new AbortController(),
      // The same OS sandbox as Baton's sessions, so the ratio is Baton's own overhead.
      sandbox: osSandboxSettings({
        projectDir: w.project.directory,
        home: homedir(),
        batonHome: BENCH_HOME,
        allowedDomains: Config.parse({}).sandbox.allowed_domains,
      }),
    });
    const t0 = performance.now();
    let calls = 0;
    for await (const message of query({ prompt: "Read note.txt 200 times.", options })) {
      if (message.type === "assistant") {
        for (const block of message.message.content) if (block.type === "tool_use") calls++;
      }
    }
    const ms = performance.now() - t0;
    if (calls !== TOOL_CALLS) throw new Error(`bare run made ${calls} tool calls`);
    return ms;
  } finally {
    await w.close();
  }
}

/** One coding session of the workspace's project against the scripted model. */
function codingSession(w: Awaited<ReturnType<typeof workspace>>, model: ScriptedModel) {
  return runWorkSession(
    {
      stores: w.stores,
      bus: w.stores.bus,
      env: { ...env(), ...model.env() },
      workerId: "bench",
      log: testLog(),
      home: w.dir,
      browser: null,
      security,
    },
    { project: w.project, type: "coding", model: "sonnet" },
  );
}

/** Sessions carry the security of `baton run` (policy and file hooks; the loop's Read calls pass the file hook). */
const BENCH_HOME = join(tmpdir(), "baton-bench-home");
const security = await sessionSecurity(Config.parse({}), BENCH_HOME);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Baton's share of a coding session's first request, for a plan of `tests` tests. */
async function platformTokens(
  tests: number,
): Promise<{ system: number; prompt: number; tools: number; total: number }> {
  let first: MessagesRequest | undefined;
  const model = await startScriptedModel((request) => {
    first ??= request;
    return textReply("ok");
  });
  const w = await workspace(`ctx${tests}`);
  try {
    const tasksPerEpic = 10;
    const testsPerTask = 3;
    const epics = Math.max(1, Math.ceil(tests / (tasksPerEpic * testsPerTask)));
    let left = tests;
    for (let e = 0; e < epics; e++) {
      const epic = await w.stores.plan.createEpic(w.project.id, { name: `Epic ${e}`, priority: e });
      const tasks = [];
      for (let t = 0; t < tasksPerEpic && left > 0; t++) {
        const n = Math.min(testsPerTask, left);
        left -= n;
        tasks.push({
          description: `Task ${e}.${t}`,
          action: "Build it.",
          tests: Array.from({ length: n }, (_, k) => ({ description: `check ${k}`, steps: ["open", "see"] })),
        });
      }
      await w.stores.plan.expandEpic(w.project.id, epic.id, tasks);
    }
    const progress = await w.stores.plan.progress(w.project.id);
    if (progress.tests_total !== tests) throw new Error(`plan has ${progress.tests_total} tests`);
    await codingSession(w, model);
    if (!first) throw new Error("the scripted model saw no request");
    const systemAppend = readBuiltinPrompt("system").trim();
    const systemText = JSON.stringify(first.system ?? "");
    if (!systemText.includes(JSON.stringify(systemAppend).slice(1, 60)))
      throw new Error("Baton's system prompt is missing");
    const promptMessage = first.messages.find((m) => /Session \d+ — build/.test(JSON.stringify(m.content)));
    if (!promptMessage) throw new Error("Baton's session prompt is missing");
    const promptBlock = (
      Array.isArray(promptMessage.content) ? promptMessage.content : [promptMessage.content]
    ).find((b) => /Session \d+ — build/.test(JSON.stringify(b)));
    const taskTools = (first.tools ?? []).filter((t) => t.name.startsWith("mcp__tasks__"));
    const system = estimateTokens(systemAppend);
    const prompt = estimateTokens(promptBlock);
    const tools = estimateTokens(taskTools);
    return { system, prompt, tools, total: system + prompt + tools };
  } finally {
    await w.close();
    await model.close();
  }
}

async function main(): Promise<void> {
  const model = await startScriptedModel(readLoop);
  const baton: number[] = [];
  const bare: number[] = [];
  try {
    await throughBareSdk(model); // warm-up: first binary start is slower
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await throughBareSdk(model));
      baton.push(await throughBaton(model));
    }
  } finally {
    await model.close();
  }
  const b = median(baton);
  const s = median(bare);
  const ratio = b / s;
  const perCall = (b - s) / TOOL_CALLS;
  console.log(`\n1. ${TOOL_CALLS}-tool-call scripted session, median of ${ROUNDS} rounds`);
  console.log(
    `   bare SDK query() loop   ${s.toFixed(0).padStart(7)} ms   (runs: ${bare.map((x) => x.toFixed(0)).join(", ")})`,
  );
  console.log(
    `   through Baton           ${b.toFixed(0).padStart(7)} ms   (runs: ${baton.map((x) => x.toFixed(0)).join(", ")})`,
  );
  console.log(
    `   ratio ${ratio.toFixed(3)} (goal ≤ 1.10: ${ratio <= 1.1 ? "met" : "MISSED"}); added ${perCall.toFixed(2)} ms per tool call`,
  );

  const small = await platformTokens(10);
  const large = await platformTokens(900);
  console.log(
    "\n2. Baton's tokens in a coding session's first request (system prompt + session prompt + task tools)",
  );
  for (const [label, t] of [
    ["plan of 10 tests ", small],
    ["plan of 900 tests", large],
  ] as const) {
    console.log(
      `   ${label}  ${String(t.total).padStart(5)}  (system ${t.system}, prompt ${t.prompt}, task tools ${t.tools})`,
    );
  }
  const ok = large.total <= 4000 && small.total === large.total;
  console.log(`   goal ≤ 4,000 and equal for both: ${ok ? "met" : "MISSED"}`);
  console.log(
    JSON.stringify({
      bench: "agent",
      tool_calls: TOOL_CALLS,
      bare_ms: bare,
      baton_ms: baton,
      ratio,
      added_ms_per_call: perCall,
      tokens: { small, large },
    }),
  );
}

await main();
