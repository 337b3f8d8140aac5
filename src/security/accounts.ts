/**
 * The accounts of this machine and their home directories (from /etc/passwd): what `~name`
 * expands to, and whose credentials Baton must keep from sessions (every account's, when Baton
 * runs as root and can read them all).
 */
import { readFileSync } from "node:fs";

export type Accounts = ReadonlyMap<string, string>;

let cached: Accounts | undefined;

/** Account name → home directory, read once. Empty where there is no /etc/passwd. */
export function systemAccounts(): Accounts {
  if (cached === undefined) {
    const accounts = new Map<string, string>();
    let text = "";
    try {
      text = readFileSync("/etc/passwd", "utf8");
    } catch {
      // not a Unix with /etc/passwd: `~name` stays as it is
    }
    for (const line of text.split("\n")) {
      const fields = line.split(":");
      const [name, , , , , home] = fields;
      if (name && home && fields.length >= 7) accounts.set(name, home);
    }
    cached = accounts;
  }
  return cached;
}

/**
 * Homes whose credentials a session could read besides the user's own: every account's with a
 * real home (under /home, /root, /Users) when Baton runs as root, none otherwise.
 */
export function otherReadableHomes(
  ownHome: string,
  accounts: Accounts = systemAccounts(),
  uid: number = process.getuid?.() ?? -1,
): string[] {
  if (uid !== 0) return [];
  const homes = new Set<string>();
  for (const home of accounts.values()) {
    if (home !== ownHome && /^\/(root|home\/[^/]+|Users\/[^/]+)\/?$/.test(home))
      homes.add(home.replace(/\/$/, ""));
  }
  return [...homes];
}
