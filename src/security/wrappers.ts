/**
 * The wrapper commands (env, nice, timeout, xargs, …): they run the command given as their
 * arguments, so the policy judges that command instead; and the options of each that take a value
 * (the command starts after them).
 */

/** Runs commands given as its arguments; the wrapper itself is not judged by the allowlist. */
export const WRAPPERS = new Set([
  "busybox",
  "setsid",
  "stdbuf",
  "ionice",
  "env",
  "command",
  "builtin",
  "exec",
  "nice",
  "nohup",
  "timeout",
  "time",
  "xargs",
  "watch",
]);

export const EXEC_VALUES: ReadonlySet<string> = new Set(["-a"]);
export const NICE_VALUES: ReadonlySet<string> = new Set(["-n", "--adjustment"]);
export const STDBUF_VALUES: ReadonlySet<string> = new Set(["-i", "-o", "-e"]);
export const IONICE_VALUES: ReadonlySet<string> = new Set([
  "-c",
  "-n",
  "-p",
  "-P",
  "-u",
  "--class",
  "--classdata",
]);
export const TIME_VALUES: ReadonlySet<string> = new Set(["-f", "--format", "-o", "--output"]);
export const TIMEOUT_VALUES: ReadonlySet<string> = new Set(["-s", "--signal", "-k", "--kill-after"]);
export const WATCH_VALUES: ReadonlySet<string> = new Set(["-n", "--interval", "-q", "--equexit"]);
