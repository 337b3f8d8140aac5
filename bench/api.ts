/**
 * npm run bench:api — a real API server (buildServer, listening on a free port, embedded SQLite
 * in a temp dir) with one project whose plan has 25 epics × 12 tasks × 3 tests (900 tests, a
 * third of the tasks done):
 *
 * 1. HTTP: autocannon, 100 connections (BENCH_CONNECTIONS), BENCH_DURATION_S (default 10) s each on
 *    `GET /api/projects/:id` and `GET /api/projects/:id/tasks`. Goal: p99 under 25 ms. Then the
 *    same on one connection, for reference (BENCH_REFERENCE=0 skips it): each autocannon
 *    connection sends its next request as soon as it has an answer, so at 100 connections the
 *    latency is mostly waiting in line (≈ 100 ÷ requests per second), not the request's own cost.
 * 2. WebSocket: 100 clients on the project; 200 events/s published on the bus for
 *    BENCH_DURATION_S, each with an increasing id and the time it was published; per client and
 *    message, receive time − publish time. Goal: p99 under 50 ms.
 *
 * 3. The read cache under cache-busting reads: 2,000 reads of `/tasks`, each with a new query
 *    string (as a client adding a timestamp does); the server's heap after a GC before and after.
 *    Goal: bounded (the cache keeps at most READ_CACHE_LIMITS).
 *
 * The clients (autocannon, the WebSocket clients) run in child processes, so they do not share
 * the server's event loop; times are wall-clock times with sub-millisecond precision
 * (performance.timeOrigin + performance.now()), comparable across processes.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import type { EventBus } from "../src/events/bus.ts";
import { READ_CACHE_LIMITS } from "../src/server/read-cache.ts";
import { TASK_PAGE } from "../src/server/routes/plan.ts";
import { load } from "./figures.ts";
import { EPICS, TASKS_PER_EPIC, TESTS_PER_TASK } from "./plan.ts";
import { LARGE_EPICS, quantile, startBenchServer } from "./server.ts";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const WS_CLIENTS = 100;
const EVENTS_PER_SECOND = 200;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const GOALS_MS = { http: 25, ws: 50 } as const;
/** Also measure the HTTP routes on one connection, for reference (BENCH_REFERENCE=0 skips it). */
const REFERENCE = process.env.BENCH_REFERENCE !== "0";

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
const now = () => performance.timeOrigin + performance.now();

interface Row {
  what: string;
  p50: number | null;
  p99: number | null;
  max: number | null;
  goal: number;
  /** Why there is no figure, or what else was seen (errors, non-2xx answers). */
  note: string;
}

// ---------------------------------------------------------------- the WebSocket clients (child)

interface ClientsReport {
  received: number[];
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** Child process: opens the clients, says "ready", records latencies until asked for the report. */
async function runClients(url: string, count: number): Promise<void> {
  const latencies: number[] = [];
  const received: number[] = new Array(count).fill(0);
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url);
          let snapshot = false;
          ws.on("message", (data) => {
            const at = now();
            const message = JSON.parse(String(data)) as { type: string; payload: { text?: string } };
            if (!snapshot) {
              snapshot = true;
              resolve(ws);
              return;
            }
            if (message.type !== "assistant_text") return;
            const sent = Number(message.payload.text?.split(" ", 1)[0]);
            latencies.push(at - sent);
            received[i] = (received[i] ?? 0) + 1;
          });
          ws.on("error", reject);
        }),
    ),
  );
  process.send?.({ ready: true });
  process.on("message", (message: { report?: boolean }) => {
    if (!message.report) return;
    latencies.sort((a, b) => a - b);
    const report: ClientsReport = {
      received,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
      samples: latencies.length,
    };
    process.send?.(report, () => {
      for (const ws of sockets) ws.terminate();
      process.exit(0);
    });
  });
}

// ---------------------------------------------------------------- the server and the bench (parent)

interface AutocannonResult {
  latency: { p50: number; p99: number; max: number };
  requests: { total: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** autocannon in its own process, JSON out. */
function autocannon(url: string, connections: number): Promise<AutocannonResult> {
  const bin = join(createRequire(import.meta.url).resolve("autocannon/package.json"), "..", "autocannon.js");
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bin, ...["-c", String(connections), "-d", String(DURATION_S), "-j"], url],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as AutocannonResult);
      } catch {
        reject(new Error(`autocannon printed no JSON: ${out.slice(0, 200)}${err.slice(0, 200)}`));
      }
    });
  });
}

/** Each connection sends its next request as soon as the last is answered. */
async function benchHttp(base: string, path: string, connections = CONNECTIONS, suffix = ""): Promise<Row> {
  const what = `GET${suffix} ${path.replace(/\/\d+(\/|$)/, "/:id$1").replace(/after=[^&]+/, "after=<last page>")}${connections === CONNECTIONS ? "" : ` (${connections} conn.)`}`;
  const probe = await fetch(`${base}${path}`);
  if (probe.status !== 200) {
    return {
      what,
      p50: null,
      p99: null,
      max: null,
      goal: GOALS_MS.http,
      note: `not measured: the route answers ${probe.status} (${(await probe.text()).slice(0, 80)})`,
    };
  }
  const r = await autocannon(`${base}${path}`, connections);
  const problems = r.non2xx + r.errors + r.timeouts;
  return {
    what,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    goal: connections === CONNECTIONS ? GOALS_MS.http : Number.NaN,
    note: `${Math.round(r.requests.average)} req/s${problems ? `; ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts` : ""}`,
  };
}

const CACHE_BUSTING_READS = 2_000;

/** Reads of ever new URLs, 10 at a time: the heap (after a GC) before and after. */
async function cacheBusting(base: string, projectId: number): Promise<string> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const heapMb = () => {
    gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const before = heapMb();
  let next = 0;
  const reader = async () => {
    while (next < CACHE_BUSTING_READS) {
      const response = await fetch(`${base}/api/projects/${projectId}/tasks?n=${next++}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 10 }, reader));
  const after = heapMb();
  const bound = READ_CACHE_LIMITS.bytes / 2 ** 20;
  return `\ncache-busting reads: ${CACHE_BUSTING_READS} of /tasks, each a new URL: the server's heap ${before.toFixed(0)} → ${after.toFixed(0)} MB${gc ? " (after a GC)" : " (no --expose-gc: not collected)"}; the read cache holds at most ${READ_CACHE_LIMITS.entries} answers and ${bound} MB`;
}

function request<T>(child: ChildProcess, message: object | null): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(m as T));
    child.once("exit", (code) => reject(new Error(`the client process exited with ${code}`)));
    if (message) child.send(message);
  });
}

async function benchWebSocket(
  url: string,
  bus: EventBus,
  projectId: number,
  lastId: number,
): Promise<{ row: Row; published: number }> {
  const child = fork(fileURLToPath(import.meta.url), ["--clients", url, String(WS_CLIENTS)], {
    execArgv: ["--import", "tsx"],
  });
  await request(child, null);
  // A typical assistant text: the publish time first, then some words.
  const filler = "Now I will implement the task and verify it in the browser. ".repeat(4);
  let id = lastId;
  let published = 0;
  const start = now();
  const total = EVENTS_PER_SECOND * DURATION_S;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((now() - start) * EVENTS_PER_SECOND) / 1000));
      for (; published < due; published++) {
        const at = now();
        bus.publish({
          id: ++id,
          project_id: projectId,
          session_id: null,
          seq: null,
          ts: new Date(at).toISOString(),
          type: "assistant_text",
          payload: { text: `${at} ${filler}` },
        });
      }
      if (published >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const report = await request<ClientsReport>(child, { report: true });
  const missing = report.received.filter((n) => n !== published).length;
  return {
    published,
    row: {
      what: `ws delivery (${WS_CLIENTS} clients)`,
      p50: report.p50,
      p99: report.p99,
      max: report.max,
      goal: GOALS_MS.ws,
      note: `${published} events at ${EVENTS_PER_SECOND}/s, ${report.samples} deliveries${missing ? `; ${missing} clients missed some` : ""}`,
    },
  };
}

function report(rows: Row[]): void {
  const ms = (n: number | null) => (n === null ? "-" : n.toFixed(2)).padStart(9);
  console.log(
    `\nplans: GET project on ${EPICS * TASKS_PER_EPIC * TESTS_PER_TASK} tests, /tasks on ${LARGE_EPICS * TASKS_PER_EPIC * TESTS_PER_TASK} (default page of ${TASK_PAGE}); SQLite; read cache off; ${DURATION_S} s per measurement; HTTP at ${CONNECTIONS} connections\n`,
  );
  console.log(
    `${"measurement".padEnd(44)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"max ms".padStart(9)}  goal`,
  );
  let allMet = true;
  for (const r of rows) {
    if (Number.isNaN(r.goal)) {
      console.log(`${r.what.padEnd(52)}${ms(r.p50)}${ms(r.p99)}${ms(r.max)}  (no goal: ${r.note})`);
      continue;
    }
    const met = r.p99 === null ? null : r.p99 < r.goal;
    allMet &&= met === true;
    const verdict = met === null ? "NOT MEASURED" : met ? "met" : "MISSED";
    console.log(
      `${r.what.padEnd(52)}${ms(r.p50)}${ms(r.p99)}${ms(r.max)}  p99 < ${r.goal} ms: ${verdict}  (${r.note})`,
    );
  }
  console.log(`\n${allMet ? "all goals met" : "some goals missed or not measured"}`);
  console.log(JSON.stringify({ bench: "api", duration_s: DURATION_S, rows }));
}

async function main(): Promise<void> {
  console.log(`load before: ${load()}`);
  // Uncached: the 1-second read cache is off; identical reads in flight still share one read.
  const { base, stores, bus, projectId, largeProjectId, close } = await startBenchServer("api", {
    readCacheTtlMs: 0,
    large: true,
  });
  try {
    const rows: Row[] = [];
    // WebSocket first: it does not depend on routes still being written.
    const lastId = await stores.sessions.lastEventId();
    const ws = await benchWebSocket(
      `${base.replace("http", "ws")}/api/ws?project=${projectId}`,
      bus,
      projectId,
      lastId,
    );
    rows.push(ws.row);
    const large = `/api/projects/${largeProjectId}/tasks`;
    // The last page of the 5,004-test plan, by its cursor: keyset pages cost what the first does.
    let after: string | null = null;
    for (let next: string | null = ""; next !== null; ) {
      after = next || after;
      next = (
        (await (await fetch(`${base}${large}?limit=1000${next ? `&after=${next}` : ""}`)).json()) as {
          next: string | null;
        }
      ).next;
    }
    const paths = [`/api/projects/${projectId}`, large, `${large}?after=${after}`];
    for (const path of paths) rows.push(await benchHttp(base, path));
    // One connection: what one request costs when nothing waits in front of it.
    if (REFERENCE) for (const path of paths) rows.push(await benchHttp(base, path, 1));
    report(rows);
  } finally {
    await close();
  }
  // As in production: the 1-second read cache on; and its bound under cache-busting reads.
  const cached = await startBenchServer("api-cache", { large: true });
  try {
    const paths = [`/api/projects/${cached.projectId}`, `/api/projects/${cached.largeProjectId}/tasks`];
    const rows: Row[] = [];
    for (const path of paths) rows.push(await benchHttp(cached.base, path, CONNECTIONS, " (cache on)"));
    report(rows);
    console.log(await cacheBusting(cached.base, cached.projectId));
  } finally {
    await cached.close();
  }
  console.log(`load after: ${load()}`);
}

const role = process.argv.indexOf("--clients");
if (role >= 0) await runClients(process.argv[role + 1] ?? "", Number(process.argv[role + 2] ?? WS_CLIENTS));
else await main();
