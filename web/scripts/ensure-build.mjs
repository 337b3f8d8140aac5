#!/usr/bin/env node
/**
 * Builds the web UI (web/out) when it is missing or older than its sources, so `npm install`
 * (the root postinstall runs this) and the UI tests always have a current build, and nobody runs
 * a build step by hand. `--force` builds anyway; BATON_SKIP_WEB_BUILD=1 skips.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const web = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const marker = path.join(web, "out", "index.html");
const SOURCES = [
  "app",
  "components",
  "lib",
  "package.json",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
];

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((name) => newest(path.join(p, name))));
}

export function buildIsCurrent() {
  if (!existsSync(marker)) return false;
  const built = statSync(marker).mtimeMs;
  return SOURCES.every((s) => newest(path.join(web, s)) <= built);
}

if (process.env.BATON_SKIP_WEB_BUILD === "1") {
  console.log("web UI: build skipped (BATON_SKIP_WEB_BUILD=1)");
} else if (!process.argv.includes("--force") && buildIsCurrent()) {
  console.log("web UI: web/out is up to date");
} else if (!existsSync(path.join(web, "..", "node_modules", "next"))) {
  console.log("web UI: next is not installed; run npm install to build the UI");
} else {
  console.log("web UI: building web/out (next build, about 30 s)…");
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [path.join(web, "..", "node_modules", "next", "dist", "bin", "next"), "build"],
    {
      cwd: web,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
  if (result.status !== 0) {
    console.error("web UI: the build failed (see above); the API works without it");
    process.exit(result.status ?? 1);
  }
  console.log(`web UI: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
