import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { Config } from "../../config/schema.ts";
import { openDatabase } from "../../db/database.ts";
import { createStores } from "../../db/stores/index.ts";
import { silentLogger } from "../../logs/process-log.ts";
import { Orchestrator } from "../../orchestrator/orchestrator.ts";
import { buildServer } from "../../server/app.ts";
import { Auth } from "../../server/auth.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";

/**
 * `baton openapi`: the OpenAPI 3 document the server serves at /api/openapi.json, without a
 * running server. The app is built as `baton serve` builds it, but on the default config (no
 * password), a throwaway in-memory SQLite database and a temporary home, and never listens: the
 * document describes this version of Baton, not this machine's config or data (which is what
 * `npm run api:types` needs to generate the same web/lib/api.gen.ts everywhere).
 */
export function registerOpenapiCommand(program: Command, io: CliIo): void {
  program
    .command("openapi")
    .description(SUMMARY.openapi)
    .option("--output <file>", "write the document to this file instead of printing it")
    .action(async (options: { output?: string }) => {
      const json = `${JSON.stringify(await openapiDocument(), null, 2)}\n`;
      if (options.output === undefined) {
        io.out(json);
      } else {
        const file = path.resolve(io.cwd, options.output);
        writeFileSync(file, json);
        io.err(`wrote ${file}\n`);
      }
    });
}

/** Builds the app on throwaway dependencies, reads its document and closes everything. */
export async function openapiDocument(): Promise<unknown> {
  const home = mkdtempSync(path.join(tmpdir(), "baton-openapi-"));
  const database = await openDatabase({ dialect: "sqlite", path: ":memory:", display: "sqlite::memory:" });
  try {
    const config = Config.parse({});
    const stores = createStores(database.db);
    const bus = stores.bus;
    const env: Record<string, string | undefined> = {};
    const orchestrator = new Orchestrator({
      stores,
      bus,
      config,
      env,
      workerId: "openapi",
      browser: null,
      batonHome: home,
      log: silentLogger(),
    });
    const auth = Auth.fromConfig(config.auth, home);
    const app = await buildServer(
      { database, stores, bus, orchestrator, config, home, env, auth },
      { feed: false },
    );
    try {
      await app.ready();
      return app.swagger();
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    rmSync(home, { recursive: true, force: true });
  }
}
