import type { Config } from "../config/schema.ts";
import { createCommandPolicy, type Decision, type PolicyContext } from "../security/command-policy.ts";
import type { ProtectedPort } from "../security/network-rules.ts";

/** The command policy as sessions use it: configured once, asked about each Bash command. */
export interface CommandPolicy {
  /** `secrets`: paths the session must not read (`secretPaths()`); commands naming them are denied. */
  decide(command: string, projectDir: string, secrets?: readonly string[]): Decision;
}

/** Baton's own ports on this machine, which sessions' commands may not aim at. */
export function protectedPorts(config: Pick<Config, "server" | "database">): ProtectedPort[] {
  const ports: ProtectedPort[] = [{ port: config.server.port, what: "Baton's API (server.port)" }];
  const url = config.database.url;
  if (url !== null && /^postgres(ql)?:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      const local = ["", "localhost", "127.0.0.1", "[::1]", "::1"].includes(parsed.hostname);
      if (local) {
        ports.push({
          port: Number(parsed.port || 5432),
          what: "the server of Baton's own database (database.url)",
          postgres: true,
        });
      }
    } catch {
      // not a URL the policy can read: the database is then judged by its secrets only
    }
  }
  return ports;
}

/** The policy's context for one command, from the config (the same for sessions and `baton policy check`). */
export function policyContext(
  config: Pick<Config, "security" | "server" | "database">,
  projectDir: string,
  secrets?: readonly string[],
): PolicyContext {
  return {
    mode: config.security.mode,
    projectDir,
    extraBlocked: config.security.extra_blocked_commands,
    extraAllowed: config.security.extra_allowed_commands,
    protectedPorts: protectedPorts(config),
    ...(secrets === undefined ? {} : { secrets }),
  };
}

/** Builds the policy from the config (loads the bash grammar once). */
export async function commandPolicy(
  config: Pick<Config, "security" | "server" | "database">,
): Promise<CommandPolicy> {
  const decide = await createCommandPolicy();
  return {
    decide: (command, projectDir, secrets) => decide(command, policyContext(config, projectDir, secrets)),
  };
}
