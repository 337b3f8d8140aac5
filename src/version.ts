import { readFileSync } from "node:fs";

/**
 * Baton's package.json, read at run time (beside the folder of this file, `src/` or the compiled
 * `lib/`), so compiled code never carries a stale copy of it.
 */
export const PACKAGE_JSON: { version: string; engines: { node: string } } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
);

/** Baton's version, as package.json states it. */
export const BATON_VERSION: string = PACKAGE_JSON.version;
