import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Decision } from "../../src/security/command-policy.ts";
import { secretPaths } from "../../src/security/secret-paths.ts";
import { prng } from "../helpers/prng.ts";
import { usePolicy } from "./fixture.ts";

const FRAGMENTS = [
  "sudo",
  "ls",
  "rm -rf",
  "/",
  "~",
  "..",
  "*",
  " ",
  " ",
  " ",
  "'",
  '"',
  "`",
  "$",
  "$(",
  ")",
  "(",
  "{",
  "}",
  "${",
  "$((",
  "))",
  "|",
  "||",
  "|&",
  "&",
  "&&",
  ";",
  ";;",
  "<<",
  "<<-",
  "<<<",
  "EOF",
  "\n",
  "\\",
  "\\\n",
  "<(",
  ">(",
  ">",
  ">>",
  "2>&1",
  "#",
  "!",
  "=",
  "x=",
  "bash -c ",
  "eval ",
  "env ",
  "xargs ",
  "find . -exec ",
  "\\;",
  "{}",
  "if ",
  "then ",
  "fi",
  "for i in ",
  "do ",
  "done",
  "case ",
  " in ",
  "esac",
  "$'\\x73'",
  "é",
  "日本",
  "🙂",
  "\u0000",
  "\t",
  "[[ ",
  " ]]",
  "[ ",
  " ]",
  "function f ",
  "f()",
  "*?[",
  "-",
  "--",
  "%",
];

const MODES = ["blocklist", "allowlist"] as const;

const policy = usePolicy();

/** The secret paths a session in the fixture's project gets (its home's credentials, Baton's home). */
const secrets = (): string[] =>
  secretPaths({
    projectDir: policy.world.project,
    home: policy.world.home,
    batonHome: path.join(policy.world.home, ".baton"),
  });

describe("the command policy under fuzzing", () => {
  it("never throws and always answers with a one-line reason, quickly, for 2,000 random commands (with and without secrets)", () => {
    const random = prng(20_261_124);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    let slowest = 0;
    let denied = 0;
    for (let i = 0; i < 2_000; i++) {
      const length = 1 + Math.floor(random() * 40);
      let command = "";
      for (let j = 0; j < length; j++) command += pick(FRAGMENTS);
      const ctx = policy.world.ctx({ mode: pick(MODES), secrets: pick([undefined, secrets()]) });
      const started = performance.now();
      let decision: Decision | undefined;
      expect(() => {
        decision = policy.decide(command, ctx);
      }, JSON.stringify(command)).not.toThrow();
      slowest = Math.max(slowest, performance.now() - started);
      expect(typeof decision?.allowed, JSON.stringify(command)).toBe("boolean");
      expect(decision?.reason.trim().length, JSON.stringify(command)).toBeGreaterThan(0);
      if (decision?.allowed === false) denied++;
    }
    expect(slowest).toBeLessThan(250);
    // Random fragments are mostly broken bash or contain sudo: most are denied.
    expect(denied).toBeGreaterThan(1_000);
  });

  it("never allows a random command that mentions sudo as a command word", () => {
    const random = prng(7);
    const wrappers = ["", "env ", "nice ", "timeout 5 ", "command ", "exec ", "nohup ", "time ", "xargs "];
    const quoters = [
      (s: string) => s,
      (s: string) => `'${s}'`,
      (s: string) => `"${s}"`,
      (s: string) => `\\${s}`,
      (s: string) => `${s.slice(0, 1)}\\${s.slice(1)}`,
      (s: string) => `/usr/bin/${s}`,
    ];
    const contexts = [
      (s: string) => s,
      (s: string) => `ls && ${s}`,
      (s: string) => `echo $(${s})`,
      (s: string) => `bash -c '${s.replace(/'/g, "")}'`,
      (s: string) => `(${s})`,
      (s: string) => `f() { ${s}; }`,
    ];
    for (let i = 0; i < 500; i++) {
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const command = pick(contexts)(`${pick(wrappers)}${pick(quoters)("sudo")} id`);
      const decision = policy.decide(command, policy.world.ctx());
      expect(decision.allowed, command).toBe(false);
    }
  });
});
