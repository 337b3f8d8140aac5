import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { realpathExisting } from "../../src/security/paths.ts";
import { usePolicy } from "./fixture.ts";

const policy = usePolicy();

describe("path rules of destructive commands, on real directories", () => {
  it("follows a symlink that leads out of the project and refuses rm, mv, cp and chmod through it", () => {
    for (const command of [
      "rm -rf escape",
      "rm -rf escape/",
      "rm escape/precious.txt",
      "rm -rf escape/not/yet/there",
      "rm -rf ./src/../escape/*",
      "mv src/index.ts escape/",
      "mv escape/precious.txt src/",
      "cp -r src escape/copy",
      "chmod +x escape/precious.txt",
      "find escape -delete",
    ]) {
      const decision = policy.decide(command, policy.world.ctx());
      expect(decision.allowed, command).toBe(false);
      expect(decision.reason, command).toContain(policy.world.outside);
    }
    expect(existsSync(path.join(policy.world.outside, "precious.txt"))).toBe(true);
  });

  it("allows the same commands through a symlink that stays inside the project", () => {
    for (const command of [
      "rm -rf src-link/old",
      "chmod +x src-link/index.ts",
      "cp run.sh src-link/",
      "mv src-link/a src-link/b",
    ]) {
      expect(policy.decide(command, policy.world.ctx()).allowed, command).toBe(true);
    }
  });

  it("judges absolute paths inside the project like relative ones", () => {
    expect(policy.decide(`rm -rf ${policy.world.project}/dist`, policy.world.ctx()).allowed).toBe(true);
    expect(policy.decide(`rm -rf ${policy.world.project}`, policy.world.ctx()).reason).toContain(
      "project directory itself",
    );
    expect(policy.decide(`rm -rf ${policy.world.project}/.git`, policy.world.ctx()).reason).toContain(
      "protected",
    );
    expect(policy.decide(`rm -rf ${policy.world.outside}`, policy.world.ctx()).reason).toContain(
      "outside the project",
    );
  });

  it("works when the project directory is itself reached through a symlink", () => {
    const alias = path.join(policy.world.root, "project-alias");
    symlinkSync(policy.world.project, alias);
    const ctx = policy.world.ctx({ projectDir: alias });
    expect(policy.decide("rm -rf dist", ctx).allowed).toBe(true);
    expect(policy.decide(`rm -rf ${policy.world.project}/dist`, ctx).allowed).toBe(true);
    expect(policy.decide("rm -rf escape", ctx).allowed).toBe(false);
    expect(policy.decide("rm -rf ..", ctx).allowed).toBe(false);
  });

  it("treats `~` as the home directory and a project under home as inside", () => {
    const project = path.join(policy.world.home, "code", "app");
    mkdirSync(project, { recursive: true });
    const ctx = policy.world.ctx({ projectDir: project });
    expect(policy.decide("rm -rf ~/code/app/dist", ctx).allowed).toBe(true);
    expect(policy.decide("rm -rf ~/code", ctx).reason).toContain("outside the project");
    expect(policy.decide("rm -rf ~", ctx).reason).toContain("home directory");
    expect(policy.decide("rm -rf ~/*", ctx).reason).toContain("home directory");
  });

  it("follows `cd` inside the project and stops vouching for relative paths once it leaves", () => {
    expect(policy.decide("cd src && rm -rf ../dist", policy.world.ctx()).allowed).toBe(true);
    expect(policy.decide("cd src && rm -rf ../../outside", policy.world.ctx()).allowed).toBe(false);
    expect(policy.decide("cd escape && rm -rf x", policy.world.ctx()).reason).toContain("left the project");
    expect(policy.decide("cd / ; (cd src) ; rm -rf bin", policy.world.ctx()).allowed).toBe(false);
    expect(policy.decide("pushd src && rm -f a.ts && popd && rm -rf dist", policy.world.ctx()).allowed).toBe(
      true,
    );
    expect(policy.decide("cd && rm -rf x", policy.world.ctx()).allowed).toBe(false);
  });

  it("resolves the existing part of a path through realpath and appends the rest", () => {
    expect(realpathExisting(path.join(policy.world.project, "escape", "a", "b"))).toBe(
      path.join(policy.world.outside, "a", "b"),
    );
    expect(realpathExisting(path.join(policy.world.project, "missing", "x"))).toBe(
      path.join(policy.world.project, "missing", "x"),
    );
  });

  it("gives the same answers from a cache shared by one decision, also below a file or a symlink loop", () => {
    const { project, outside } = policy.world;
    const loop = path.join(project, "dist", "loop");
    if (!existsSync(path.join(project, "dist", "loop2"))) {
      symlinkSync(path.join(project, "dist", "loop2"), loop);
      symlinkSync(loop, path.join(project, "dist", "loop2"));
    }
    const cache = new Map<string, string>();
    const cases: [string, string][] = [
      [path.join(project, "escape", "a"), path.join(outside, "a")],
      [path.join(project, "escape", "a", "b"), path.join(outside, "a", "b")],
      [path.join(project, "src", "index.ts", "x"), path.join(project, "src", "index.ts", "x")],
      [path.join(loop, "x"), path.join(loop, "x")],
      [path.join(project, "src-link", "index.ts"), path.join(project, "src", "index.ts")],
    ];
    for (const [given, real] of [...cases, ...cases]) {
      expect(realpathExisting(given, cache), given).toBe(real);
      expect(realpathExisting(given), given).toBe(real);
    }
  });
});

describe("process rules", () => {
  it("allows numeric PIDs and development process names only", () => {
    const ctx = policy.world.ctx();
    expect(policy.decide(`kill ${process.pid}`, ctx).allowed).toBe(true);
    expect(policy.decide("kill -TERM 4242 4243", ctx).allowed).toBe(true);
    expect(policy.decide("kill -- -4242", ctx).allowed).toBe(false);
    expect(policy.decide("kill 0", ctx).allowed).toBe(false);
    for (const name of ["node", "vite", "next", "uvicorn", "chromium", "vitest"]) {
      expect(policy.decide(`pkill ${name}`, ctx).allowed, name).toBe(true);
      expect(policy.decide(`killall ${name}`, ctx).allowed, name).toBe(true);
    }
    for (const name of ["sshd", "init", "systemd", "bash", "postgres", "Xorg"]) {
      expect(policy.decide(`pkill ${name}`, ctx).allowed, name).toBe(false);
      expect(policy.decide(`killall -9 ${name}`, ctx).allowed, name).toBe(false);
    }
  });
});
