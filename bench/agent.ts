/**
 * npm run bench:agent — two figures for the agent runtime, with the real Claude Agent SDK and its
 * Claude Code binary against Baton's scripted model (offline):
 *
 * 1. Tokens: what Baton adds to a coding session's first model request, counted from the request
 *    the model server receives (system, every tool definition, messages), as the difference from
 *    a bare SDK `query()` with the same Claude Code preset; for plans of 10, 900 and 5,000 tests.
 *    Goal: ≤ 4,000 and the same for all three. Tokens are the scripted model's estimate (JSON
 *    characters / 4). Also what a session pays once it opens the browser.
 * 2. Overhead: one scripted coding session of 200 tool calls run through Baton (events stored,
 *    logged and published, usage counted, hooks) against the same script through a bare SDK
 *    `query()` loop with the same tools and the same OS sandbox. Goal: wall-time ratio ≤ 1.10.
 *
 * 3. Memory: the peak resident memory of this process and every process under it during a coding
 *    session of 60 tool calls, without and with the browser opened. Goal: ≤ 350 MB without.
 *
 * BENCH_PARTS (default "tokens,overhead,memory") picks the parts; BENCH_RUNS (default 3) the rounds of (2) and (3).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { query, type SDKMessage } from "@anthropic-ai/claude-agent-sdk";
import { findChromium } from "../src/agent/browser.ts";
import { withoutCredentials } from "../src/agent/credentials.ts";
import { sessionOptions } from "../src/agent/options.ts";
import { PreparedSession } from "../src/agent/prepared-session.ts";
import { readBuiltinPrompt } from "../src/agent/prompts.ts";
import { sessionSecurity } from "../src/agent/session-security.ts";
import { Config } from "../src/config/schema.ts";
import { openDatabase } from "../src/db/database.ts";
import { createStores, type Stores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import { SessionRecorder } from "../src/events/recorder.ts";
import { SessionLog } from "../src/logs/session-log.ts";
import { runWorkSession } from "../src/orchestrator/work-session.ts";
import { createProject } from "../src/projects/create-project.ts";
import type { Project } from "../src/projects/model.ts";
import {
  assistantTurns,
  estimateInputTokens,
  estimateTokens,
  type MessagesRequest,
  type Script,
  type ScriptedModel,
  startScriptedModel,
  textReply,
  toolUseReply,
  workingDirectory,
} from "../src/scripted-model/index.ts";
import { osSandboxSettings } from "../src/security/sandbox.ts";
import { testLog } from "../test/helpers/log.ts";
import { load, median, spread } from "./figures.ts";

const TOOL_CALLS = 200;
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const PARTS = (process.env.BENCH_PARTS ?? "tokens,overhead,memory").split(",");
const chromium = findChromium();
const env = () => withoutCredentials(process.env);

/** 200 turns, each reading a small file, then a final answer. */
/** When each request of the running loop arrived (reset per run): the median gap is one turn's time. */
let arrivals: number[] = [];

function readLoop(request: MessagesRequest) {
  arrivals.push(performance.now());
  return assistantTurns(request) < TOOL_CALLS
    ? toolUseReply({ name: "Read", input: { file_path: `${workingDirectory(request)}/note.txt` } })
    : textReply("done");
}

type Workspace = { dir: string; stores: Stores; project: Project; close: () => Promise<void> };

/** A project in a fresh temp folder with its own SQLite database; `close` deletes the folder. */
async function workspace(name: string): Promise<Workspace> {
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
  return {
    dir,
    stores,
    project,
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sessions carry the security of `baton run` (policy, file hooks, OS sandbox). */
const BENCH_HOME = mkdtempSync(join(tmpdir(), "baton-bench-home-"));
const security = await sessionSecurity(Config.parse({}), BENCH_HOME);

/** What a session of the workspace runs with, as `baton run` gives it. */
function agentDeps(w: Workspace, model: ScriptedModel) {
  return {
    stores: w.stores,
    bus: w.stores.bus,
    env: { ...env(), ...model.env() },
    workerId: "bench",
    log: testLog(),
    home: w.dir,
    browser: chromium === null ? null : { executablePath: chromium },
    security,
  };
}

/** One coding session of the workspace's project against the scripted model, as `baton run` runs it. */
function codingSession(w: Workspace, model: ScriptedModel) {
  return runWorkSession(agentDeps(w, model), { project: w.project, type: "coding", model: "sonnet" });
}

/** The tool calls the model made in a query's messages. */
async function toolCalls(messages: AsyncIterable<SDKMessage>): Promise<number> {
  let calls = 0;
  for await (const message of messages) {
    if (message.type === "assistant") {
      for (const block of message.message.content) if (block.type === "tool_use") calls++;
    }
  }
  return calls;
}

/** The same model loop through a bare SDK `query()`: the Claude Code preset, the built-in tools, the same OS sandbox. */
async function bareQuery(w: Workspace, model: ScriptedModel, prompt: string, systemPrompt: string) {
  const options = sessionOptions({
    cwd: w.project.directory,
    model: "sonnet",
    systemPrompt,
    env: { ...env(), ...model.env() },
    mcpServers: {},
    abortController: new AbortController(),
    sandbox: osSandboxSettings({
      projectDir: w.project.directory,
      home: homedir(),
      batonHome: BENCH_HOME,
      allowedDomains: Config.parse({}).sandbox.allowed_domains,
    }),
  });
  return toolCalls(query({ prompt, options }));
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

/**
 * The same session's Claude Code exactly as Baton configures it (its MCP servers, hooks, sandbox,
 * system prompt: a PreparedSession), its messages read but nothing recorded: what Claude Code costs
 * with Baton's configuration, without Baton's own work per message.
 */
async function throughConfiguredSdk(model: ScriptedModel): Promise<number> {
  const w = await workspace("configured");
  try {
    const t0 = performance.now();
    const prepared = await PreparedSession.prepare(agentDeps(w, model), {
      project: w.project,
      model: "sonnet",
    });
    const session = await w.stores.sessions.create(w.project.id, { type: "coding", model: "sonnet" });
    const log = new SessionLog(join(w.dir, "logs"), "bench", Date.now(), "bench");
    await prepared.slot.fill({
      id: session.id,
      recorder: new SessionRecorder(w.stores, session.id, log),
      stem: "bench",
    });
    let calls: number;
    try {
      calls = await toolCalls(prepared.send("Read note.txt 200 times."));
    } finally {
      await prepared.discard();
    }
    const ms = performance.now() - t0;
    if (calls !== TOOL_CALLS) throw new Error(`configured run made ${calls} tool calls`);
    return ms;
  } finally {
    await w.close();
  }
}

async function throughBareSdk(model: ScriptedModel): Promise<number> {
  const w = await workspace("bare");
  try {
    const t0 = performance.now();
    const calls = await bareQuery(w, model, "Read note.txt 200 times.", readBuiltinPrompt("system"));
    const ms = performance.now() - t0;
    if (calls !== TOOL_CALLS) throw new Error(`bare run made ${calls} tool calls`);
    return ms;
  } finally {
    await w.close();
  }
}

/** Adds a plan of `tests` tests (epics of 10 tasks of 3 tests) to the workspace's project. */
async function addPlan(w: Workspace, tests: number): Promise<void> {
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
}

/** The main requests the scripted model receives while `run` talks to it with `script`. */
async function mainRequests(script: Script, run: (model: ScriptedModel) => Promise<unknown>) {
  const model = await startScriptedModel(script);
  try {
    await run(model);
    return model.requests.filter((r) => r.kind === "main").map((r) => r.request as MessagesRequest);
  } finally {
    await model.close();
  }
}

interface Tokens {
  /** Baton's request minus the bare query's: everything Baton adds. */
  added: number;
  /** The whole first request of Baton's session, and of the bare query. */
  baton: number;
  bare: number;
  /** Baton's parts: its system-prompt addition, its session prompt, tool definitions per server. */
  parts: Record<string, number>;
}

/** Every tool definition of a request, as tokens per MCP server (`built-in` for Claude Code's own). */
function toolTokens(request: MessagesRequest): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of request.tools ?? []) {
    const server = /^mcp__([^_]+)__/.exec(t.name)?.[1] ?? "built-in";
    out[server] = (out[server] ?? 0) + estimateTokens(t);
  }
  return out;
}

/** What Baton adds to a coding session's first request, for a plan of `tests` tests. */
async function sessionTokens(tests: number): Promise<Tokens> {
  const w = await workspace(`ctx${tests}`);
  try {
    await addPlan(w, tests);
    const [first] = await mainRequests(
      () => textReply("ok"),
      (model) => codingSession(w, model),
    );
    const [bare] = await mainRequests(
      () => textReply("ok"),
      (model) => bareQuery(w, model, "go", ""),
    );
    if (!first || !bare) throw new Error("the scripted model saw no request");
    const promptMessage = first.messages.find((m) => /Session \d+ — build/.test(JSON.stringify(m.content)));
    const promptBlock = (
      Array.isArray(promptMessage?.content) ? promptMessage.content : [promptMessage?.content]
    ).find((b) => /Session \d+ — build/.test(JSON.stringify(b)));
    if (promptBlock === undefined) throw new Error("Baton's session prompt is missing");
    const { ["built-in"]: builtIn, ...mcp } = toolTokens(first);
    const bareBuiltIn = toolTokens(bare)["built-in"] ?? 0;
    const baton = estimateInputTokens(first).total;
    const bareTotal = estimateInputTokens(bare).total;
    return {
      added: baton - bareTotal,
      baton,
      bare: bareTotal,
      parts: {
        "system addition": estimateTokens(readBuiltinPrompt("system").trim()),
        prompt: estimateTokens(promptBlock),
        ...Object.fromEntries(Object.entries(mcp).map(([k, v]) => [`${k} tools`, v])),
        "built-in tools vs bare": (builtIn ?? 0) - bareBuiltIn,
      },
    };
  } finally {
    await w.close();
  }
}

/** The tokens the browser's tools add to each request once a session calls `mcp__browser__open`. */
async function browserTokens(): Promise<number> {
  const w = await workspace("browser");
  try {
    const requests = await mainRequests(
      (request) =>
        assistantTurns(request) === 0
          ? toolUseReply({ name: "mcp__browser__open", input: {} })
          : textReply("ok"),
      (model) => codingSession(w, model),
    );
    const after = requests.at(-1);
    if (requests.length < 2 || after === undefined) throw new Error("the session did not open the browser");
    return toolTokens(after).playwright ?? 0;
  } finally {
    await w.close();
  }
}

async function reportTokens(): Promise<void> {
  console.log(
    "\n1. Tokens Baton adds to a coding session's first model request (request as received, minus a bare query())",
  );
  const sizes = [10, 900, 5000];
  const all: Tokens[] = [];
  for (const tests of sizes) {
    const t = await sessionTokens(tests);
    all.push(t);
    const parts = Object.entries(t.parts)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    console.log(
      `   plan of ${String(tests).padStart(4)} tests: ${String(t.added).padStart(5)} added (request ${t.baton}, bare ${t.bare}; ${parts})`,
    );
  }
  const ok = all.every((t) => t.added <= 4000 && t.added === all[0]?.added);
  console.log(`   goal ≤ 4,000 and the same for every plan: ${ok ? "met" : "MISSED"}`);
  if (chromium !== null) {
    console.log(
      `   after mcp__browser__open, every later request also carries the browser's tools: +${await browserTokens()}`,
    );
  } else {
    console.log("   (no Chromium: sessions get no browser, and the figures above leave its opener out)");
  }
  console.log(JSON.stringify({ bench: "agent", part: "tokens", sizes, tokens: all }));
}

async function reportOverhead(): Promise<void> {
  const model = await startScriptedModel(readLoop);
  const baton: number[] = [];
  const bare: number[] = [];
  const configured: number[] = [];
  /** The median time of one turn (a request → the next, a tool call in between) of each run. */
  const turns = { bare: [] as number[], configured: [] as number[], baton: [] as number[] };
  const timedRun = async (run: (m: ScriptedModel) => Promise<number>, turnsOf: number[]) => {
    arrivals = [];
    const ms = await run(model);
    turnsOf.push(median(arrivals.slice(1).map((t, i) => t - (arrivals[i] ?? t))));
    return ms;
  };
  try {
    await throughBareSdk(model); // warm-up: the binary's first start is slower
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await timedRun(throughBareSdk, turns.bare));
      configured.push(await timedRun(throughConfiguredSdk, turns.configured));
      baton.push(await timedRun(throughBaton, turns.baton));
    }
  } finally {
    await model.close();
  }
  const ratios = baton.map((b, i) => b / (bare[i] ?? Number.NaN));
  const perCall = baton.map((b, i) => (b - (bare[i] ?? Number.NaN)) / TOOL_CALLS);
  console.log(`\n2. ${TOOL_CALLS}-tool-call scripted session, ${ROUNDS} rounds (min / median / max)`);
  console.log(`   bare SDK query() loop, ms   ${spread(bare, 0)}`);
  console.log(`   Baton's Claude Code set-up, nothing recorded, ms ${spread(configured, 0)}`);
  console.log(`   through Baton, ms           ${spread(baton, 0)}`);
  const ofSetup = configured.map((c, i) => c / (bare[i] ?? Number.NaN));
  const ofWork = baton.map((b, i) => b / (configured[i] ?? Number.NaN));
  console.log(
    `   of the ratio: Claude Code with Baton's set-up ÷ bare ${spread(ofSetup, 2)}; Baton's own work per message (through Baton ÷ set-up) ${spread(ofWork, 2)}`,
  );
  console.log(
    `   ratio ${spread(ratios, 2)} (goal ≤ 1.10: ${median(ratios) <= 1.1 ? "met" : "MISSED"}); added ms per tool call ${spread(perCall, 1)}`,
  );
  console.log(
    `   median turn (request → next request), ms: bare ${spread(turns.bare, 1)}, Baton's set-up ${spread(turns.configured, 1)}, through Baton ${spread(turns.baton, 1)}`,
  );
  console.log(
    JSON.stringify({
      bench: "agent",
      part: "overhead",
      tool_calls: TOOL_CALLS,
      bare_ms: bare,
      configured_ms: configured,
      baton_ms: baton,
      ratios,
      median_turn_ms: turns,
    }),
  );
}

/** The resident memory of this process, and of every process under it (Claude Code, MCP servers, browser), MB. */
function treeRssMb(): { self: number; children: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const rss = (pid: number) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
    } catch {
      return 0; // ended meanwhile
    }
  };
  const below = (pid: number): number =>
    (children.get(pid) ?? []).reduce((sum, child) => sum + rss(child) + below(child), 0);
  return { self: rss(process.pid), children: below(process.pid) };
}

/**
 * The peak memory of one coding session of 60 tool calls, sampled every 100 ms (the total's peak,
 * and this process's and its children's at that moment); with `browser`, it opens the browser and uses it.
 */
async function sessionMemory(browser: boolean): Promise<{ total: number; self: number; children: number }> {
  const calls = 60;
  const model = await startScriptedModel((request) => {
    const n = assistantTurns(request);
    if (browser && n === 0) return toolUseReply({ name: "mcp__browser__open", input: {} });
    if (browser && n === 1)
      return toolUseReply({ name: "mcp__playwright__browser_navigate", input: { url: "about:blank" } });
    return n < calls
      ? toolUseReply({ name: "Read", input: { file_path: `${workingDirectory(request)}/note.txt` } })
      : textReply("done");
  });
  const w = await workspace("memory");
  let peak = { total: 0, self: 0, children: 0 };
  const sampler = setInterval(() => {
    const now = treeRssMb();
    if (now.self + now.children > peak.total) peak = { total: now.self + now.children, ...now };
  }, 100);
  try {
    const outcome = await codingSession(w, model);
    if (outcome.status !== "completed") throw new Error(`session ${outcome.status}: ${outcome.error}`);
    return peak;
  } finally {
    clearInterval(sampler);
    await w.close();
    await model.close();
  }
}

async function reportMemory(): Promise<void> {
  const without: { total: number; self: number; children: number }[] = [];
  const withBrowser: typeof without = [];
  const idle = treeRssMb().self;
  for (let i = 0; i < ROUNDS; i++) {
    without.push(await sessionMemory(false));
    if (chromium !== null) withBrowser.push(await sessionMemory(true));
  }
  console.log(
    `\n3. Peak memory of a running session (this process + Claude Code + MCP servers + browser), MB, ${ROUNDS} runs`,
  );
  console.log(
    `   this process (the bench, tsx, the scripted model and Baton) idle, before any session: ${idle.toFixed(0)}`,
  );
  const totals = without.map((m) => m.total);
  console.log(
    `   browser not used: ${spread(totals, 0)} — goal ≤ 350 MB: ${Math.max(...totals) <= 350 ? "met" : "MISSED"}`,
  );
  console.log(
    `     of which this process ${spread(
      without.map((m) => m.self),
      0,
    )}, the processes under it ${spread(
      without.map((m) => m.children),
      0,
    )}`,
  );
  if (withBrowser.length) {
    console.log(
      `   browser opened and used: ${spread(
        withBrowser.map((m) => m.total),
        0,
      )}`,
    );
    console.log(
      `     of which the processes under this one ${spread(
        withBrowser.map((m) => m.children),
        0,
      )}`,
    );
  }
  console.log(
    JSON.stringify({ bench: "agent", part: "memory", idle_mb: idle, without, with_browser: withBrowser }),
  );
}

const REPORTS: Record<string, () => Promise<void>> = {
  tokens: reportTokens,
  overhead: reportOverhead,
  memory: reportMemory,
};

try {
  console.log(`load before: ${load()}`);
  for (const part of PARTS) {
    const report = REPORTS[part];
    if (!report) throw new Error(`BENCH_PARTS: no part ${part} (${Object.keys(REPORTS).join(", ")})`);
    await report();
  }
  console.log(`\nload after: ${load()}`);
} finally {
  rmSync(BENCH_HOME, { recursive: true, force: true });
}
