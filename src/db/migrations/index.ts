import type { Migration, MigrationProvider } from "kysely";
import type { Dialect } from "../dialect.ts";
import { initial } from "./0001_initial.ts";
import { eventLog } from "./0002_event_log.ts";

/** The one migration set, in order. Names sort lexically; never rename or edit a released one. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        "0001_initial": initial(dialect),
        "0002_event_log": eventLog(dialect),
      };
    },
  };
}
