/**
 * Rules for programs the policy cannot read: interpreters and `source` must get their program
 * from something it can see (an argument, a file, a quoted here-document), not from a pipe, a
 * download or a variable; commands that take their arguments from input (xargs, find -exec) may
 * not run that input as code or signal processes with it. And signalling processes (kill,
 * pkill, killall).
 */
import path from "node:path";
import type { Invocation } from "./arguments.ts";
import { type Decision, deny } from "./decision.ts";
import { DEV_PROCESSES, INTERPRETERS, SHELLS } from "./rules.ts";
import type { Word } from "./steps.ts";

export const CODE_FLAGS = new Set(["-c", "-m", "-e", "-E", "-p", "-r", "--eval", "--print"]);

/** Whether a word's value is made at run time: a substitution, or a whole variable. */
export function builtAtRunTime(word: Word): boolean {
  if (word.value !== null) return false;
  return /\$\(|`|[<>]\(/.test(word.text) || /^"?\$\{?[A-Za-z_][A-Za-z0-9_]*\}?"?$/.test(word.text);
}

export function runTimeProgram(name: string, word: Word, text: string): Decision {
  return deny(
    `the program given to \`${name}\` (\`${word.text}\`) is made at run time, so the policy can't see it; save it to a file in the project and review it first`,
    text,
  );
}

/**
 * An interpreter's program must be visible: an argument (`-c CODE`) that is not made at run
 * time, a script file that is not a process substitution, or a standard input that is a literal
 * here-document (not a pipe, not one whose `$(…)` bash fills in).
 */
export function interpreter(name: string, inv: Invocation): Decision | null {
  const args = inv.args;
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v !== null && (CODE_FLAGS.has(v) || v.startsWith("--eval=") || v.startsWith("--print="))) {
      const program = v.includes("=") ? null : args[i + 1];
      return program !== null && program !== undefined && builtAtRunTime(program)
        ? runTimeProgram(name, program, inv.text)
        : null;
    }
    if (v === "-") break;
    if (v === null || !v.startsWith("-")) {
      return builtAtRunTime(w) ? runTimeProgram(name, w, inv.text) : null; // a script file
    }
  }
  if (inv.stdin.some((s) => s.text === null || s.expands)) {
    return deny(
      `the program fed to \`${name}\` on its standard input holds \`$…\` that bash fills in at run time, so the policy can't see it; quote the here-document's delimiter (<<'EOF'), or save the program to a file`,
      inv.text,
    );
  }
  if (!inv.piped || inv.stdin.length > 0) return null;
  return pipedInterpreter(name, inv.text);
}

/** The file `source`/`.` reads. */
function sourcedFile(inv: Invocation): Word | undefined {
  return inv.args.find((w) => w.value === null || !w.value.startsWith("-"));
}

/** Whether `source`/`.` reads its standard input (`/dev/stdin`, `/dev/fd/0`, `-`): a shell reading it. */
export function sourcesStdin(inv: Invocation): boolean {
  const v = sourcedFile(inv)?.value;
  return typeof v === "string" && /^\/dev\/(stdin|fd\/0)$|^\/proc\/self\/fd\/0$|^-$/.test(v);
}

/** `source FILE` / `. FILE`: a file the policy can name, not a download (standard input is judged as a shell's). */
export function sourced(name: string, inv: Invocation): Decision | null {
  const file = sourcedFile(inv);
  if (file === undefined || file.value !== null) return null;
  return builtAtRunTime(file)
    ? runTimeProgram(name, file, inv.text)
    : deny(`\`${name}\` of \`${file.text}\`: the file is not a literal path; write it out`, inv.text);
}

/**
 * A command run by xargs (its input appended to it) or find -exec (a file name in `{}`): it may
 * not run that input as code, nor signal processes the input names.
 */
export function fedRule(name: string, inv: Invocation): Decision | null {
  const from = inv.fromInput === "xargs" ? "xargs" : "find -exec";
  if (
    inv.fromInput === "xargs" &&
    (SHELLS.has(name) || INTERPRETERS.has(name) || ["eval", "source", "."].includes(name))
  ) {
    return deny(
      `\`xargs ${name}\` would run its input as code, which the policy can't see; loop over the input instead (for x in …; do …; done)`,
      inv.text,
    );
  }
  if (
    inv.fromInput === "find" &&
    SHELLS.has(name) &&
    inv.args.some((w) => (w.value ?? w.text).includes("{}") && inv.args.indexOf(w) > 0)
  ) {
    return deny(
      `\`find -exec ${name} -c '…{}…'\` would run file names as code; pass them as arguments (sh -c '…"$1"…' _ {})`,
      inv.text,
    );
  }
  if (name === "kill" || name === "pkill" || name === "killall") {
    return deny(
      `\`${from} ${name}\` would signal processes the policy can't see; kill a PID you started by its number, or pkill a development process by name`,
      inv.text,
    );
  }
  return null;
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
