/**
 * Commands hidden inside other commands: options whose value is a command line
 * (`tar --to-command=…`, `rsync -e …`, `zip -TT …`, `ssh -o ProxyCommand=…`, `script -c …`), which
 * the policy judges like any other; and programs that can start commands from their own
 * language (`awk 'BEGIN{system("…")}'`, `sed 's/x/y/e'`), which it refuses since it cannot read
 * them.
 */
import path from "node:path";
import { type Decision, deny } from "./decision.ts";
import type { Word } from "./steps.ts";

/** Per command: its options whose value is a command line (`--opt=CMD` or `--opt CMD`). */
const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  tar: [
    "--to-command",
    "--use-compress-program",
    "-I",
    "--info-script",
    "-F",
    "--new-volume-script",
    "--checkpoint-action",
  ],
  rsync: ["-e", "--rsh", "--rsync-path"],
  zip: ["-TT", "--unzip-command"],
  script: ["-c", "--command"],
  flock: ["-c", "--command"],
};

const SSH = new Set(["ssh", "scp", "sftp"]);
const AWK = new Set(["awk", "gawk", "mawk", "nawk", "busybox-awk"]);
const SED = new Set(["sed", "gsed"]);

/** `system(…)`, `"cmd" | getline`, `print … | "cmd"`, `|&` (a coprocess). */
const AWK_RUNS = /\bsystem\s*\(|\|\s*getline|\|&|\bprint[f]?\b[^;}]*\|\s*["a-zA-Z_$(]/;
/** GNU sed's `e` command, and the `e` flag of `s///`. */
const SED_RUNS =
  /(?:^|[;\n{}]\s*)(?:\d+|\$|\/[^/]*\/)?\s*e(?:\s|$|;)|s(.)(?:(?!\1)[^\\]|\\.)*\1(?:(?!\1)[^\\]|\\.)*\1[gpiImM0-9]*e/;

export type Embedded = { scripts: string[] } | { denial: Decision };

/** The command lines `name`'s arguments carry, to judge; or a denial for a program that can run commands unseen. */
export function embeddedCommands(name: string, args: readonly Word[], text: string): Embedded {
  const base = path.posix.basename(name);
  if (AWK.has(base)) return awkProgram(args, text);
  if (SED.has(base)) return sedScripts(args, text);
  const options = COMMAND_OPTIONS[base] ?? (SSH.has(base) ? ["-o"] : undefined);
  if (options === undefined) return { scripts: [] };
  const scripts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i]?.value;
    if (v === null || v === undefined) continue;
    for (const option of options) {
      let value: string | null | undefined;
      if (v === option) value = args[++i]?.value;
      else if (v.startsWith(`${option}=`)) value = v.slice(option.length + 1);
      else if (option.length === 2 && /^-[a-zA-Z]+$/.test(v) && v.endsWith(option.slice(1)))
        value = args[++i]?.value;
      else if (option.length === 2 && v.startsWith(option) && v.length > 2 && !v.startsWith("--"))
        value = v.slice(2);
      else continue;
      if (value === null)
        return { denial: deny(`the command given to \`${base} ${option}\` is not a literal`, text) };
      if (value === undefined) continue;
      const command = commandOf(base, option, value);
      if (command !== null) scripts.push(command);
    }
  }
  return { scripts };
}

/** The command line in an option's value: ssh's ProxyCommand/LocalCommand, tar's checkpoint `exec=`, or the value itself. */
function commandOf(base: string, option: string, value: string): string | null {
  if (SSH.has(base)) {
    const m = /^\s*(?:ProxyCommand|LocalCommand|RemoteCommand|KnownHostsCommand)\s*[= ]\s*([\s\S]+)$/i.exec(
      value,
    );
    return m?.[1] ?? null;
  }
  if (base === "tar" && option === "--checkpoint-action")
    return value.startsWith("exec=") ? value.slice(5) : null;
  return value;
}

function awkProgram(args: readonly Word[], text: string): Embedded {
  for (const w of args) {
    const v = w.value ?? w.text;
    if (AWK_RUNS.test(v)) {
      return {
        denial: deny(
          "awk would start commands (system(), pipes to or from a command), which the policy can't see; use awk for text only, and run the commands yourself",
          text,
        ),
      };
    }
  }
  return { scripts: [] };
}

function sedScripts(args: readonly Word[], text: string): Embedded {
  for (const w of args) {
    const v = w.value ?? w.text;
    if (v.startsWith("-") && !/^-[a-zA-Z]*e$/.test(v) && v !== "--expression") continue;
    if (SED_RUNS.test(v)) {
      return {
        denial: deny(
          "sed's `e` command (or the `e` flag of s///) runs text as a command, which the policy can't see; run the command yourself",
          text,
        ),
      };
    }
  }
  return { scripts: [] };
}
