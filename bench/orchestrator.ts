/**
 * npm run bench:orchestrator — the time from one session's end to the next session's first model
 * request, with the configured delay between sessions (timing.auto_continue_delay_s, 3 s here).
 * Goal: the delay + under 1 s. Real SDK and Claude Code binary against the scripted model.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
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

const DELAY_S = 3;
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
  const ends = new Map<number, number>();
  const bus = stores.bus;
  bus.subscribe((e) => {
    if (e.type === "session_end" && e.session_id !== null) ends.set(e.session_id, Date.parse(e.ts));
  });
  const orchestrator = new Orchestrator({
    stores,
    bus,
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
    model.requests.find(
      (r) => r.kind === "main" && r.request && new RegExp(`Session ${n} — `).test(firstUserText(r.request)),
    )?.at;
  const gaps: number[] = [];
  for (const s of result.sessions.slice(0, -1)) {
    const end = ends.get(s.session.id);
    const next = firstRequest(s.session.number + 1);
    if (end !== undefined && next) gaps.push(next.getTime() - end);
  }
  const over = gaps.map((g) => g - DELAY_S * 1000);
  console.log(`\ndelay between sessions: ${DELAY_S} s; hand-overs measured: ${gaps.length}`);
  console.log(`session end → next session's first model request: ${gaps.map((g) => `${g} ms`).join(", ")}`);
  console.log(
    `over the delay: max ${Math.max(...over)} ms, mean ${Math.round(over.reduce((a, b) => a + b, 0) / over.length)} ms (goal: under 1000 ms): ${Math.max(...over) < 1000 ? "met" : "MISSED"}`,
  );
  console.log(JSON.stringify({ bench: "orchestrator", delay_s: DELAY_S, gaps_ms: gaps }));
} finally {
  await database.close();
  await model.close();
}
