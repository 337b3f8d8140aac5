import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { readContainedFile, writeContainedFile } from "../../src/util/host-files.ts";
import { makeWorld } from "../helpers/world.ts";

/** A project folder and, beside it, a file a planted link points at. */
function setUp() {
  const w = makeWorld();
  const project = w.cwd;
  const victim = w.write("outside/authorized_keys", "ssh-ed25519 AAAA the-users-key\n");
  return { w, project, victim };
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isBatonError(error, "BATON_PROJECT_FILE_UNSAFE")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("Baton's file work in a folder sessions write", () => {
  it("reads regular files inside the project, and null where there is none", () => {
    const { project } = setUp();
    writeFileSync(join(project, "note.md"), "hello");
    expect(readContainedFile(project, "note.md", 100)).toBe("hello");
    expect(readContainedFile(project, "missing.md", 100)).toBeNull();
    expect(readContainedFile(project, "missing/x.md", 100)).toBeNull();
  });

  it("refuses a planted link instead of reading through it", () => {
    const { project, victim } = setUp();
    symlinkSync(victim, join(project, "note.md"));
    expect(refusal(() => readContainedFile(project, "note.md", 1000))).toContain("symbolic link");
    mkdirSync(join(project, "..", "elsewhere"));
    writeFileSync(join(project, "..", "elsewhere", "note.md"), "secret");
    symlinkSync(join(project, "..", "elsewhere"), join(project, "docs"));
    expect(refusal(() => readContainedFile(project, "docs/note.md", 1000))).toContain("outside the project");
  });

  it("refuses a FIFO without hanging, and a file past the limit", () => {
    const { project } = setUp();
    execFileSync("mkfifo", [join(project, "note.md")]);
    expect(refusal(() => readContainedFile(project, "note.md", 1000))).toContain("not a regular file");
    writeFileSync(join(project, "big.md"), "x".repeat(2000));
    expect(() => readContainedFile(project, "big.md", 1000)).toThrow(/2000 bytes; the limit is 1000/);
  });

  it("replaces a planted link with a file instead of writing through it", () => {
    const { project, victim } = setUp();
    symlinkSync(victim, join(project, "claude-progress.md"));
    writeContainedFile(project, "claude-progress.md", "bounded note\n");
    expect(readFileSync(victim, "utf8")).toBe("ssh-ed25519 AAAA the-users-key\n");
    expect(lstatSync(join(project, "claude-progress.md")).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(project, "claude-progress.md"), "utf8")).toBe("bounded note\n");
    expect(readdirSync(project).filter((n) => n.endsWith(".baton-tmp"))).toEqual([]);
  });

  it("refuses to write into a folder that is a link out of the project", () => {
    const { w, project } = setUp();
    symlinkSync(join(w.root, "outside"), join(project, "logs"));
    expect(refusal(() => writeContainedFile(project, "logs/x.txt", "x"))).toContain("outside the project");
    expect(readdirSync(join(w.root, "outside"))).toEqual(["authorized_keys"]);
    expect(refusal(() => writeContainedFile(project, "../x.txt", "x"))).toContain("not inside the project");
  });
});
