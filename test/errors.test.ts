/**
 * The error catalog (src/error-catalog.ts, `fail` in src/errors.ts): every error comes from `fail` and its code's entry, and
 * docs/errors.md lists every code with its status, exit code and data shape.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CATALOG, type ErrorCode, fail } from "../src/errors.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(path.join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe("the error catalog", () => {
  it("is the only place a BatonError is built: every other file calls fail(code, args)", () => {
    const byHand = sourceFiles(path.join(ROOT, "src"))
      .filter((f) => !f.endsWith(path.join("src", "errors.ts")))
      .filter((f) => /new BatonError\(/.test(readFileSync(f, "utf8")))
      .map((f) => path.relative(ROOT, f));
    expect(byHand).toEqual([]);
  });

  it("makes the message from the code's template and keeps only the entry's keys as data", () => {
    const error = fail("BATON_TASK_NOT_FOUND", {
      project_id: 3,
      project: "shop",
      task_id: 9,
      hint: "list_tasks shows the tasks",
    });
    expect(error.message).toBe("project shop has no task 9; list_tasks shows the tasks");
    expect(error.toJSON()).toEqual({
      code: "BATON_TASK_NOT_FOUND",
      message: error.message,
      data: { project_id: 3, task_id: 9 },
    });
    expect(error.status).toBe(404);
    expect(error.exitCode).toBe(1);
    // A key left undefined is left out; a null is kept (it says "none").
    const busy = fail("BATON_PROJECT_BUSY", { project_id: 1, running: null, doing: "deleting it" }).data;
    expect(busy).toEqual({ project_id: 1 });
    expect(fail("BATON_INTERNAL", {}).toJSON()).toEqual({
      code: "BATON_INTERNAL",
      message: "internal error: see the server's log",
    });
  });

  it("is listed in docs/errors.md: every code, with its status, exit code and data keys", () => {
    const doc = readFileSync(path.join(ROOT, "docs", "errors.md"), "utf8");
    const rows = new Map(
      [...doc.matchAll(/^\|\s*`(BATON_[A-Z_]+)`\s*\|\s*(\d+)\s*\|\s*(\d)\s*\|([^|]+)\|/gm)].map((m) => [
        m[1] as string,
        {
          status: Number(m[2]),
          exit: Number(m[3]),
          data: [...(m[4] ?? "").matchAll(/`(\w+)`/g)].map((k) => k[1]),
        },
      ]),
    );
    const catalog = Object.entries(ERROR_CATALOG).map(([code, e]) => [
      code,
      { status: e.status, exit: e.exit, data: [...e.data] },
    ]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(catalog));
  });

  it("gives a client mistake a 4xx and a usage mistake exit code 2", () => {
    for (const [code, e] of Object.entries(ERROR_CATALOG) as [
      ErrorCode,
      { status: number; exit: number },
    ][]) {
      if (e.exit === 2) expect([code, e.status]).toEqual([code, 400]);
      expect(e.status >= 400 && e.status < 600).toBe(true);
    }
  });
});
