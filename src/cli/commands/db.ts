import type { Command } from "commander";
import { migrateToLatest, migrationStatus } from "../../db/migrate.ts";
import { SUMMARY } from "../command-summaries.ts";
import { withDatabase } from "../database.ts";
import type { CliIo } from "../io.ts";

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command("db").description(SUMMARY.db);

  db.command("migrate")
    .description("apply pending migrations (Baton also does this whenever it starts)")
    .action(async () => {
      await withDatabase(program, io, { migrate: false }, async (database) => {
        const applied = await migrateToLatest(database);
        const total = (await migrationStatus(database)).length;
        io.out(`database: ${database.target.display}\n`);
        io.out(
          applied.length === 0
            ? `up to date: all ${total} migrations were already applied\n`
            : `applied ${applied.length} migration${applied.length === 1 ? "" : "s"}: ${applied.join(", ")}\n`,
        );
      });
    });

  db.command("status")
    .description("list the migrations and whether each is applied")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      await withDatabase(program, io, { migrate: false }, async (database) => {
        const status = await migrationStatus(database);
        const pending = status.filter((m) => m.applied_at === null).length;
        if (options.json) {
          io.out(
            `${JSON.stringify({ database: database.target.display, dialect: database.dialect, migrations: status, pending }, null, 2)}\n`,
          );
          return;
        }
        io.out(`database: ${database.target.display} (${database.dialect})\n`);
        const width = Math.max(...status.map((m) => m.name.length));
        for (const m of status) io.out(`  ${m.name.padEnd(width)}  ${m.applied_at ?? "pending"}\n`);
        io.out(pending === 0 ? "all migrations applied\n" : `${pending} pending: run \`baton db migrate\`\n`);
      });
    });
}
