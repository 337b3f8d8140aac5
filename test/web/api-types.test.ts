import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const COMMITTED = path.join(ROOT, "web", "lib", "api.gen.ts");

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it("web/lib/api.gen.ts is what the server's OpenAPI document generates now", () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-api-types-"));
  const fresh = path.join(dir, "api.gen.ts");
  // What `npm run api:types` runs, into a temp file.
  execFileSync(process.execPath, ["--import", "tsx", "scripts/api-types.ts", "--output", fresh], {
    cwd: ROOT,
    stdio: "pipe",
  });
  const generated = fs.readFileSync(fresh, "utf8");
  expect(generated).toContain("export interface paths");
  const committed = fs.existsSync(COMMITTED) ? fs.readFileSync(COMMITTED, "utf8") : "";
  if (generated !== committed) {
    expect.fail(
      "web/lib/api.gen.ts is out of date with the server's OpenAPI document: run npm run api:types (and commit the file)",
    );
  }
});
