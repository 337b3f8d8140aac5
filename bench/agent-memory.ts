/** bench:agent, part 3: the peak memory of a running session. */
import { readdirSync, readFileSync } from "node:fs";
import {
  assistantTurns,
  startScriptedModel,
  textReply,
  toolUseReply,
  workingDirectory,
} from "../src/scripted-model/index.ts";
import { chromium, codingSession, workspace } from "./agent-session.ts";
import { spread } from "./figures.ts";

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

export async function reportMemory(rounds: number): Promise<void> {
  const without: { total: number; self: number; children: number }[] = [];
  const withBrowser: typeof without = [];
  const idle = treeRssMb().self;
  for (let i = 0; i < rounds; i++) {
    without.push(await sessionMemory(false));
    if (chromium !== null) withBrowser.push(await sessionMemory(true));
  }
  console.log(
    `\n3. Peak memory of a running session (this process + Claude Code + MCP servers + browser), MB, ${rounds} runs`,
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
