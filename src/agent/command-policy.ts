import type { Config } from "../config/schema.ts";
import { createCommandPolicy, type Decision } from "../security/command-policy.ts";

/** The command policy as sessions use it: configured once, asked about each Bash command. */
export interface CommandPolicy {
  /** `secrets`: paths the session must not read (`secretPaths()`); commands naming them are denied. */
  decide(command: string, projectDir: string, secrets?: readonly string[]): Decision;
}

/** Builds the policy from `security.*` in the config (loads the bash grammar once). */
export async function commandPolicy(security: Config["security"]): Promise<CommandPolicy> {
  const decide = await createCommandPolicy();
  return {
    decide: (command, projectDir, secrets) =>
      decide(command, {
        mode: security.mode,
        projectDir,
        extraBlocked: security.extra_blocked_commands,
        extraAllowed: security.extra_allowed_commands,
        ...(secrets === undefined ? {} : { secrets }),
      }),
  };
}
