/**
 * npm run bench:web — the web UI's figures, from its production build (web/out):
 *
 * 1. First-load JS per route: the scripts each page's HTML loads, gzipped (level 9) and summed.
 *    Goal: ≤ 200 KB each.
 * 2. In Debian's Chromium (playwright-core, headless) against a real server (bench/server.ts: a
 *    project with 25 epics × 12 tasks × 3 tests, 900 tests), BENCH_RUNS (default 10) cold loads
 *    of the project page, each in a fresh browser context (no cache):
 *    - project data shown: from navigation start to the project's heading and progress bars on
 *      screen (performance.now() in the page as soon as they are). Goal: < 1.5 s.
 *    - plan render: the page's own measure from the moment the plan's data is in hand to the
 *      900-test plan committed to the DOM (`baton:plan-render`, see plan-tab.tsx), and, for
 *      context, navigation start → every task row present. Goal (render): < 200 ms.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { EPICS, TASKS_PER_EPIC, TESTS_PER_TASK } from "./plan.ts";
import { quantile, startBenchServer } from "./server.ts";

const OUT = join(import.meta.dirname, "..", "web", "out");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const GOALS = { firstLoadKb: 200, dataMs: 1500, planRenderMs: 200 } as const;

function firstLoadKb(): { route: string; kb: number }[] {
  const pages = readdirSync(OUT).filter((f) => f.endsWith(".html") && !/^(404|_not-found)/.test(f));
  return pages.map((file) => {
    const html = readFileSync(join(OUT, file), "utf8");
    const scripts = new Set([...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1] as string));
    const bytes = [...scripts].reduce(
      (sum, src) => sum + gzipSync(readFileSync(join(OUT, src.replace(/^\//, ""))), { level: 9 }).length,
      0,
    );
    const route = file === "index.html" ? "/" : `/${file.replace(/\.html$/, "")}`;
    return { route, kb: bytes / 1024 };
  });
}

async function main(): Promise<void> {
  const sizes = firstLoadKb();
  const server = await startBenchServer("web");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  const data: number[] = [];
  const render: number[] = [];
  const planShown: number[] = [];
  const tasks = EPICS * TASKS_PER_EPIC;
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${server.base}/project?id=${server.projectId}`, { waitUntil: "commit" });
      // Polled inside the page on every animation frame: the time is taken when the data is there.
      data.push(
        await page.evaluate(`new Promise((resolve) => {
          const check = () => {
            const h1 = document.querySelector("h1");
            const bars = document.querySelectorAll('[role="progressbar"][aria-valuenow]');
            if (h1 && h1.textContent === "bench" && bars.length >= 2) resolve(performance.now());
            else requestAnimationFrame(check);
          };
          check();
        })`),
      );
      planShown.push(
        await page.evaluate(`new Promise((resolve) => {
          const check = () => {
            const rows = document.querySelectorAll('[data-testid="plan"] section li button');
            if (rows.length >= ${tasks}) resolve(performance.now());
            else requestAnimationFrame(check);
          };
          check();
        })`),
      );
      render.push(
        (await page.evaluate(
          `performance.getEntriesByName("baton:plan-render").at(-1)?.duration ?? Number.NaN`,
        )) as number,
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const line = (what: string, values: number[], goal: number | null) => {
    const sorted = [...values].sort((a, b) => a - b);
    const p50 = quantile(sorted, 0.5);
    const max = sorted.at(-1) ?? Number.NaN;
    const verdict =
      goal === null
        ? ""
        : `  goal < ${goal} ms: ${max < goal ? "met (max)" : p50 < goal ? "met (median)" : "MISSED"}`;
    console.log(`${what.padEnd(44)}${p50.toFixed(0).padStart(8)}${max.toFixed(0).padStart(8)}${verdict}`);
    return { what, p50, max, goal };
  };
  console.log("\nfirst-load JS (gzipped, web/out)");
  for (const s of sizes)
    console.log(
      `${s.route.padEnd(44)}${s.kb.toFixed(1).padStart(8)} KB  goal ≤ ${GOALS.firstLoadKb} KB: ${s.kb <= GOALS.firstLoadKb ? "met" : "MISSED"}`,
    );
  console.log(
    `\nproject page, ${EPICS * TASKS_PER_EPIC * TESTS_PER_TASK}-test plan, ${RUNS} cold loads (ms)${"p50".padStart(12)}${"max".padStart(8)}`,
  );
  const rows = [
    line("navigation → project data shown", data, GOALS.dataMs),
    line("plan data in hand → plan rendered", render, GOALS.planRenderMs),
    line("navigation → every task row present", planShown, null),
  ];
  console.log(JSON.stringify({ bench: "web", runs: RUNS, first_load_kb: sizes, rows }));
}

await main();
