import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICY_DENIED_EXIT } from "../../src/cli/denied-exit.ts";
import { baton } from "../helpers/cli.ts";
import { makePolicyWorld, type PolicyWorld } from "./fixture.ts";

let world: PolicyWorld;

beforeAll(() => {
  world = makePolicyWorld();
});
afterAll(() => world.cleanup());

/** `baton policy …` through the real CLI entry point, in-process. */
async function policy(args: string[], cwd = world.project) {
  return baton(["policy", ...args], { cwd, env: { BATON_HOME: path.join(world.root, "baton-home") } });
}

describe("baton policy check", () => {
  it("prints `allowed: <reason>` and exits 0 for an allowed command", async () => {
    const result = await policy(["check", "--", "npm test && git status"]);
    expect(result).toEqual({
      code: 0,
      out: "allowed: permitted by the blocklist policy: npm, git\n",
      err: "",
    });
  });

  it("prints `denied: <reason>` and exits 3 for a denied command", async () => {
    const result = await policy(["check", "--", "npm test; \\sudo rm -rf /"]);
    expect(result.code).toBe(POLICY_DENIED_EXIT);
    expect(result.out).toMatch(/^denied: `sudo` is never allowed.*\n$/);
  });

  it("judges paths against --project-dir", async () => {
    expect(
      (await policy(["check", "--project-dir", world.project, "--", "rm -rf dist"], world.root)).code,
    ).toBe(0);
    const outside = await policy(
      ["check", "--project-dir", world.project, "--", "rm -rf ../outside"],
      world.root,
    );
    expect(outside.code).toBe(3);
    expect(outside.out).toContain("outside the project");
  });

  it("takes --mode, and security.mode from the config; a baton.yaml may only tighten it", async () => {
    expect((await policy(["check", "--mode", "allowlist", "--", "terraform plan"])).out).toContain(
      "not in the allowlist",
    );
    expect((await policy(["check", "--", "terraform plan"])).code).toBe(0);
    writeFileSync(
      path.join(world.project, "baton.yaml"),
      "security:\n  mode: allowlist\n  extra_allowed_commands: [terraform]\n",
    );
    // Allowlist mode, and no command added to it: a baton.yaml cannot grant one.
    const tightened = await policy(["check", "--", "terraform plan"]);
    expect(tightened.code).toBe(3);
    expect(tightened.err).toContain("security.extra_allowed_commands: terraform left out");
    expect((await policy(["check", "--mode", "blocklist", "--", "terraform plan"])).code).toBe(3);
    // Granted where a person sets it, the allowlist takes it.
    mkdirSync(path.join(world.root, "baton-home"), { recursive: true });
    writeFileSync(
      path.join(world.root, "baton-home", "config.yaml"),
      "security:\n  extra_allowed_commands: [terraform]\n",
    );
    expect((await policy(["check", "--", "terraform plan"])).code).toBe(0);
  });

  it("refuses reading secrets: a .env outside the project, Baton's home; the project's own .env is fine", async () => {
    writeFileSync(path.join(world.root, ".env"), "TOKEN=x");
    const envNextDoor = await policy(["check", "--", "cat ../.env"]);
    expect(envNextDoor.code).toBe(POLICY_DENIED_EXIT);
    expect(envNextDoor.out).toMatch(/^denied: reads a secret: `\.\.\/\.env` .* is off limits to sessions/);
    const batonData = await policy(["check", "--", `ls ${path.join(world.root, "baton-home")}`]);
    expect(batonData.code).toBe(POLICY_DENIED_EXIT);
    expect(batonData.out).toContain("Baton's data");
    expect((await policy(["check", "--", "cat .env && ls .."])).code).toBe(0);
  });

  it("rejects an unknown mode as invalid configuration", async () => {
    const result = await policy(["check", "--mode", "yolo", "--", "ls"]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("--mode");
  });
});
