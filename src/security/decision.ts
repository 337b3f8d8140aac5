/** What the command policy answers, and how a denial is built. */
import type { ProtectedPort } from "./network-rules.ts";

export type PolicyMode = "blocklist" | "allowlist";

export interface PolicyContext {
  mode: PolicyMode;
  projectDir: string;
  extraBlocked: string[];
  extraAllowed: string[];
  /** Defaults to os.homedir(); tests point it elsewhere. */
  homeDir?: string;
  /**
   * Absolute paths of files and directories a session must not read (`secretPaths()` in
   * secret-paths.ts). When set, a command naming a path inside one of them (and not inside the
   * project) is denied.
   */
  secrets?: readonly string[];
  /** Account name → home, for `~name` (default: /etc/passwd). */
  accounts?: ReadonlyMap<string, string>;
  /** Baton's own API and database server ports on this machine: no command may aim at them. */
  protectedPorts?: readonly ProtectedPort[];
}

export interface Decision {
  allowed: boolean;
  /** One line saying why, written for the model that asked. */
  reason: string;
  /** The simple command the decision is about (for denials). */
  command?: string;
}

export function deny(reason: string, command?: string): Decision {
  return command === undefined ? { allowed: false, reason } : { allowed: false, reason, command };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
