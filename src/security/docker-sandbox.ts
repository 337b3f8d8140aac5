/**
 * `sandbox.type: docker`: a session's Claude Code process runs inside a per-project container,
 * through the SDK's `spawnClaudeCodeProcess` hook. The container sees the project directory (at
 * /workspace) and the Claude Code binary (mounted read-only from the host), and is given only the
 * variables `sandbox.docker_env` names. Every docker command goes through a `DockerRunner`, so the
 * exact commands are unit-tested on machines without a Docker engine. The processes of a session in
 * the container (the spawn hook) are docker-processes.ts's.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import type { SpawnOptions } from "@anthropic-ai/claude-agent-sdk";
import type { Config } from "../config/schema.ts";
import type { SandboxAvailability } from "./sandbox.ts";

/** Where the project directory is mounted in the container. */
export const WORKSPACE = "/workspace";
/** Where the host's Claude Code binary is mounted (read-only) in the container. */
export const CONTAINER_CLAUDE = "/opt/baton/claude";
/** A writable home for whatever user the container runs as (Claude Code keeps its state there). */
const CONTAINER_HOME = "/tmp";
/** Seconds `docker stop` waits after SIGTERM before it kills. */
const STOP_GRACE_S = 2;
const LABEL_PROJECT = "baton.project";
const LABEL_SPEC = "baton.spec";
export const NO_SUCH = /no such (container|object)/i;
/** Bumped whenever `ensureContainerArgs` changes, so that containers made the old way are made again. */
const SPEC_VERSION = 1;

/**
 * Variables the SDK sets for its own conversation with Claude Code (entry point, protocol
 * features, crash reporting, debug). None holds a secret; without them Claude Code would not
 * behave as the SDK expects, so they are passed whenever set, whatever `sandbox.docker_env` says.
 */
export const SDK_PROTOCOL_ENV: readonly string[] = [
  "CLAUDE_CODE_ENTRYPOINT",
  "CLAUDE_AGENT_SDK_VERSION",
  "CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING",
  "CLAUDE_CODE_SDK_READS_SESSION_STATE",
  "CLAUDE_CODE_SDK_READS_STARTUP_MARKS",
  "CLAUDE_CODE_SDK_HAS_OAUTH_REFRESH",
  "CLAUDE_CODE_SDK_HAS_HOST_AUTH_REFRESH",
  "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
  "BUN_ENABLE_CRASH_REPORTING",
  "DEBUG",
];

export interface DockerOutput {
  /** The exit code; null when docker could not be run (or was killed by the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How Baton runs docker: the real CLI in production, a recording fake in tests. */
export interface DockerRunner {
  /** Runs `docker <args>` to its end. Never rejects: a failure is in `code` and `stderr`. */
  run(args: readonly string[], options?: { timeoutMs?: number }): Promise<DockerOutput>;
  /** Starts `docker <args>` with stdin, stdout and stderr piped, in the environment `env`. */
  start(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams;
}

/** The real `docker` CLI (or another binary with the same arguments, such as `podman`). */
export function dockerCli(command = "docker"): DockerRunner {
  return {
    run: (args, options = {}) =>
      new Promise((resolve) => {
        execFile(
          command,
          [...args],
          { encoding: "utf8", timeout: options.timeoutMs ?? 0, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            if (error === null) return resolve({ code: 0, stdout, stderr });
            const code = typeof error.code === "number" ? error.code : null;
            resolve({ code, stdout, stderr: stderr.trim() === "" ? error.message : stderr });
          },
        );
      }),
    start: (args, env) => spawn(command, [...args], { env, stdio: ["pipe", "pipe", "pipe"] }),
  };
}

/** Everything that decides a project's container, from `sandbox.docker_*` and the project. */
export interface DockerSandboxConfig {
  /** The container's name (`containerName`). */
  name: string;
  projectId: number;
  /** The project directory on the host, absolute: mounted at /workspace. */
  projectDir: string;
  image: string;
  /** `docker run --memory`, e.g. `4g`. */
  memory: string;
  /** `docker run --cpus`. */
  cpus: number;
  /** Names of the variables the container is given (when set); their values never enter argv. */
  env: readonly string[];
  /**
   * `uid:gid` the container runs as, so that files it writes in the project belong to the user
   * who runs Baton (and git inside accepts the directory as theirs); null: the image's user.
   */
  user: string | null;
}

/** `uid:gid` of this process, or null where the platform has none. */
export function currentUser(): string | null {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  return uid === undefined || gid === undefined ? null : `${uid}:${gid}`;
}

export function dockerSandboxConfig(
  sandbox: Pick<Config["sandbox"], "docker_image" | "docker_memory" | "docker_cpus" | "docker_env">,
  project: { id: number; name: string; directory: string },
  user: string | null = currentUser(),
): DockerSandboxConfig {
  return {
    name: containerName(project.id, project.name),
    projectId: project.id,
    projectDir: path.resolve(project.directory),
    image: sandbox.docker_image,
    memory: sandbox.docker_memory,
    cpus: sandbox.docker_cpus,
    env: [...sandbox.docker_env],
    user,
  };
}

const SLUG_LENGTH = 40;

/**
 * A stable, docker-safe container name: `baton-<id>-<slug of the name>` (the id keeps two
 * projects apart, the slug makes `docker ps` readable).
 */
export function containerName(projectId: number, projectName: string): string {
  const slug = projectName
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, SLUG_LENGTH)
    .replace(/[^a-z0-9]+$/, "");
  return slug === "" ? `baton-${projectId}` : `baton-${projectId}-${slug}`;
}

/** A digest of what `docker run` fixes for the container's life: when it changes, the container is made again. */
export function containerSpec(config: DockerSandboxConfig, claudeBinary: string): string {
  const fixed = [
    SPEC_VERSION,
    config.image,
    config.memory,
    config.cpus,
    config.projectDir,
    claudeBinary,
    config.user,
  ];
  return createHash("sha256").update(JSON.stringify(fixed)).digest("hex").slice(0, 16);
}

function mountable(hostPath: string, what: string): string {
  if (!path.isAbsolute(hostPath))
    throw new Error(`the docker sandbox needs ${what} as an absolute path, got ${hostPath}`);
  if (hostPath.includes(":") || hostPath.includes(",")) {
    throw new Error(`the docker sandbox cannot mount ${what} ${hostPath}: its path contains ':' or ','`);
  }
  return hostPath;
}

/** `docker inspect`: whether the container runs, whose it is and the spec it was made with (`|`-separated). */
export function inspectArgs(name: string): string[] {
  const label = (key: string) => `{{index .Config.Labels "${key}"}}`;
  return ["inspect", "-f", `{{.State.Running}}|${label(LABEL_PROJECT)}|${label(LABEL_SPEC)}`, name];
}

function notOurs(name: string, projectId: number, label: string): Error {
  return new Error(
    `the container ${name} is not the sandbox of project ${projectId} (its ${LABEL_PROJECT} label is "${label}"); remove or rename it by hand`,
  );
}

/**
 * `docker run`: the project's container, idle (`sleep infinity` under an init that reaps
 * zombies) until sessions exec Claude Code in it.
 */
export function ensureContainerArgs(config: DockerSandboxConfig, claudeBinary: string): string[] {
  const projectDir = mountable(config.projectDir, "the project directory");
  const binary = mountable(claudeBinary, "Claude Code's binary");
  return [
    "run",
    "-d",
    "--name",
    config.name,
    "--label",
    `${LABEL_PROJECT}=${config.projectId}`,
    "--label",
    `${LABEL_SPEC}=${containerSpec(config, claudeBinary)}`,
    ...(config.user === null ? [] : ["--user", config.user]),
    "-e",
    `HOME=${CONTAINER_HOME}`,
    "-v",
    `${projectDir}:${WORKSPACE}`,
    "-v",
    `${binary}:${CONTAINER_CLAUDE}:ro`,
    "-w",
    WORKSPACE,
    "--memory",
    config.memory,
    "--cpus",
    String(config.cpus),
    "--security-opt",
    "no-new-privileges",
    "--init",
    config.image,
    "sleep",
    "infinity",
  ];
}

export function startContainerArgs(name: string): string[] {
  return ["start", name];
}

export function stopContainerArgs(name: string): string[] {
  return ["stop", "-t", String(STOP_GRACE_S), name];
}

export function removeContainerArgs(name: string): string[] {
  return ["rm", "-f", name];
}

/** Occurrences of the project directory that stand for it (not for `/proj-other` when it is `/proj`). */
function projectDirPattern(projectDir: string): RegExp {
  const escaped = projectDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<=^|[\\s"'=,:;({[])${escaped}(?=$|[/\\s"',;:)}\\]])`, "g");
}

/** A path (or an argument that holds paths, such as JSON) with the host project directory as /workspace. */
export function toContainerPath(text: string, projectDir: string): string {
  if (projectDir === path.sep) return text;
  return text.replace(projectDirPattern(projectDir.replace(/\/+$/, "")), WORKSPACE);
}

/**
 * The reverse of `toContainerPath`, for what Claude Code in the container reports (tool inputs
 * the hooks judge): `/workspace/src/a.ts` → `<projectDir>/src/a.ts`. Other paths stay as they are.
 */
export function toHostPath(text: string, projectDir: string): string {
  return text.replace(projectDirPattern(WORKSPACE), projectDir.replace(/\/+$/, ""));
}

/** The names of `env` the container is given: the SDK's protocol variables and `docker_env`, when set. */
export function passedEnvNames(allowed: readonly string[], env: SpawnOptions["env"]): string[] {
  const names = [...new Set([...SDK_PROTOCOL_ENV, ...allowed])];
  return names.filter((name) => env[name] !== undefined);
}

/**
 * `docker exec`: Claude Code in the container, with stdin kept open for the SDK. Variables are
 * named (`-e NAME`), never given values: the docker CLI reads them from its own environment, so
 * no secret shows on a command line.
 */
export function execArgs(
  config: DockerSandboxConfig,
  options: Pick<SpawnOptions, "args" | "cwd" | "env">,
): string[] {
  const cwd =
    options.cwd === undefined ? WORKSPACE : toContainerPath(path.resolve(options.cwd), config.projectDir);
  if (cwd !== WORKSPACE && !cwd.startsWith(`${WORKSPACE}/`)) {
    throw new Error(
      `the docker sandbox runs Claude Code in the project directory only, not in ${options.cwd}`,
    );
  }
  return [
    "exec",
    "-i",
    "-w",
    cwd,
    ...passedEnvNames(config.env, options.env).flatMap((name) => ["-e", name]),
    config.name,
    CONTAINER_CLAUDE,
    ...options.args.map((arg) => toContainerPath(arg, config.projectDir)),
  ];
}

export type EnsureOutcome = "running" | "started" | "created" | "recreated";

export function failed(what: string, out: DockerOutput): Error {
  const why = out.stderr.trim() || out.stdout.trim() || `exit ${out.code}`;
  return new Error(`${what} failed: ${why}`);
}

/**
 * Makes sure the project's container runs: reuses it when it runs, starts it when stopped,
 * creates it when missing, and makes it again when it was made with other settings (image,
 * limits, paths, user). Refuses to touch a container of that name that is not the project's.
 */
export async function ensureContainer(
  config: DockerSandboxConfig,
  claudeBinary: string,
  runner: DockerRunner,
): Promise<EnsureOutcome> {
  const spec = containerSpec(config, claudeBinary);
  const inspected = await runner.run(inspectArgs(config.name));
  let outcome: EnsureOutcome = "created";
  if (inspected.code === 0) {
    const [running, owner = "", madeWith] = inspected.stdout.trim().split("|");
    if (owner !== String(config.projectId)) throw notOurs(config.name, config.projectId, owner);
    if (madeWith === spec) {
      if (running === "true") return "running";
      const started = await runner.run(startContainerArgs(config.name));
      if (started.code !== 0) throw failed(`docker start ${config.name}`, started);
      return "started";
    }
    const removed = await runner.run(removeContainerArgs(config.name));
    if (removed.code !== 0 && !NO_SUCH.test(removed.stderr)) {
      throw failed(`docker rm -f ${config.name}`, removed);
    }
    outcome = "recreated";
  } else if (!NO_SUCH.test(inspected.stderr)) {
    throw failed(`docker inspect ${config.name}`, inspected);
  }
  const created = await runner.run(ensureContainerArgs(config, claudeBinary));
  if (created.code !== 0)
    throw failed(`docker run (container ${config.name}, image ${config.image})`, created);
  return outcome;
}

/**
 * Removes the project's container, if there is one. Returns whether one was removed. Refuses a
 * container of that name that Baton did not make for this project.
 */
export async function removeProjectContainer(
  projectId: number,
  name: string,
  runner: DockerRunner,
): Promise<boolean> {
  const owner = await runner.run(["inspect", "-f", `{{index .Config.Labels "${LABEL_PROJECT}"}}`, name]);
  if (owner.code !== 0) {
    if (NO_SUCH.test(owner.stderr)) return false;
    throw failed(`docker inspect ${name}`, owner);
  }
  if (owner.stdout.trim() !== String(projectId)) throw notOurs(name, projectId, owner.stdout.trim());
  const removed = await runner.run(removeContainerArgs(name));
  if (removed.code === 0) return true;
  if (NO_SUCH.test(removed.stderr)) return false;
  throw failed(`docker rm -f ${name}`, removed);
}

/** Whether sessions can run in containers here: the docker CLI answers and reaches an engine. */
export async function dockerAvailability(runner: DockerRunner): Promise<SandboxAvailability> {
  const out = await runner.run(["version", "--format", "{{.Server.Version}}"], { timeoutMs: 10_000 });
  if (out.code === 0 && out.stdout.trim() !== "") return { available: true, problems: [] };
  const why = (out.stderr.trim() || out.stdout.trim() || `exit ${out.code}`).split("\n")[0];
  return {
    available: false,
    problems: [
      `Docker engine not reachable (${why}): install Docker / start the daemon, or set sandbox.type: os`,
    ],
  };
}
