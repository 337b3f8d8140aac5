import { join } from "node:path";
import { PreparedSession } from "../src/agent/prepared-session.ts";
import { readBuiltinPrompt } from "../src/agent/prompts.ts";
import { SessionRecorder } from "../src/events/recorder.ts";
import { SessionLog } from "../src/logs/session-log.ts";
import {
  assistantTurns,
  type MessagesRequest,
  type ScriptedModel,
  startScriptedModel,
  textReply,
  toolUseReply,
  workingDirectory,
} from "../src/scripted-model/index.ts";
import { load, median, spread } from "./figures.ts";

const TOOL_CALLS = 200;
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const PARTS = (process.env.BENCH_PARTS ?? "tokens,overhead,memory").split(",");

import { reportMemory } from "./agent-memory.ts";
import {
  agentDeps,
  bareQuery,
  codingSession,
  removeBenchHome,
  toolCalls,
  workspace,
} from "./agent-session.ts";
import { reportTokens } from "./agent-tokens.ts";

/** When each request of the running loop arrived (reset per run): the median gap is one turn's time. */
let arrivals: number[] = [];

function readLoop(request: MessagesRequest) {
  arrivals.push(performance.now());
  return assistantTurns(request) < TOOL_CALLS
    ? toolUseReply({ name: "Read", input: { file_path: `${workingDirectory(request)}/note.txt` } })
    : textReply("done");
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

const REPORTS: Record<string, () => Promise<void>> = {
  tokens: reportTokens,
  overhead: reportOverhead,
  memory: () => reportMemory(ROUNDS),
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
  removeBenchHome();
}
