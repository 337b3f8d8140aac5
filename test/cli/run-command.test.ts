import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { baton } from "../helpers/cli.ts";
import { makeWorld } from "../helpers/world.ts";

it("asks for a spec when the project does not exist yet, and creates nothing", async () => {
  const w = makeWorld();
  const env = { ...w.env, ANTHROPIC_API_KEY: "sk-test" };
  const { code, err } = await baton(["run", "--project-dir", "todo"], { cwd: w.cwd, env });
  expect(code).toBe(2);
  expect(err).toMatch(/^baton: there is no project in .*\/generations\/todo yet; give --spec FILE/);
  expect((await baton(["projects"], { cwd: w.cwd, env })).out).not.toContain("todo");
});

it("refuses a limit that is not a whole number, naming the flag", async () => {
  const w = makeWorld();
  const { code, err } = await baton(["run", "--project-dir", "todo", "--max-iterations", "0"], {
    cwd: w.cwd,
    env: w.env,
  });
  expect(code).toBe(2);
  expect(err).toBe('baton: --max-iterations: expected a whole number ≥ 1, got "0"\n');
});

it("refuses a model name that is not one, naming the flag, before creating anything", async () => {
  const w = makeWorld();
  w.write("project/spec.md", "# App\n- one\n");
  const env = { ...w.env, ANTHROPIC_API_KEY: "sk-test" };
  for (const model of ["--dangerously-skip-permissions", "x".repeat(100_000)]) {
    const { code, err } = await baton(
      ["run", "--project-dir", "app", "--spec", "spec.md", `--model=${model}`],
      {
        cwd: w.cwd,
        env,
      },
    );
    expect(code).toBe(2);
    expect(err).toMatch(
      /^baton: flag --model: models\.coding: expected a model alias \(opus, sonnet, haiku\) or a model id/,
    );
    expect(err.length).toBeLessThan(1_000);
  }
  expect(JSON.parse((await baton(["projects", "--json"], { cwd: w.cwd, env })).out)).toEqual([]);
});

it("refuses to start without credentials before creating anything", async () => {
  const w = makeWorld();
  w.write("project/spec.md", "# App\n- one\n");
  const env = { BATON_HOME: w.home, PATH: process.env.PATH, HOME: process.env.HOME };
  const { code, err } = await baton(["run", "--project-dir", "app", "--spec", "spec.md"], {
    cwd: w.cwd,
    env,
  });
  expect(code).toBe(1);
  expect(err).toMatch(/^baton: no Claude credentials: set CLAUDE_CODE_OAUTH_TOKEN/);
  const projects = await baton(["projects", "--json"], { cwd: w.cwd, env });
  expect(JSON.parse(projects.out)).toEqual([]);
});

it("refuses to start where the OS sandbox is missing, naming what to install, before creating anything", async () => {
  const w = makeWorld();
  w.write("project/spec.md", "# App\n- one\n");
  // A PATH with node and git but neither bubblewrap nor socat.
  const bin = join(w.root, "bin");
  mkdirSync(bin);
  for (const tool of ["node", "git"])
    symlinkSync(execFileSync("which", [tool], { encoding: "utf8" }).trim(), join(bin, tool));
  const env = { ...w.env, ANTHROPIC_API_KEY: "sk-test", PATH: bin, HOME: process.env.HOME };
  const { code, err } = await baton(["run", "--project-dir", "app", "--spec", "spec.md"], {
    cwd: w.cwd,
    env,
  });
  expect(code).toBe(1);
  expect(err).toMatch(/^baton: sessions run their commands in the OS sandbox \(sandbox.type: os\)/);
  expect(err).toContain("bubblewrap not found: apt-get install bubblewrap");
  expect(err).toContain("socat not found: apt-get install socat");
  expect(err).toContain("set sandbox.type: none");
  const projects = await baton(["projects", "--json"], { cwd: w.cwd, env });
  expect(JSON.parse(projects.out)).toEqual([]);
  // With the sandbox turned off, the same command gets past the check (to the missing model).
  const off = await baton(["init", "--project-dir", "app", "--spec", "spec.md"], {
    cwd: w.cwd,
    env: { ...env, BATON_SANDBOX_TYPE: "none", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" },
  });
  expect(off.err).not.toContain("OS sandbox");
  expect(off.out).toContain("created project app");
  // …and says loudly that the sandbox is off, and where that came from.
  expect(off.err).toContain(
    "!! THE SANDBOX IS OFF for this run (sandbox.type: none, from env BATON_SANDBOX_TYPE).",
  );
});
