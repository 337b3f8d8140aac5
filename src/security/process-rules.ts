/** Rules for interpreters fed on stdin and for signalling processes (kill, pkill, killall). */
import path from "node:path";
import type { Invocation } from "./arguments.ts";
import { type Decision, deny } from "./decision.ts";
import type { Word } from "./parse.ts";
import { DEV_PROCESSES } from "./rules.ts";

export const CODE_FLAGS = new Set(["-c", "-m", "-e", "-E", "-p", "-r", "--eval", "--print"]);

export function interpreter(name: string, inv: Invocation): Decision | null {
  if (!inv.piped || inv.stdin.length > 0) return null;
  for (const w of inv.args) {
    const v = w.value;
    if (v === null) return null;
    if (CODE_FLAGS.has(v) || v.startsWith("--eval=") || v.startsWith("--print=")) return null;
    if (v === "-") break;
    if (!v.startsWith("-")) return null; // a script file
  }
  return pipedInterpreter(name, inv.text);
}

export function pipedInterpreter(name: string, text: string): Decision {
  return deny(
    `piping into an interpreter (\`| ${name}\`) runs code the policy can't see; save it to a file in the project and review it first`,
    text,
  );
}

// Numeric PIDs are allowed for now: the session does not yet track the processes it started
// (that comes with the process-tracking work), so kill cannot tell its own processes from others.
export function kill(args: Word[], text: string): Decision | null {
  let i = 0;
  const first = args[0]?.value;
  if (first === null) return deny(`kill's argument \`${args[0]?.text}\` is not a literal`, text);
  if (first?.startsWith("-") && first !== "--") {
    if (first === "-l" || first === "-L") return null;
    i = first === "-s" || first === "-n" ? 2 : 1;
  }
  if (args[i]?.value === "--") i++;
  for (const w of args.slice(i)) {
    const v = w.value;
    if (v === null) return deny(`kill's argument \`${w.text}\` is not a literal PID`, text);
    if (/^%\S*$/.test(v)) continue;
    if (/^\d+$/.test(v)) {
      if (Number(v) <= 1)
        return deny(`kill may not signal PID ${v}; give the PID of a process you started`, text);
      continue;
    }
    if (/^-\d+$/.test(v)) return deny(`kill may not signal process group ${v}; give a single PID`, text);
    return deny(`kill takes PIDs (\`${v}\` is not one); stop a development server with \`pkill NAME\``, text);
  }
  return null;
}

export const PKILL_VALUES = new Set([
  "--signal",
  "-u",
  "--euid",
  "-U",
  "--uid",
  "-g",
  "--pgroup",
  "-G",
  "--group",
  "-P",
  "--parent",
  "-s",
  "--session",
  "-t",
  "--terminal",
  "-F",
  "--pidfile",
  "--ns",
  "--nslist",
  "--user",
  "-o",
  "--older-than",
  "-y",
  "--younger-than",
]);

export function pkill(name: string, args: Word[], text: string): Decision | null {
  const patterns: Word[] = [];
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (options && v === "--") options = false;
    else if (options && v !== null && PKILL_VALUES.has(v)) i++;
    else if (options && v?.startsWith("-") && v !== "-") continue;
    else patterns.push(w);
  }
  const devList = [...DEV_PROCESSES].join(", ");
  if (patterns.length === 0)
    return deny(`${name} needs the name of a development process (${devList})`, text);
  for (const p of patterns) {
    if (p.value === null) return deny(`${name}'s pattern \`${p.text}\` is not a literal`, text);
    const head = p.value.trim().split(/\s+/)[0] ?? "";
    const process = path.posix.basename(head.replace(/^\^/, "").replace(/\$$/, ""));
    if (!DEV_PROCESSES.has(process)) {
      return deny(
        `${name} may only stop development processes (${devList}); \`${p.value}\` is not one`,
        text,
      );
    }
  }
  return null;
}
