#!/usr/bin/env node
/**
 * Compiles Baton's TypeScript (src/) to JavaScript in lib/, so `baton` starts without compiling
 * anything at run time. The root postinstall runs it (when lib/ is missing or older than src/);
 * `npm run build` runs it anyway. bin/baton.js falls back to the sources through tsx while lib/
 * is missing or stale, so a `git pull` without a build never runs old code.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LIB, libIsCurrent, ROOT, SRC, STAMP } from "../bin/lib-freshness.js";

/** Files of src/ that are not TypeScript but are read at run time (beside the code that reads them). */
function copyAssets(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyAssets(source, target);
    else if (!entry.name.endsWith(".ts")) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, target);
    }
  }
}

if (!process.argv.includes("--force") && libIsCurrent()) {
  console.log("baton: lib/ is up to date");
} else {
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) {
    console.log("baton: typescript is not installed; `baton` runs from the sources (slower start)");
  } else {
    const started = Date.now();
    rmSync(LIB, { recursive: true, force: true });
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (result.status !== 0) {
      rmSync(LIB, { recursive: true, force: true });
      console.error("baton: compiling src/ failed (above); `baton` runs from the sources until it is fixed");
      process.exit(1);
    }
    copyAssets(SRC, LIB);
    writeFileSync(STAMP, `${new Date().toISOString()}\n`);
    console.log(`baton: compiled src/ to lib/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
