import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript module of the entry point, without types
import { libIsCurrent } from "../../bin/lib-freshness.js";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { SUMMARY } from "../../src/cli/command-summaries.ts";
import { buildProgram, commandOf } from "../../src/cli/main.ts";
import { baton } from "../helpers/cli.ts";
import { makeWorld } from "../helpers/world.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const quiet = { out: () => {}, err: () => {}, env: {}, cwd: ROOT };

it("finds the command a command line names, past the global options and `help`", () => {
  const argv = (...words: string[]) => ["node", "baton", ...words];
  expect(commandOf(argv("status", "my-app"))).toBe("status");
  expect(commandOf(argv("--config", "status", "run"))).toBe("run");
  expect(commandOf(argv("--database-url", "sqlite:x.db", "--config=c.yaml", "logs"))).toBe("logs");
  expect(commandOf(argv("help", "reset"))).toBe("reset");
  expect(commandOf(argv("--help"))).toBeUndefined();
  expect(commandOf(argv())).toBeUndefined();
});

it("lists every command by its summary without loading one, and each loaded command carries that summary", async () => {
  const full = await buildProgram(quiet, [], true);
  const defined = Object.fromEntries(full.commands.map((c) => [c.name(), c.description()]));
  // The help's one-line table and the commands themselves are the same set, word for word.
  expect(defined).toEqual(SUMMARY);
  expect(full.commands.find((c) => c.name() === "serve")?.aliases()).toEqual(["start"]);

  const help = await baton(["--help"], { env: {}, cwd: ROOT });
  expect(help.code).toBe(0);
  for (const [name, summary] of Object.entries(SUMMARY)) {
    const line = help.out.split("\n").find((l) => l.startsWith(`  ${name} `) || l.startsWith(`  ${name}|`));
    expect(line).toContain(summary.slice(0, 20));
  }
  // Only the command named is defined in full: its own options are there, the others' are not.
  const status = await buildProgram(quiet, ["node", "baton", "status"]);
  expect(status.commands.map((c) => c.name())).toEqual(["status"]);
  expect(status.commands[0]?.options.map((o) => o.long)).toContain("--watch");
  const start = await buildProgram(quiet, ["node", "baton", "start", "--port", "9"]);
  expect(start.commands.map((c) => c.name())).toEqual(["serve"]);
  // An unknown command is refused with a suggestion, as before.
  const typo = await baton(["stauts"], { env: {}, cwd: ROOT });
  expect(typo.code).toBe(2);
  expect(typo.err).toMatch(/unknown command 'stauts'[\s\S]*Did you mean status\?/);
});

it("compiles src/ to lib/ at install, runs the compiled code from it, and runs the sources while lib/ is stale", () => {
  const w = makeWorld();
  // A checkout of Baton: its sources copied (the build writes lib/ beside them), the rest linked.
  const root = join(w.root, "baton");
  mkdirSync(join(root, "scripts"), { recursive: true });
  for (const path of ["src", "bin", "tsconfig.json", "tsconfig.build.json", "package.json"]) {
    cpSync(join(ROOT, path), join(root, path), { recursive: true });
  }
  cpSync(join(ROOT, "scripts", "build-lib.mjs"), join(root, "scripts", "build-lib.mjs"));
  for (const path of ["node_modules", "prompts", "web"]) symlinkSync(join(ROOT, path), join(root, path));
  expect(libIsCurrent(root)).toBe(false);

  const build = spawnSync(process.execPath, ["scripts/build-lib.mjs"], { cwd: root, encoding: "utf8" });
  expect(build.stdout).toMatch(/compiled src\/ to lib\/ in/);
  expect(build.status).toBe(0);
  expect(existsSync(join(root, "lib", "cli", "main.js"))).toBe(true);
  // Files read at run time beside the code: the demo's spec (prompts and package.json are found from lib/ as from src/).
  expect(existsSync(join(root, "lib", "demo", "spec.md"))).toBe(true);
  expect(libIsCurrent(root)).toBe(true);

  const env = { ...withoutCredentials(process.env), BATON_HOME: w.home };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, "bin", "baton.js"), ...args], {
      cwd: w.cwd,
      env,
      encoding: "utf8",
    });
  // The compiled code finds the built-in prompts and package.json from lib/.
  const prompts = run("prompts", "list");
  expect(prompts.stderr).toBe("");
  expect(prompts.stdout).toMatch(/coding/);
  const openapi = run("openapi");
  expect(JSON.parse(openapi.stdout).info.version).toBe(
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version,
  );

  // A source changed after the build (a `git pull` without `npm install`): the sources run.
  const summaries = join(root, "src", "cli", "command-summaries.ts");
  writeFileSync(
    summaries,
    readFileSync(summaries, "utf8").replace("show a project's", "CHANGED: show a project's"),
  );
  // While lib/ counts as current it is what runs (the old text); BATON_FROM_SOURCE=1 runs the sources.
  const future = new Date(Date.now() + 60_000);
  utimesSync(join(root, "lib", ".built"), future, future);
  expect(libIsCurrent(root)).toBe(true);
  expect(run("--help").stdout).not.toContain("CHANGED");
  const fromSource = spawnSync(process.execPath, [join(root, "bin", "baton.js"), "--help"], {
    cwd: w.cwd,
    env: { ...env, BATON_FROM_SOURCE: "1" },
    encoding: "utf8",
  });
  expect(fromSource.stdout).toContain("CHANGED: show a project's");
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(root, "lib", ".built"), past, past);
  expect(libIsCurrent(root)).toBe(false);
  expect(run("--help").stdout).toContain("CHANGED: show a project's");
  expect(spawnSync(process.execPath, ["scripts/build-lib.mjs"], { cwd: root }).status).toBe(0);
  expect(libIsCurrent(root)).toBe(true);
  expect(readFileSync(join(root, "lib", "cli", "command-summaries.js"), "utf8")).toContain("CHANGED");
}, 120_000);
