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
