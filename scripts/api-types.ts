/**
 * npm run api:types — web/lib/api.gen.ts, the web UI's API types, from the server's OpenAPI
 * document: `baton openapi` (no server needed) → openapi-typescript → biome's formatter, so the
 * file is the same on every machine and `npm run lint` passes on it. The file is committed (a
 * build needs no generation step); test/web/api-types.test.ts fails when it is out of date.
 *
 *   node --import tsx scripts/api-types.ts [--output FILE]   (default: web/lib/api.gen.ts)
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from "openapi-typescript";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const API_TYPES_FILE = path.join(ROOT, "web", "lib", "api.gen.ts");

const HEADER = `${COMMENT_HEADER.trimEnd()}
/* From the server's OpenAPI document (\`baton openapi\`); regenerate with \`npm run api:types\`. */

`;

/** The text of web/lib/api.gen.ts for the server as it is now. */
export async function generateApiTypes(): Promise<string> {
  const json = execFileSync(process.execPath, [path.join(ROOT, "bin", "baton.js"), "openapi"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const document = JSON.parse(json) as OpenAPI3;
  const ast = await openapiTS(document, { silent: true, alphabetize: false });
  const source = HEADER + astToString(ast);
  // Formatted by the repository's own biome (biome.json), as `npm run format` would.
  return execFileSync(
    process.execPath,
    [
      path.join(ROOT, "node_modules", "@biomejs", "biome", "bin", "biome"),
      "format",
      `--stdin-file-path=${path.relative(ROOT, API_TYPES_FILE)}`,
    ],
    { cwd: ROOT, input: source, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf("--output");
  const output = flag === -1 ? API_TYPES_FILE : path.resolve(process.argv[flag + 1] ?? "");
  writeFileSync(output, await generateApiTypes());
  console.log(`wrote ${path.relative(process.cwd(), output) || output}`);
}
