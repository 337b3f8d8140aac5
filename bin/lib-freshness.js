// Whether lib/ (the compiled JavaScript) is current: built after every file of src/ last changed.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const SRC = path.join(ROOT, "src");
export const LIB = path.join(ROOT, "lib");
/** Written last by a build that succeeded. */
export const STAMP = path.join(LIB, ".built");

function newest(dir) {
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

/** `root`: the checkout to judge (default: this one). */
export function libIsCurrent(root = ROOT) {
  const src = path.join(root, "src");
  const stamp = path.join(root, "lib", ".built");
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return newest(src) <= built && statSync(path.join(root, "tsconfig.build.json")).mtimeMs <= built;
}
