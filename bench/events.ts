/**
 * npm run bench:events — events written by one process, seen by a WebSocket client of a server in
 * another: `baton serve` runs as its own process; a writer process (bench/event-writer.ts) records
 * events as a `baton run` in a terminal would; this process is the client.
 *
 * - latency: 300 events at 50/s; each one's time from its insert (the event's `ts`) to its
 *   arrival at the client. Goal p99 < 1 s on SQLite, < 250 ms on PostgreSQL.
 * - reconnects: 2,000 events at 200/s while the client drops its connection every 0.3–1 s and
 *   comes back with `since=` the highest seq it saw. Goal: none lost, none twice.
 *
 * Three runs per database (SQLite file; PostgreSQL from TEST_DATABASE_URL or 127.0.0.1:5432/test,
 * a fresh schema each run); min/median/max and the machine's load are printed.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import WebSocket from "ws";
import { openDatabase } from "../src/db/database.ts";
import { createStores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import { freePort } from "../test/helpers/ports.ts";
import { freshSchema } from "./pg-schema.ts";
import { quantile } from "./server.ts";

const ROOT = join(import.meta.dirname, "..");
const RUNS = 3;

interface Run {
  p50: number;
  p99: number;
  max: number;
  lost: number;
  twice: number;
  reconnects: number;
}

/** A database of its own: its URL and how to remove it. */
async function freshDatabase(
  dialect: "sqlite" | "postgres",
): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "baton-bench-events-"));
    return {
      url: `sqlite:${join(dir, "baton.db")}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  return freshSchema();
}

/** `baton serve` in its own process group; resolves once it listens. */
async function serve(url: string, home: string): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "bin/baton.js"), "serve", "--port", String(port)], {
    env: { ...process.env, DATABASE_URL: url, BATON_HOME: home, BATON_SANDBOX_TYPE: "none" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += String(chunk);
      if (output.includes("Baton http")) resolve();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += String(chunk);
    });
    child.on("exit", () => reject(new Error(`baton serve exited: ${output}`)));
  });
  return { base: `ws://127.0.0.1:${port}/api/ws`, child };
}

function write(url: string, projectId: number, count: number, rate: number): Promise<number[]> {
  return promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "bench/event-writer.ts"),
      url,
      String(projectId),
      String(count),
      String(rate),
    ],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  ).then(({ stdout }) => JSON.parse(stdout) as number[]);
}

interface Received {
  seq: number;
  at: number;
  ts: string;
}

/** A project stream that records what it receives, from `since` when given. */
function stream(url: string, into: Received[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as { type: string; seq: number; ts: string };
      if (m.type === "snapshot") resolve(ws);
      else if (m.type === "auto_continue") into.push({ seq: m.seq, at: Date.now(), ts: m.ts });
    });
    ws.on("error", reject);
  });
}

async function oneRun(dialect: "sqlite" | "postgres"): Promise<Run> {
  const db = await freshDatabase(dialect);
  const home = mkdtempSync(join(tmpdir(), "baton-bench-home-"));
  const database = await openDatabase(resolveDatabaseTarget(db.url, { home, cwd: home }));
  const stores = createStores(database.db);
  const project = await stores.projects.create({ name: "bench", directory: join(home, "app"), settings: {} });
  const server = await serve(db.url, home);
  try {
    const streamUrl = `${server.base}?project=${project.id}`;
    // Latency.
    const seen: Received[] = [];
    const ws = await stream(streamUrl, seen);
    const ids = await write(db.url, project.id, 300, 50);
    while (seen.length < ids.length) await new Promise((resolve) => setTimeout(resolve, 20));
    ws.close();
    const latencies = seen.map((r) => r.at - Date.parse(r.ts)).sort((a, b) => a - b);

    // Reconnects while 200 events a second are written.
    const got: Received[] = [];
    let socket = await stream(streamUrl, got);
    const writing = write(db.url, project.id, 2_000, 200);
    let done = false;
    let reconnects = 0;
    void writing.then(() => {
      done = true;
    });
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700));
      // As a browser does: what arrives until the close counts; then reconnect after the highest seq.
      await new Promise((resolve) => {
        socket.once("close", resolve);
        socket.close();
      });
      const since = Math.max(ids.at(-1) ?? 0, ...got.map((r) => r.seq));
      socket = await stream(`${streamUrl}&since=${since}`, got);
      reconnects++;
    }
    const written = await writing;
    const last = written.at(-1) ?? 0;
    const deadline = Date.now() + 10_000;
    while (!got.some((r) => r.seq === last) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    socket.close();
    const seqs = got.map((r) => r.seq);
    const unique = new Set(seqs);
    return {
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
      lost: written.filter((id) => !unique.has(id)).length,
      twice: seqs.length - unique.size,
      reconnects,
    };
  } finally {
    if (server.child.pid !== undefined) process.kill(-server.child.pid, "SIGKILL");
    await database.close();
    await db.drop();
    rmSync(home, { recursive: true, force: true });
  }
}

const spread = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `${s[0]} / ${quantile(s, 0.5)} / ${s.at(-1)}`;
};

console.log(
  `load before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (${RUNS} runs per database)`,
);
for (const dialect of ["sqlite", "postgres"] as const) {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await oneRun(dialect));
  const goal = dialect === "sqlite" ? 1_000 : 250;
  const p99s = runs.map((r) => r.p99);
  console.log(`\n${dialect}`);
  console.log(`  latency p50 ms (min / median / max of runs): ${spread(runs.map((r) => r.p50))}`);
  console.log(
    `  latency p99 ms: ${spread(p99s)} — goal < ${goal} ms: ${Math.max(...p99s) < goal ? "met" : "MISSED"}`,
  );
  console.log(`  latency max ms: ${spread(runs.map((r) => r.max))}`);
  console.log(
    `  2,000 events at 200/s across ${spread(runs.map((r) => r.reconnects))} reconnects: lost ${spread(runs.map((r) => r.lost))}, twice ${spread(runs.map((r) => r.twice))}`,
  );
}
console.log(
  `\nload after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
