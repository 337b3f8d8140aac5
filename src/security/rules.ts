/** The lists the command policy judges against. */

/** Denied in both modes, whatever the configuration says. */
export const PRIVILEGE_ESCALATION = new Set(["sudo", "su", "doas", "pkexec", "run0"]);

/** Denied in blocklist mode (plus security.extra_blocked_commands), by why: the refusal says it. `mkfs*` matches by prefix. */
const BLOCKED_GROUPS: readonly { reason: string; names: readonly string[] }[] = [
  {
    reason: "it changes the system outside the project",
    names: [
      ...[
        "sudo",
        "su",
        "doas",
        "chown",
        "chgrp",
        "dd",
        "mkfs*",
        "fdisk",
        "sfdisk",
        "parted",
        "mount",
        "umount",
      ],
      ...["reboot", "shutdown", "halt", "poweroff", "init", "systemctl", "service"],
      ...["apt", "apt-get", "dpkg", "yum", "dnf", "pacman", "zypper", "apk", "brew", "snap"],
      ...["modprobe", "insmod", "rmmod"],
      // users and groups
      ...["useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod", "adduser", "deluser"],
      ...["addgroup", "delgroup", "gpasswd", "chpasswd", "newusers", "chsh", "chfn", "passwd"],
      ...["visudo", "vipw", "vigr", "sudoedit"],
      // the network and the firewall
      ...["iptables", "ip6tables", "nft", "ufw"],
    ],
  },
  {
    reason: "it schedules work that would outlive the session",
    names: ["crontab", "at", "batch", "atrm", "systemd-run", "loginctl"],
  },
  {
    reason: "it enters other namespaces or processes, or changes capabilities",
    names: [
      "nsenter",
      "unshare",
      "chroot",
      "pivot_root",
      "capsh",
      "setcap",
      "setpriv",
      "gdb",
      "strace",
      "ltrace",
    ],
  },
  {
    reason:
      "a container engine or virtual machine can mount the whole machine; use a dev server, or SQLite for development",
    names: [
      ...["docker", "docker-compose", "podman", "podman-compose", "nerdctl", "ctr", "crictl", "runc", "lxc*"],
      ...["machinectl", "systemd-nspawn", "virsh", "qemu-system-*"],
    ],
  },
  {
    reason: "it runs commands it reads from its input, which the policy can't see; use a loop",
    names: ["parallel"],
  },
];

export const DEFAULT_BLOCKED: readonly string[] = BLOCKED_GROUPS.flatMap((g) => g.names);

/** The only commands allowed in allowlist mode (plus security.extra_allowed_commands). */
export const DEFAULT_ALLOWED: readonly string[] = [
  // files and text
  "ls",
  "cat",
  "head",
  "tail",
  "grep",
  "egrep",
  "fgrep",
  "rg",
  "find",
  "echo",
  "printf",
  "pwd",
  "cd",
  "pushd",
  "popd",
  "mkdir",
  "touch",
  "cp",
  "mv",
  "rm",
  "rmdir",
  "ln",
  "chmod",
  "sed",
  "awk",
  "sort",
  "uniq",
  "wc",
  "diff",
  "cmp",
  "patch",
  "cut",
  "tr",
  "tee",
  "xargs",
  "basename",
  "dirname",
  "realpath",
  "readlink",
  "stat",
  "file",
  "du",
  "df",
  "tree",
  "less",
  "more",
  "date",
  "seq",
  "yes",
  // archives and network
  "curl",
  "wget",
  "tar",
  "zip",
  "unzip",
  "gzip",
  "gunzip",
  "jq",
  // shell builtins
  "test",
  "[",
  "true",
  "false",
  ":",
  "sleep",
  "which",
  "type",
  "command",
  "env",
  "printenv",
  "export",
  "unset",
  "set",
  "source",
  ".",
  "exit",
  "return",
  "read",
  "wait",
  "trap",
  "shift",
  "local",
  "alias",
  "bash",
  "sh",
  "time",
  "timeout",
  "nohup",
  "nice",
  "watch",
  // processes
  "ps",
  "lsof",
  "kill",
  "pkill",
  "killall",
  "pgrep",
  "ss",
  "netstat",
  "uname",
  "whoami",
  "id",
  "hostname",
  // JavaScript and TypeScript
  "node",
  "npm",
  "npx",
  "pnpm",
  "yarn",
  "bun",
  "deno",
  "corepack",
  "tsc",
  "tsx",
  "vite",
  "next",
  "eslint",
  "prettier",
  "biome",
  "vitest",
  "jest",
  "playwright",
  "webpack",
  "esbuild",
  // Python
  "python",
  "python3",
  "pip",
  "pip3",
  "uvicorn",
  "flask",
  "pytest",
  "uv",
  // version control, build and data
  "git",
  "make",
  "sqlite3",
  "psql",
];

export const DEFAULT_ALLOWED_SET: ReadonlySet<string> = new Set(DEFAULT_ALLOWED);

/** Their standard input is a program when no script is named: `curl … | sh` runs what it downloads. */
export const INTERPRETERS = new Set([
  "sh",
  "bash",
  "zsh",
  "dash",
  "ksh",
  "python",
  "python2",
  "python3",
  "node",
  "perl",
  "ruby",
  "php",
]);

/** Shells whose `-c STRING` is parsed and judged in turn. */
export const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh"]);

/** Processes `pkill`/`killall` may target by name. */
export const DEV_PROCESSES = new Set([
  "node",
  "npm",
  "npx",
  "vite",
  "next",
  "tsc",
  "python",
  "python3",
  "uvicorn",
  "flask",
  "webpack",
  "esbuild",
  "deno",
  "bun",
  "pnpm",
  "yarn",
  "jest",
  "vitest",
  "playwright",
  "chromium",
  "tsx",
]);

/** Interpreters that take a program as an argument of these options (`python3 -c CODE`, `node -e CODE`). */
export const CODE_INTERPRETERS = new Set([...INTERPRETERS].filter((n) => !SHELLS.has(n)));

/** Deleting these (anywhere in the project) is refused. */
export const PROTECTED_NAMES = new Set([
  ".git",
  "package.json",
  "package-lock.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lockb",
  ".env",
]);

export const SYSTEM_DIRS = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib64",
  "/proc",
  "/root",
  "/sbin",
  "/sys",
  "/usr",
  "/var",
  "/opt",
  "/srv",
];

/** `chmod` modes allowed: making files executable. */
export const CHMOD_NUMERIC = new Set(["755", "775", "744", "0755", "0775", "0744"]);
export const CHMOD_SYMBOLIC = /^[ugoa]*\+x$/;

/** DEFAULT_BLOCKED as exact names and prefixes, for the check every command goes through. */
const DEFAULT_BLOCKED_EXACT: ReadonlySet<string> = new Set(DEFAULT_BLOCKED.filter((p) => !p.endsWith("*")));
const DEFAULT_BLOCKED_PREFIXES = DEFAULT_BLOCKED.filter((p) => p.endsWith("*")).map((p) => p.slice(0, -1));

/** Why `name` is on the default blocklist, for the refusal. */
export function blockReason(name: string): string {
  const group = BLOCKED_GROUPS.find((g) => isBlocked(name, g.names));
  return group?.reason ?? "it changes the system outside the project";
}

/** Whether `name` matches one of `patterns` (exact names, or `prefix*`). */
export function isBlocked(name: string, patterns: readonly string[]): boolean {
  if (patterns === DEFAULT_BLOCKED) {
    if (DEFAULT_BLOCKED_EXACT.has(name)) return true;
    for (const prefix of DEFAULT_BLOCKED_PREFIXES) if (name.startsWith(prefix)) return true;
    return false;
  }
  for (const pattern of patterns) {
    if (pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern) return true;
  }
  return false;
}
