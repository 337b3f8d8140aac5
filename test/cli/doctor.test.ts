import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import {
  checkChromium,
  checkClaudeCode,
  checkNode,
  DOCTOR_CHECKS,
  NODE_REQUIREMENT,
} from "../../src/doctor/checks.ts";
import { binaryPackages, findClaudeBinary, localBinaryLookup } from "../../src/doctor/claude-binary.ts";
import { directoryState } from "../../src/doctor/directories.ts";
import { formatDoctorText, summaryLine } from "../../src/doctor/report.ts";
import {
  type Check,
  type DoctorContext,
  fail,
  ok,
  runChecks,
  splitProblem,
  warn,
} from "../../src/doctor/result.ts";
import { findOnPath } from "../../src/security/sandbox.ts";
import { baton } from "../helpers/cli.ts";
import { makeWorld, type World } from "../helpers/world.ts";

const CHECK_NAMES = DOCTOR_CHECKS.map((c) => c.name);

/** This process's environment without credentials, Baton settings or a database URL, in world `w`. */
function cleanEnv(w: World, extra: Record<string, string | undefined> = {}) {
  const env = withoutCredentials(process.env);
  for (const name of Object.keys(env)) {
    if (name.startsWith("BATON_") || name === "DATABASE_URL") delete env[name];
  }
  // HOME is the world's root: no ~/.claude credentials there.
  return { ...env, HOME: w.root, BATON_HOME: w.home, ...extra };
}

const withKey = (w: World, extra: Record<string, string | undefined> = {}) =>
  cleanEnv(w, { ANTHROPIC_API_KEY: "sk-test-do-not-print", ...extra });

/** A directory holding only links to these programs, to stand in for PATH. */
function pathWith(w: World, programs: Record<string, string>): string {
  const dir = path.join(w.root, "bin");
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, target] of Object.entries(programs)) fs.symlinkSync(target, path.join(dir, name));
  return dir;
}

function which(name: string): string {
  const found = findOnPath(name);
  if (found === null) throw new Error(`${name} must be installed on the test machine`);
  return found;
}

/** The line of one check in the text report. */
function lineOf(out: string, name: string): string {
  const line = out.split("\n").find((l) => new RegExp(`^. ${name} `).test(l));
  if (line === undefined) throw new Error(`no ${name} line in:\n${out}`);
  return line;
}

describe("baton doctor", () => {
  it("passes on this machine with an API key, listing every check, and creates nothing", async () => {
    const w = makeWorld();
    const home = path.join(w.root, "fresh-home");
    const { code, out, err } = await baton(["doctor"], { cwd: w.cwd, env: withKey(w, { BATON_HOME: home }) });
    expect(err).toBe("");
    expect(code).toBe(0);
    for (const name of CHECK_NAMES) expect(out).toMatch(new RegExp(`^[✓!] ${name} +\\S`, "m"));
    expect(out).not.toMatch(/^✗/m);
    expect(lineOf(out, "node")).toMatch(/^✓ node +v\d+\.\d+\.\d+$/);
    expect(lineOf(out, "claude-code")).toMatch(
      /^✓ claude-code +\d+\.\d+\.\d+ \(Claude Code\) at .*claude-agent-sdk-linux-[a-z0-9-]+\/claude$/,
    );
    expect(lineOf(out, "credentials")).toMatch(/^✓ credentials +API key \(ANTHROPIC_API_KEY\)$/);
    expect(lineOf(out, "sandbox")).toMatch(/^✓ sandbox +os \(bubblewrap \/\S+\/bwrap, socat \/\S+\/socat\)$/);
    // Paths are shown as `baton config` shows them: relative to the working directory, or ~/….
    expect(lineOf(out, "database")).toMatch(
      /^✓ database +sqlite ~\/fresh-home\/baton\.db: not created yet \(Baton creates and migrates it at first use\)$/,
    );
    expect(lineOf(out, "git")).toMatch(/^✓ git +git version \S+ at \/\S+\/git$/);
    expect(lineOf(out, "baton-home")).toMatch(/fresh-home \(will be created\)$/);
    expect(lineOf(out, "generations")).toMatch(/^✓ generations +generations \(will be created\)$/);
    expect(out).toMatch(/\n\nall checks passed(; \d warnings?: [a-z, -]+)?\n$/);
    expect(out).not.toContain("sk-test-do-not-print");
    expect(fs.existsSync(home)).toBe(false);
    expect(fs.existsSync(path.join(w.cwd, "generations"))).toBe(false);
  });

  it("fails without credentials, with the fix, and exits 1", async () => {
    const w = makeWorld();
    const { code, out, err } = await baton(["doctor"], { cwd: w.cwd, env: cleanEnv(w) });
    expect(code).toBe(1);
    expect(lineOf(out, "credentials")).toMatch(/^✗ credentials +no Claude credentials in the environment$/);
    expect(out).toMatch(
      /^✗ credentials .*\n +fix: set CLAUDE_CODE_OAUTH_TOKEN \(a subscription token from `claude setup-token`\) or ANTHROPIC_API_KEY/m,
    );
    expect(out).toContain("\n\n1 problem: credentials");
    expect(err).toBe("baton: doctor: 1 check failed: credentials\n");
  });

  it("says that a `claude login` in HOME is not what sessions use", async () => {
    const w = makeWorld();
    w.write(".claude/.credentials.json", "{}");
    const { code, out } = await baton(["doctor"], { cwd: w.cwd, env: cleanEnv(w) });
    expect(code).toBe(1);
    expect(lineOf(out, "credentials")).toContain(
      "(~/.claude/.credentials.json from `claude login` is not used: sessions take credentials from the environment)",
    );
  });

  it("warns when both an API key and a subscription token are set, and still exits 0", async () => {
    const w = makeWorld();
    const env = withKey(w, { CLAUDE_CODE_OAUTH_TOKEN: "oauth-secret-value" });
    const { code, out } = await baton(["doctor"], { cwd: w.cwd, env });
    expect(code).toBe(0);
    expect(lineOf(out, "credentials")).toMatch(/^! credentials +API key \(ANTHROPIC_API_KEY\); both /);
    expect(out).not.toContain("oauth-secret-value");
  });

  it("warns that commands run unconfined with sandbox.type none, and exits 0", async () => {
    const w = makeWorld();
    const { code, out } = await baton(["doctor"], {
      cwd: w.cwd,
      env: withKey(w, { BATON_SANDBOX_TYPE: "none" }),
    });
    expect(code).toBe(0);
    expect(out).toMatch(
      /^! sandbox +none: sessions' commands run unconfined\n +fix: set sandbox\.type: os \(in ~\/\.baton\/config\.yaml, or BATON_SANDBOX_TYPE=os\)$/m,
    );
    expect(out).toMatch(/all checks passed; \d warnings?: .*sandbox/);
  });

  it("fails the sandbox, naming bubblewrap, when bwrap is not on PATH", async () => {
    const w = makeWorld();
    const PATH = pathWith(w, { node: process.execPath, git: which("git"), socat: which("socat") });
    const { code, out } = await baton(["doctor"], { cwd: w.cwd, env: withKey(w, { PATH }) });
    expect(code).toBe(1);
    expect(out).toMatch(/^✗ sandbox +bubblewrap not found\n +fix: apt-get install bubblewrap/m);
    expect(lineOf(out, "git")).toMatch(/^✓ git /);
    expect(lineOf(out, "claude-code")).toMatch(/^✓ claude-code /);
    expect(out).toContain("\n\n1 problem: sandbox");
  });

  it("fails git when it is not on PATH", async () => {
    const w = makeWorld();
    const PATH = pathWith(w, { bwrap: which("bwrap"), socat: which("socat") });
    const { code, out } = await baton(["doctor"], { cwd: w.cwd, env: withKey(w, { PATH }) });
    expect(code).toBe(1);
    expect(out).toMatch(
      /^✗ git +not on PATH: every project is a git repository\n +fix: apt-get install git/m,
    );
    expect(lineOf(out, "sandbox")).toMatch(/^✓ sandbox /);
  });

  it("fails the database when PostgreSQL cannot be reached, with the password masked", async () => {
    const w = makeWorld();
    const env = withKey(w, { DATABASE_URL: "postgres://postgres:hunter2@127.0.0.1:1/x" });
    const { code, out, err } = await baton(["doctor"], { cwd: w.cwd, env });
    expect(code).toBe(1);
    expect(out).toMatch(
      /^✗ database +cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED.*\n +fix: start PostgreSQL there/m,
    );
    expect(out + err).not.toContain("hunter2");
    expect(err).toBe("baton: doctor: 1 check failed: database\n");
  });

  it("warns about pending migrations with the command that applies them, then passes once applied", async () => {
    const w = makeWorld();
    const env = withKey(w);
    // `db status` opens the embedded database without migrating it.
    expect((await baton(["db", "status"], { cwd: w.cwd, env })).code).toBe(0);
    const pending = await baton(["doctor"], { cwd: w.cwd, env });
    expect(pending.code).toBe(0);
    expect(pending.out).toMatch(
      /^! database +sqlite .*baton\.db: 2 of 2 migrations pending \(Baton applies them when it starts\)\n +fix: npx baton db migrate$/m,
    );
    expect((await baton(["db", "migrate"], { cwd: w.cwd, env })).code).toBe(0);
    const applied = await baton(["doctor"], { cwd: w.cwd, env });
    expect(lineOf(applied.out, "database")).toMatch(
      /^✓ database +sqlite .*baton\.db: all 2 migrations applied$/,
    );
  });

  it("names the same global options in the migrate fix when they were given", async () => {
    const w = makeWorld();
    const config = w.write("custom.yaml", "database:\n  url: sqlite:custom.db\n");
    const env = withKey(w);
    expect((await baton(["--config", config, "db", "status"], { cwd: w.cwd, env })).code).toBe(0);
    const { out } = await baton(["--config", config, "doctor"], { cwd: w.cwd, env });
    expect(lineOf(out, "config")).toMatch(/custom\.yaml$/);
    expect(out).toContain(`fix: npx baton --config ${config} db migrate`);
    expect(lineOf(out, "database")).toMatch(/^! database +sqlite custom\.db: 2 of 2 migrations pending/);
  });

  it("reports an invalid config and leaves out the checks that need it", async () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "sandbox:\n  type: bogus\n");
    const { code, out } = await baton(["doctor"], { cwd: w.cwd, env: withKey(w) });
    expect(code).toBe(1);
    expect(out).toMatch(
      /^✗ config +cannot be loaded, so sandbox, database, generations were not checked\n +fix: .*baton\.yaml: sandbox\.type: expected one of os, docker, none, got "bogus"$/m,
    );
    for (const skipped of ["sandbox", "database", "generations"]) {
      expect(out).not.toMatch(new RegExp(`^. ${skipped} `, "m"));
    }
    expect(lineOf(out, "git")).toMatch(/^✓ git /);
  });

  it("fails the generations directory when a file is in the way", async () => {
    const w = makeWorld();
    const blocker = w.write("blocker", "a file, not a directory");
    const env = withKey(w, { BATON_PROJECT_GENERATIONS_DIR: path.join(blocker, "generations") });
    const { code, out } = await baton(["doctor"], { cwd: w.cwd, env });
    expect(code).toBe(1);
    expect(out).toMatch(
      new RegExp(
        `^✗ generations +~/blocker/generations: ${blocker} is not a directory\\n +fix: set project\\.generations_dir \\(~\\/\\.baton\\/config\\.yaml, or BATON_PROJECT_GENERATIONS_DIR\\) to a writable directory$`,
        "m",
      ),
    );
    expect(out).toContain("\n\n1 problem: generations");
  });

  it("fails the Baton home when a file is in the way (and the config, which lives there)", async () => {
    const w = makeWorld();
    const blocker = w.write("blocker", "a file, not a directory");
    const env = withKey(w, { BATON_HOME: path.join(blocker, "home") });
    const { code, out } = await baton(["doctor"], { cwd: w.cwd, env });
    expect(code).toBe(1);
    expect(out).toMatch(
      new RegExp(
        `^✗ baton-home +~/blocker/home: ${blocker} is not a directory\\n +fix: set BATON_HOME to`,
        "m",
      ),
    );
    expect(lineOf(out, "config")).toMatch(/^✗ config /);
    expect(out).toContain("\n\n2 problems: config, baton-home");
  });

  it("checks the docker daemon for sandbox.type docker", async () => {
    const w = makeWorld();
    const fake = w.write("fake/docker", '#!/bin/sh\n[ "$1" = version ] && echo 27.3.1\n');
    fs.chmodSync(fake, 0o755);
    const up = await baton(["doctor"], {
      cwd: w.cwd,
      env: withKey(w, { BATON_SANDBOX_TYPE: "docker", PATH: `${path.dirname(fake)}:${process.env.PATH}` }),
    });
    expect(lineOf(up.out, "sandbox")).toBe(`✓ sandbox      docker (${fake}, engine reachable)`);

    fs.writeFileSync(fake, "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n");
    const down = await baton(["doctor"], {
      cwd: w.cwd,
      env: withKey(w, { BATON_SANDBOX_TYPE: "docker", PATH: `${path.dirname(fake)}:${process.env.PATH}` }),
    });
    expect(down.code).toBe(1);
    expect(down.out).toMatch(
      /^✗ sandbox +docker: Docker engine not reachable \(Cannot connect to the Docker daemon\)\n +fix: install Docker \/ start the daemon, or set sandbox\.type: os$/m,
    );

    const PATH = pathWith(w, { git: which("git") });
    const missing = await baton(["doctor"], {
      cwd: w.cwd,
      env: withKey(w, { BATON_SANDBOX_TYPE: "docker", PATH }),
    });
    expect(missing.out).toMatch(
      /^✗ sandbox +docker: the docker command is not on PATH\n +fix: install Docker/m,
    );
  });

  it("prints { checks, ok } with --json", async () => {
    const w = makeWorld();
    const good = await baton(["doctor", "--json"], { cwd: w.cwd, env: withKey(w) });
    expect(good.code).toBe(0);
    const passed = JSON.parse(good.out);
    expect(passed.ok).toBe(true);
    expect(passed.checks.map((c: { name: string }) => c.name)).toEqual(CHECK_NAMES);
    expect(passed.checks.find((c: { name: string }) => c.name === "credentials")).toEqual({
      name: "credentials",
      status: "ok",
      detail: "API key (ANTHROPIC_API_KEY)",
      fixes: [],
    });

    const bad = await baton(["doctor", "--json"], { cwd: w.cwd, env: cleanEnv(w) });
    expect(bad.code).toBe(1);
    const failed = JSON.parse(bad.out);
    expect(failed.ok).toBe(false);
    const credentials = failed.checks.find((c: { name: string }) => c.name === "credentials");
    expect(credentials.status).toBe("fail");
    expect(credentials.fixes[0]).toMatch(/^set CLAUDE_CODE_OAUTH_TOKEN/);
  });
});

function context(overrides: Partial<DoctorContext> = {}): DoctorContext {
  const w = makeWorld();
  return {
    env: { PATH: process.env.PATH },
    cwd: w.cwd,
    homedir: w.root,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: "20.19.0",
    home: w.home,
    loaded: null,
    configError: null,
    migrateCommand: "npx baton db migrate",
    ...overrides,
  };
}

describe("doctor checks", () => {
  it("requires the Node.js version package.json names", () => {
    expect(NODE_REQUIREMENT).toBe(">=20.19");
    expect(checkNode(context({ nodeVersion: "20.19.0" }))).toEqual(ok("node", "v20.19.0"));
    expect(checkNode(context({ nodeVersion: "22.1.0" })).status).toBe("ok");
    expect(checkNode(context({ nodeVersion: "20.18.3" }))).toMatchObject({
      status: "fail",
      detail: "v20.18.3 is older than 20.19 (package.json engines)",
      fixes: [expect.stringMatching(/^install Node\.js 20\.19 or newer/)],
    });
    expect(checkNode(context({ nodeVersion: "18.20.4" })).status).toBe("fail");
  });

  it("finds the Claude Code binary where the Agent SDK looks for it", () => {
    const binary = findClaudeBinary(localBinaryLookup(process.platform, process.arch));
    expect(binary).toMatch(
      new RegExp(
        `node_modules/@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}(-musl)?/claude$`,
      ),
    );
    expect(binaryPackages("linux", "arm64", true)).toEqual([
      "@anthropic-ai/claude-agent-sdk-linux-arm64-musl",
      "@anthropic-ai/claude-agent-sdk-linux-arm64",
    ]);
    expect(binaryPackages("darwin", "arm64", false)).toEqual(["@anthropic-ai/claude-agent-sdk-darwin-arm64"]);
  });

  it("fails the binary check when the platform package is missing, broken or hangs", async () => {
    const w = makeWorld();
    const lookupOf = (file: string | null) => ({
      platform: "linux" as const,
      arch: "x64",
      musl: false,
      resolve: (id: string) => {
        if (file === null) throw new Error(`Cannot find module '${id}'`);
        return file;
      },
      exists: fs.existsSync,
    });
    const missing = await checkClaudeCode(context(), { lookup: lookupOf(null) });
    expect(missing).toMatchObject({
      status: "fail",
      detail:
        "no Claude Code binary for linux-x64: @anthropic-ai/claude-agent-sdk-linux-x64 is not installed",
      fixes: [expect.stringMatching(/^npm install --include=optional/)],
    });

    const broken = w.write("broken/claude", "#!/bin/sh\necho 'cannot load libc' >&2\nexit 127\n");
    fs.chmodSync(broken, 0o755);
    const failed = await checkClaudeCode(context(), { lookup: lookupOf(broken) });
    expect(failed.status).toBe("fail");
    expect(failed.detail).toBe(`${broken} --version failed: cannot load libc`);

    const hung = w.write("hung/claude", "#!/bin/sh\nexec sleep 30\n");
    fs.chmodSync(hung, 0o755);
    const started = Date.now();
    const slow = await checkClaudeCode(context(), { lookup: lookupOf(hung), timeoutMs: 300 });
    expect(slow.detail).toBe(`${hung} --version failed: did not answer within 300ms`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("warns when no Chromium is installed, with the package to install", () => {
    const w = makeWorld();
    expect(checkChromium(context(), [path.join(w.root, "no-chromium")])).toEqual(
      warn(
        "chromium",
        "not found: sessions cannot verify UI work in a browser",
        "apt-get install chromium (Debian/Ubuntu)",
      ),
    );
    const fakeChromium = w.write("chromium", "");
    expect(checkChromium(context({ cwd: w.root }), [fakeChromium])).toEqual(ok("chromium", "chromium"));
  });

  it("tells a writable directory from one that can be created and one behind a file", () => {
    const w = makeWorld();
    expect(directoryState(w.home)).toEqual({ ok: true, exists: true });
    expect(directoryState(path.join(w.home, "a", "b"))).toEqual({ ok: true, exists: false });
    const file = w.write("file", "x");
    expect(directoryState(path.join(file, "sub"))).toEqual({ ok: false, why: `${file} is not a directory` });
    expect(directoryState(file)).toEqual({ ok: false, why: `${file} is not a directory` });
  });

  it("splits a sandbox problem into what is wrong and what to do", () => {
    expect(splitProblem("bubblewrap not found: apt-get install bubblewrap (dnf install bubblewrap)")).toEqual(
      {
        detail: "bubblewrap not found",
        fix: "apt-get install bubblewrap (dnf install bubblewrap)",
      },
    );
    expect(
      splitProblem(
        "bubblewrap cannot create a sandbox here (bwrap: No permissions); allow unprivileged user namespaces or set sandbox.type: none",
      ),
    ).toEqual({
      detail: "bubblewrap cannot create a sandbox here (bwrap: No permissions)",
      fix: "allow unprivileged user namespaces or set sandbox.type: none",
    });
  });

  it("runs the checks in order and reports a check that throws as failed", async () => {
    const checks: Check[] = [
      { name: "first", needsConfig: false, run: () => ok("first", "fine") },
      {
        name: "broken",
        needsConfig: false,
        run: () => {
          throw new Error("boom");
        },
      },
      { name: "configured", needsConfig: true, run: () => ok("configured", "never runs without a config") },
      { name: "last", needsConfig: false, run: async () => warn("last", "meh", "do this") },
    ];
    const results = await runChecks(context(), checks);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["first", "ok"],
      ["broken", "fail"],
      ["last", "warn"],
    ]);
    expect(results[1]?.detail).toBe("the check itself failed: boom");
  });

  it("aligns the table, indents fixes and sums up problems and warnings", () => {
    const checks = [
      ok("node", "v20.20.0"),
      fail("sandbox", "bubblewrap not found", "apt-get install bubblewrap"),
      warn("chromium", "not found", "apt-get install chromium"),
      fail("git", "not on PATH", "apt-get install git"),
    ];
    expect(formatDoctorText({ checks, ok: false })).toBe(
      [
        "✓ node      v20.20.0",
        "✗ sandbox   bubblewrap not found",
        "            fix: apt-get install bubblewrap",
        "! chromium  not found",
        "            fix: apt-get install chromium",
        "✗ git       not on PATH",
        "            fix: apt-get install git",
        "",
        "2 problems: sandbox, git; 1 warning: chromium",
        "",
      ].join("\n"),
    );
    expect(summaryLine([ok("node", "v20")])).toBe("all checks passed");
    expect(summaryLine([ok("node", "v20"), warn("chromium", "x")])).toBe(
      "all checks passed; 1 warning: chromium",
    );
  });
});
