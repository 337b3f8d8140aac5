import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommandPolicy, type Decision, type PolicyContext } from "../../src/security/command-policy.ts";
import { secretPaths } from "../../src/security/secret-paths.ts";
import { CORPUS, type Label } from "./policy-corpus.ts";

/**
 * The corpus world: a project with the usual files, a sibling project `other` (with a `.env` and
 * `data/`), a fake home full of credentials, Baton's home, and a second account `rootish`.
 */
function corpusWorld() {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "baton-corpus-")));
  const project = path.join(root, "project");
  const home = path.join(root, "home");
  const rootish = path.join(root, "rootish-home");
  const batonHome = path.join(root, "baton-home");
  const files: Record<string, string> = {
    "project/package.json": "{}",
    "project/package-lock.json": "{}",
    "project/.env": "A=1",
    "project/src/index.ts": "x",
    "project/dist/a.js": "x",
    "project/init.sh": "#!/bin/sh",
    "project/.git/HEAD": "ref: refs/heads/main",
    "other/.env": "TOKEN=other",
    "other/data/x": "x",
    "other/run.sh": "x",
    "home/.ssh/id_rsa": "KEY",
    "home/.aws/credentials": "AWS",
    "home/.pgpass": "PG",
    "home/.gitconfig": "[user]",
    "home/.bashrc": "# rc",
    "rootish-home/.ssh/id_rsa": "KEY",
    "baton-home/baton.db": "DB",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  symlinkSync(path.join(root, "other"), path.join(project, "escape"));
  const secrets = secretPaths({ projectDir: project, home, batonHome, otherHomes: [rootish] });
  const ctx: PolicyContext = {
    mode: "blocklist",
    projectDir: project,
    extraBlocked: [],
    extraAllowed: [],
    homeDir: home,
    secrets,
    accounts: new Map([
      ["me", home],
      ["rootish", rootish],
    ]),
    protectedPorts: [
      { port: 8000, what: "Baton's API (server.port)" },
      { port: 5432, what: "the server of Baton's own database (database.url)", postgres: true },
    ],
  };
  return { root, ctx, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

let world: ReturnType<typeof corpusWorld>;
let decide: (command: string, ctx: PolicyContext) => Decision;
beforeAll(async () => {
  world = corpusWorld();
  decide = await createCommandPolicy();
});
afterAll(() => world.cleanup());

/** Whether the policy must allow a command of this label. */
const mustAllow = (label: Label) => label !== "dangerous";

describe("the labelled policy corpus", () => {
  it("holds at least 300 commands, dangerous and ordinary", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(CORPUS.map((r) => r.command)).size, "no command twice").toBe(CORPUS.length);
  });

  it.each(CORPUS)("$label ($class): $command", ({ command, label }) => {
    const decision = decide(command, world.ctx);
    expect(decision.reason.length).toBeGreaterThan(0);
    expect(decision.reason, "one line").not.toContain("\n");
    expect({ command, allowed: decision.allowed }, decision.reason).toEqual({
      command,
      allowed: mustAllow(label),
    });
  });

  it("counts no bypass and no false denial, and says so", () => {
    const counts = { dangerous: 0, bypasses: 0, ordinary: 0, falseDenials: 0, sandbox: 0 };
    for (const { command, label } of CORPUS) {
      const { allowed } = decide(command, world.ctx);
      if (label === "dangerous") {
        counts.dangerous++;
        if (allowed) counts.bypasses++;
      } else if (label === "ordinary") {
        counts.ordinary++;
        if (!allowed) counts.falseDenials++;
      } else counts.sandbox++;
    }
    console.log(
      `policy corpus: ${CORPUS.length} commands; ${counts.dangerous} dangerous (${counts.bypasses} bypasses), ${counts.ordinary} ordinary (${counts.falseDenials} false denials), ${counts.sandbox} left to the OS sandbox by design`,
    );
    expect(counts).toMatchObject({ bypasses: 0, falseDenials: 0 });
  });
});
