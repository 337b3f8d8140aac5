import { readBuiltinPrompt } from "../src/agent/prompts.ts";
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
} from "../src/scripted-model/index.ts";
import { bareQuery, chromium, codingSession, type Workspace, workspace } from "./agent-session.ts";

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
    const { "built-in": builtIn, ...mcp } = toolTokens(first);
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

export async function reportTokens(): Promise<void> {
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
