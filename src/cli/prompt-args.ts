import type { Command } from "commander";
import type { LoadedConfig } from "../config/load.ts";
import { createStores, type Stores } from "../db/stores/index.ts";
import { fail } from "../errors.ts";
import { PROMPT_NAMES, PROPOSAL_STATUSES, PromptName, ProposalStatus } from "../review/model.ts";
import { loadCliConfig } from "./commands/config.ts";
import { withDatabase } from "./database.ts";
import type { CliIo } from "./io.ts";

/** A prompt's name as typed: one of the names Baton has, or a usage error listing them. */
export function promptNameArg(value: string): PromptName {
  const parsed = PromptName.safeParse(value);
  if (parsed.success) return parsed.data;
  throw fail("BATON_USAGE", {
    reason: `unknown prompt "${value}": expected one of ${PROMPT_NAMES.join(", ")}`,
  });
}

export function proposalStatusArg(value: string): ProposalStatus {
  const parsed = ProposalStatus.safeParse(value);
  if (parsed.success) return parsed.data;
  throw fail("BATON_USAGE", {
    reason: `--status: unknown status "${value}": expected one of ${PROPOSAL_STATUSES.join(", ")}`,
  });
}

/** Opens the configured database with the stores for one command. */
export function withStores<T>(
  program: Command,
  io: CliIo,
  use: (stores: Stores, loaded: LoadedConfig) => Promise<T>,
  loaded: LoadedConfig = loadCliConfig(program, io),
): Promise<T> {
  return withDatabase(program, io, {}, (database) => use(createStores(database.db), loaded), loaded);
}
