import { isAbsolute, join, resolve } from "node:path";
import { fail } from "../errors.ts";
import { maskUrl } from "../util/mask.ts";
import type { Dialect } from "./dialect.ts";

export type DatabaseTarget =
  | { dialect: Extract<Dialect, "sqlite">; path: string; display: string }
  | { dialect: Extract<Dialect, "postgres">; url: string; display: string };

export const EMBEDDED_DATABASE_FILE = "baton.db";

/**
 * Reads `database.url`: null → the embedded SQLite file in the Baton home; `postgres://` or
 * `postgresql://` → PostgreSQL; `sqlite:PATH`, `file:PATH` or a plain path → SQLite (relative
 * paths are resolved from `cwd`). Anything else is refused with the accepted forms.
 */
export function resolveDatabaseTarget(
  url: string | null,
  where: { home: string; cwd: string },
): DatabaseTarget {
  if (url === null || url.trim() === "") {
    const path = join(where.home, EMBEDDED_DATABASE_FILE);
    return { dialect: "sqlite", path, display: `sqlite:${path}` };
  }
  const value = url.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) {
    return { dialect: "postgres", url: value, display: maskUrl(value) };
  }
  const sqlitePath = sqlitePathOf(value);
  if (sqlitePath !== undefined) {
    if (sqlitePath === ":memory:") return { dialect: "sqlite", path: sqlitePath, display: "sqlite::memory:" };
    const path = isAbsolute(sqlitePath) ? sqlitePath : resolve(where.cwd, sqlitePath);
    return { dialect: "sqlite", path, display: `sqlite:${path}` };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1] ?? value;
  throw fail("BATON_DB_URL_UNSUPPORTED", { url: maskUrl(value), scheme });
}

function sqlitePathOf(value: string): string | undefined {
  const prefixed = /^(sqlite|file):(.*)$/i.exec(value);
  if (prefixed) {
    const rest = prefixed[2] ?? "";
    // sqlite:///abs/path and file:///abs/path carry an empty authority.
    const path = rest.startsWith("//") ? rest.slice(2) : rest;
    return path === "" ? undefined : path;
  }
  // A plain path: no scheme at all (a Windows drive letter is not a scheme).
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value) || /^[a-z]:[\\/]/i.test(value)) return value;
  return undefined;
}
