/**
 * npm run bench:orchestrator — the gap between sessions: from one session's end to the next
 * session's first model request, beyond the configured delay (timing.auto_continue_delay_s, 3 s
 * here), with its parts: the end's bookkeeping (→ the `auto_continue` event), the delay and the
 * next session's set-up (→ its `session_start`), Claude Code's start (→ the first request).
 * Real SDK and Claude Code binary against the scripted model; BENCH_RUNS runs (default 3) of a
 * project of five features. Goal: p99 of the gap beyond the delay < 300 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withoutCredentials } from "../src/agent/credentials.ts";
import { Config } from "../src/config/schema.ts";
import { openDatabase } from "../src/db/database.ts";
import { createStores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import { Orchestrator } from "../src/orchestrator/orchestrator.ts";
import { createProject } from "../src/projects/create-project.ts";
import { batonScript, firstUserText, startScriptedModel } from "../src/scripted-model/index.ts";
import { testLog } from "../test/helpers/log.ts";
import { load, spread } from "./figures.ts";
import { quantile } from "./server.ts";

const DELAY_S = 3;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface HandOver {
  /** Everything beyond the delay, ms. */
  over: number;
  bookkeeping: number;
  setup: number;
  claudeStart: number;
}

async function oneRun(): Promise<HandOver[]> {
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-orch-"));
  const model = await startScriptedModel(batonScript);
  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(dir, "baton.db")}`, { home: dir, cwd: dir }),
  );
  try {
    const stores = createStores(database.db);
    writeFileSync(join(dir, "spec.md"), "# App\n\n## Features\n- One\n- Two\n- Three\n- Four\n- Five\n");
    const project = await createProject(stores, {
      name: "bench",
      directory: join(dir, "app"),
      spec: join(dir, "spec.md"),
    });
    const at = {
      end: new Map<number, number>(),
      start: new Map<number, number>(),
      cont: new Map<number, number>(),
    };
    stores.bus.subscribe((e) => {
      const t = Date.parse(e.ts);
      if (e.type === "session_end" && e.session_id !== null) at.end.set(e.session_id, t);
      if (e.type === "session_start" && e.session_id !== null) at.start.set(e.session_id, t);
      if (e.type === "auto_continue") at.cont.set((e.payload as { next_session: number }).next_session, t);
    });
    const orchestrator = new Orchestrator({
      stores,
      bus: stores.bus,
      config: Config.parse({ timing: { auto_continue_delay_s: DELAY_S } }),
      env: { ...withoutCredentials(process.env), ...model.env() },
      workerId: "bench",
      log: testLog(),
      browser: null,
      batonHome: dir,
    });
    const result = await orchestrator.run(project.id, { auto: true });
    if (result.end !== "complete") throw new Error(`run ended ${result.end}: ${result.message}`);
    const firstRequest = (n: number) =>
      model.requests
        .find(
          (r) =>
            r.kind === "main" && r.request && new RegExp(`Session ${n} — `).test(firstUserText(r.request)),
        )
        ?.at.getTime();
    const out: HandOver[] = [];
    const sessions = result.sessions.map((s) => s.session);
    for (const [i, s] of sessions.slice(0, -1).entries()) {
      const next = sessions[i + 1];
      const end = at.end.get(s.id);
      const cont = at.cont.get(s.number + 1);
      const start = next && at.start.get(next.id);
      const request = firstRequest(s.number + 1);
      if (end === undefined || cont === undefined || start === undefined || request === undefined) continue;
      out.push({
        over: request - end - DELAY_S * 1000,
        bookkeeping: cont - end,
        setup: start - cont - DELAY_S * 1000,
        claudeStart: request - start,
      });
    }
    return out;
  } finally {
    await database.close();
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`load before: ${load()}`);
const all: HandOver[] = [];
const p99s: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const run = await oneRun();
  all.push(...run);
  p99s.push(
    quantile(
      run.map((h) => h.over).sort((a, b) => a - b),
      0.99,
    ),
  );
}
const part = (pick: (h: HandOver) => number) => spread(all.map(pick), 0);
console.log(
  `\ndelay between sessions: ${DELAY_S} s; ${all.length} hand-overs in ${RUNS} runs; ms, min / median / max`,
);
console.log(`  beyond the delay, session end → next first model request: ${part((h) => h.over)}`);
console.log(`    the end's bookkeeping (→ auto_continue):                ${part((h) => h.bookkeeping)}`);
console.log(`    the next session's set-up beyond the delay (→ start):   ${part((h) => h.setup)}`);
console.log(`    Claude Code's start (session_start → first request):    ${part((h) => h.claudeStart)}`);
console.log(
  `  p99 of each run: ${spread(p99s, 0)} — goal < 300 ms: ${Math.max(...p99s) < 300 ? "met" : "MISSED"}`,
);
console.log(`load after: ${load()}`);
console.log(JSON.stringify({ bench: "orchestrator", delay_s: DELAY_S, handovers: all }));
