import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createCommandPolicy, type Decision, type PolicyContext } from "../../src/security/command-policy.ts";

export interface PolicyWorld {
  root: string;
  project: string;
  home: string;
  outside: string;
  ctx(overrides?: Partial<PolicyContext>): PolicyContext;
  cleanup(): void;
}

/**
 * A temp directory holding a project (with src/, dist/, .git/, package.json, .env, a lockfile and
 * `escape` → a symlink to a directory outside the project), a fake home and an outside directory.
 */
export function makePolicyWorld(): PolicyWorld {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "baton-policy-")));
  const project = path.join(root, "project");
  const home = path.join(root, "home");
  const outside = path.join(root, "outside");
  for (const dir of [project, home, outside, `${project}/src`, `${project}/dist`, `${project}/.git`]) {
    mkdirSync(dir, { recursive: true });
  }
  for (const file of ["package.json", "package-lock.json", ".env", "src/index.ts", "run.sh", "dist/a.js"]) {
    writeFileSync(path.join(project, file), "x");
  }
  writeFileSync(path.join(outside, "precious.txt"), "x");
  symlinkSync(outside, path.join(project, "escape"));
  symlinkSync(path.join(project, "src"), path.join(project, "src-link"));
  return {
    root,
    project,
    home,
    outside,
    ctx: (overrides = {}) => ({
      mode: "blocklist",
      projectDir: project,
      extraBlocked: [],
      extraAllowed: [],
      homeDir: home,
      ...overrides,
    }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * A temp project and the policy, for the tests of the calling file: both are ready inside tests
 * and cleaned up after the file.
 */
export function usePolicy(): {
  readonly world: PolicyWorld;
  decide: (command: string, ctx: PolicyContext) => Decision;
} {
  let world: PolicyWorld | undefined;
  let decide: ((command: string, ctx: PolicyContext) => Decision) | undefined;
  beforeAll(async () => {
    world = makePolicyWorld();
    decide = await createCommandPolicy();
  });
  afterAll(() => world?.cleanup());
  return {
    get world() {
      if (!world) throw new Error("the policy world is only available inside tests");
      return world;
    },
    decide: (command, ctx) => {
      if (!decide) throw new Error("the policy is only available inside tests");
      return decide(command, ctx);
    },
  };
}
