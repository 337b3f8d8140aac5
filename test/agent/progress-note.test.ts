import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { boundNote, boundProgressNote, PROGRESS_NOTE } from "../../src/agent/progress-note.ts";
import { ensureRepository } from "../../src/util/git.ts";
import { makeWorld } from "../helpers/world.ts";

const note = (sessions: number) =>
  `# Progress\nA todo app. Run ./init.sh.\n\n${Array.from({ length: sessions }, (_, i) => `## Session ${i}\nDid ${i}.\n\n`).join("")}`;

describe("the progress note", () => {
  it("keeps its header and the last five sessions, saying how many were removed", () => {
    const bounded = boundNote(note(8)) ?? "";
    expect(
      bounded.startsWith("# Progress\nA todo app. Run ./init.sh.\n\n_(3 older sessions removed by Baton"),
    ).toBe(true);
    expect(bounded.match(/^## Session \d+/gm)).toEqual([
      "## Session 3",
      "## Session 4",
      "## Session 5",
      "## Session 6",
      "## Session 7",
    ]);
    expect(boundNote(note(5))).toBeNull();
  });

  it("is bounded in the project and the change committed on its own", async () => {
    const w = makeWorld();
    const dir = w.cwd;
    await ensureRepository(dir);
    writeFileSync(join(dir, PROGRESS_NOTE), note(7));
    writeFileSync(join(dir, "work.js"), "half done");
    execFileSync("git", ["add", PROGRESS_NOTE], { cwd: dir });
    execFileSync("git", ["commit", "-qm", "notes"], { cwd: dir });
    expect(await boundProgressNote(dir)).toBe(true);
    expect(readFileSync(join(dir, PROGRESS_NOTE), "utf8")).not.toContain("## Session 1\n");
    expect(execFileSync("git", ["log", "-1", "--format=%s"], { cwd: dir }).toString().trim()).toBe(
      `Baton: keep ${PROGRESS_NOTE} to the last 5 sessions`,
    );
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: dir }).toString()).toBe("?? work.js\n");
    expect(await boundProgressNote(dir)).toBe(false);
  });
});
