/**
 * What a `baton.yaml` may do: only tighten. The file lies in a folder Baton runs in — often a
 * project, which its sessions write — so it may make Baton stricter (turn the sandbox on, the
 * allowlist mode, block more commands, narrow the network, lower a budget or a limit) and
 * nothing else. A value that would loosen a setting, and every key without a rule here (models,
 * the database, auth, the server, timing, …), is ignored with a warning that says where such a
 * setting belongs.
 */
import type { LeafPath } from "./schema.ts";

/** The outcome of one key of the file: the value to use, or why the file's value is ignored. */
export type Tightened = { ok: true; value: unknown; note?: string } | { ok: false; why: string };

type Rule = (current: unknown, proposed: unknown) => Tightened;

const SANDBOX_STRENGTH: Record<string, number> = { none: 0, os: 1, docker: 1 };
const MODE_STRENGTH: Record<string, number> = { blocklist: 0, allowlist: 1 };

/** A stronger choice of an ordered setting, or the same one. */
const stronger =
  (strength: Record<string, number>, what: string): Rule =>
  (current, proposed) => {
    if (proposed === current) return { ok: true, value: current };
    if ((strength[String(proposed)] ?? -1) > (strength[String(current)] ?? 0))
      return { ok: true, value: proposed };
    return {
      ok: false,
      why: `${JSON.stringify(proposed)} would not be stricter than ${JSON.stringify(current)} (${what})`,
    };
  };

/** A lower limit (null: no limit). */
const lower: Rule = (current, proposed) => {
  if (proposed === null) {
    return current === null
      ? { ok: true, value: null }
      : { ok: false, why: `null would lift the limit of ${current}` };
  }
  if (
    current === null ||
    (typeof proposed === "number" && typeof current === "number" && proposed <= current)
  ) {
    return { ok: true, value: proposed };
  }
  return { ok: false, why: `${proposed} is above ${current}` };
};

/** More names to block: added to the list. */
const union: Rule = (current, proposed) => ({
  ok: true,
  value: [...new Set([...(current as string[]), ...(proposed as string[])])],
});

/** A narrower list: only entries the current list already grants are kept. */
const narrower =
  (covers: (granted: string, entry: string) => boolean): Rule =>
  (current, proposed) => {
    const granted = current as string[];
    const kept = (proposed as string[]).filter((entry) => granted.some((g) => covers(g, entry)));
    const dropped = (proposed as string[]).filter((entry) => !kept.includes(entry));
    return {
      ok: true,
      value: kept,
      ...(dropped.length > 0 ? { note: `${dropped.join(", ")} left out: not granted elsewhere` } : {}),
    };
  };

/** `*.example.com` covers `api.example.com`; a name covers itself. */
function domainCovers(granted: string, entry: string): boolean {
  if (granted === entry) return true;
  return granted.startsWith("*.") && entry.endsWith(granted.slice(1)) && !entry.startsWith("*");
}

const RULES: Partial<Record<LeafPath, Rule>> = {
  "sandbox.type": stronger(SANDBOX_STRENGTH, "none < os, docker"),
  "sandbox.allowed_domains": narrower(domainCovers),
  "security.mode": stronger(MODE_STRENGTH, "blocklist < allowlist"),
  "security.extra_blocked_commands": union,
  "security.extra_allowed_commands": narrower((granted, entry) => granted === entry),
  "project.budget_usd": lower,
  "project.max_iterations": lower,
  "stuck.repeated_failures": lower,
  "stuck.no_progress_minutes": lower,
};

/** The keys a `baton.yaml` may set, each only to make Baton stricter. */
export const TIGHTENING_KEYS = Object.keys(RULES) as LeafPath[];

/** What the file's `proposed` value of `path` does to the `current` one. */
export function tighten(path: LeafPath, current: unknown, proposed: unknown): Tightened {
  const rule = RULES[path];
  if (rule === undefined) return { ok: false, why: "a baton.yaml may not set it" };
  return rule(current, proposed);
}
