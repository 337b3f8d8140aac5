import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { query, type SDKMessage, type SpawnOptions } from "@anthropic-ai/claude-agent-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_DOCKER_ENV } from "../../src/config/schema.ts";
import {
  lastToolResult,
  type ScriptedModel,
  sequence,
  startScriptedModel,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";
import {
  type ContainerProcess,
  DockerSessionProcesses,
  dockerSpawn,
} from "../../src/security/docker-processes.ts";
import {
  CONTAINER_CLAUDE,
  containerName,
  containerSpec,
  type DockerOutput,
  type DockerRunner,
  type DockerSandboxConfig,
  dockerAvailability,
  dockerCli,
  dockerSandboxConfig,
  ensureContainer,
  ensureContainerArgs,
  execArgs,
  removeContainerArgs,
  removeProjectContainer,
  toContainerPath,
  toHostPath,
  WORKSPACE,
} from "../../src/security/docker-sandbox.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BINARY = "/usr/lib/node_modules/@anthropic-ai/claude-agent-sdk-linux-x64/claude";

function config(overrides: Partial<DockerSandboxConfig> = {}): DockerSandboxConfig {
  return {
    ...dockerSandboxConfig(
      {
        docker_image: "node:20-bookworm",
        docker_memory: "4g",
        docker_cpus: 2,
        docker_env: [...DEFAULT_DOCKER_ENV],
      },
      { id: 3, name: "my-app", directory: "/home/me/generations/my-app" },
      "1000:1000",
    ),
    ...overrides,
  };
}

const ok = (stdout = ""): DockerOutput => ({ code: 0, stdout, stderr: "" });
const noSuch = (name: string): DockerOutput => ({
  code: 1,
  stdout: "",
  stderr: `Error response from daemon: No such container: ${name}\n`,
});

/** A docker CLI that answers from a table and records every command; `exec` starts what `onExec` says. */
class FakeDocker implements DockerRunner {
  readonly calls: string[][] = [];
  readonly execs: Array<{ args: string[]; env: NodeJS.ProcessEnv; child: ChildProcessWithoutNullStreams }> =
    [];

  constructor(
    private readonly answer: (args: readonly string[]) => DockerOutput | Promise<DockerOutput>,
    private readonly onExec: (
      args: readonly string[],
      env: NodeJS.ProcessEnv,
    ) => ChildProcessWithoutNullStreams = () => spawn("sleep", ["30"]),
  ) {}

  async run(args: readonly string[]): Promise<DockerOutput> {
    this.calls.push([...args]);
    return this.answer(args);
  }

  start(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
    this.calls.push([...args]);
    const child = this.onExec(args, env);
    cleanups.push(() => {
      child.kill("SIGKILL");
    });
    this.execs.push({ args: [...args], env, child });
    return child;
  }
}

/** Answers `inspect` with `inspected` and every other command with success. */
function dockerWith(
  inspected: DockerOutput,
  onExec?: ConstructorParameters<typeof FakeDocker>[1],
): FakeDocker {
  return new FakeDocker((args) => (args[0] === "inspect" ? inspected : ok()), onExec);
}

function spawnOptions(overrides: Partial<SpawnOptions> = {}): SpawnOptions {
  return {
    command: BINARY,
    args: ["--output-format", "stream-json", "--verbose"],
    cwd: "/home/me/generations/my-app",
    env: {
      PATH: "/usr/bin:/bin",
      ANTHROPIC_API_KEY: "sk-ant-secret-value",
      CLAUDE_CODE_ENTRYPOINT: "sdk-ts",
    },
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** The variables `docker exec -e NAME` names. */
function namedVariables(args: readonly string[]): string[] {
  return args.flatMap((arg, i) => (args[i - 1] === "-e" ? [arg] : []));
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("containerName", () => {
  it("names a project's container baton-<id>-<slug>, safe for docker", () => {
    expect(containerName(3, "my-app")).toBe("baton-3-my-app");
    expect(containerName(12, "My App: v2!")).toBe("baton-12-my-app-v2");
    expect(containerName(4, "__x__")).toBe("baton-4-x");
    expect(containerName(9, "!!!")).toBe("baton-9");
    const long = containerName(5, `${"a".repeat(39)}-${"b".repeat(30)}`);
    expect(long).toBe(`baton-5-${"a".repeat(39)}`);
    for (const name of [containerName(1, "Ünïcode näme"), containerName(2, ".hidden"), long]) {
      expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
      expect(name).not.toMatch(/[-_.]$/);
    }
  });

  it("is stable: the same project always gets the same name", () => {
    expect(containerName(7, "shop")).toBe(containerName(7, "shop"));
    expect(containerName(7, "shop")).not.toBe(containerName(8, "shop"));
  });
});

describe("the docker commands", () => {
  it("creates the container with the project at /workspace, the binary read-only, limits, labels and an init", () => {
    const c = config();
    expect(ensureContainerArgs(c, BINARY)).toEqual([
      "run",
      "-d",
      "--name",
      "baton-3-my-app",
      "--label",
      "baton.project=3",
      "--label",
      `baton.spec=${containerSpec(c, BINARY)}`,
      "--user",
      "1000:1000",
      "-e",
      "HOME=/tmp",
      "-v",
      "/home/me/generations/my-app:/workspace",
      "-v",
      `${BINARY}:/opt/baton/claude:ro`,
      "-w",
      "/workspace",
      "--memory",
      "4g",
      "--cpus",
      "2",
      "--security-opt",
      "no-new-privileges",
      "--init",
      "node:20-bookworm",
      "sleep",
      "infinity",
    ]);
    expect(ensureContainerArgs(config({ user: null, cpus: 0.5 }), BINARY)).not.toContain("--user");
    expect(ensureContainerArgs(config({ cpus: 0.5 }), BINARY)).toContain("0.5");
  });

  it("refuses paths docker's -v cannot mount", () => {
    expect(() => ensureContainerArgs(config({ projectDir: "/home/me/a:b" }), BINARY)).toThrow(
      "the docker sandbox cannot mount the project directory /home/me/a:b: its path contains ':' or ','",
    );
    expect(() => ensureContainerArgs(config(), "claude")).toThrow(
      "the docker sandbox needs Claude Code's binary as an absolute path, got claude",
    );
  });

  it("execs the mounted binary in /workspace with the SDK's arguments", () => {
    expect(execArgs(config(), spawnOptions())).toEqual([
      "exec",
      "-i",
      "-w",
      "/workspace",
      "-e",
      "CLAUDE_CODE_ENTRYPOINT",
      "-e",
      "ANTHROPIC_API_KEY",
      "baton-3-my-app",
      "/opt/baton/claude",
      "--output-format",
      "stream-json",
      "--verbose",
    ]);
  });

  it("passes only the variables docker_env names (and the SDK's protocol ones), by name, never by value", () => {
    const env = {
      PATH: "/usr/bin:/bin",
      HOME: "/home/me",
      ANTHROPIC_API_KEY: "sk-ant-secret-value",
      ANTHROPIC_BASE_URL: "https://api.example.com",
      GITHUB_TOKEN: "ghp_not-for-the-container",
      AWS_SECRET_ACCESS_KEY: "aws-not-for-the-container",
      CLAUDE_AGENT_SDK_VERSION: "0.3.331",
      CLAUDE_CODE_OAUTH_TOKEN: undefined,
    };
    const args = execArgs(config(), spawnOptions({ env }));
    expect(namedVariables(args)).toEqual([
      "CLAUDE_AGENT_SDK_VERSION",
      "ANTHROPIC_API_KEY",
      "ANTHROPIC_BASE_URL",
    ]);
    const argv = args.join(" ");
    for (const value of ["sk-ant-secret-value", "ghp_not-for-the-container", "aws-not-for-the-container"]) {
      expect(argv).not.toContain(value);
    }
    expect(argv).not.toContain("GITHUB_TOKEN");
    expect(argv).not.toContain("AWS_SECRET_ACCESS_KEY");
    expect(argv).not.toContain("PATH");
    // An empty docker_env passes nothing of the user's, not even credentials.
    const bare = execArgs(config({ env: [] }), spawnOptions({ env }));
    expect(namedVariables(bare)).toEqual(["CLAUDE_AGENT_SDK_VERSION"]);
  });

  it("maps paths into the project directory to /workspace, in the working directory and in arguments", () => {
    const dir = "/home/me/generations/my-app";
    const args = execArgs(
      config(),
      spawnOptions({
        cwd: `${dir}/web`,
        args: [
          "--add-dir",
          `${dir}/shared`,
          "--mcp-config",
          JSON.stringify({ mcpServers: { p: { args: [`--output-dir=${dir}/logs/browser/s1`, dir] } } }),
          "--add-dir",
          `${dir}-other/x`,
        ],
      }),
    );
    expect(args.slice(2, 4)).toEqual(["-w", "/workspace/web"]);
    expect(args.slice(-6)).toEqual([
      "--add-dir",
      "/workspace/shared",
      "--mcp-config",
      JSON.stringify({
        mcpServers: { p: { args: ["--output-dir=/workspace/logs/browser/s1", "/workspace"] } },
      }),
      "--add-dir",
      `${dir}-other/x`,
    ]);
    expect(toContainerPath(`/elsewhere${dir}`, dir)).toBe(`/elsewhere${dir}`);
    expect(() => execArgs(config(), spawnOptions({ cwd: "/tmp" }))).toThrow(
      "the docker sandbox runs Claude Code in the project directory only, not in /tmp",
    );
  });

  it("maps the container's /workspace paths back to the project directory for the hooks", () => {
    const dir = "/home/me/generations/my-app";
    expect(toHostPath("/workspace/src/a.ts", dir)).toBe(`${dir}/src/a.ts`);
    expect(toHostPath("/workspace", dir)).toBe(dir);
    expect(toHostPath("cat /workspace/a && ls /workspaces /tmp/workspace", dir)).toBe(
      `cat ${dir}/a && ls /workspaces /tmp/workspace`,
    );
    expect(toHostPath(toContainerPath(`${dir}/x`, dir), dir)).toBe(`${dir}/x`);
  });

  it("removes a container with docker rm -f", () => {
    expect(removeContainerArgs("baton-3-my-app")).toEqual(["rm", "-f", "baton-3-my-app"]);
  });
});

describe("ensureContainer", () => {
  const c = config();
  const spec = containerSpec(c, BINARY);

  it("reuses a running container: inspect only", async () => {
    const docker = dockerWith(ok(`true|3|${spec}\n`));
    expect(await ensureContainer(c, BINARY, docker)).toBe("running");
    expect(docker.calls).toEqual([
      [
        "inspect",
        "-f",
        '{{.State.Running}}|{{index .Config.Labels "baton.project"}}|{{index .Config.Labels "baton.spec"}}',
        "baton-3-my-app",
      ],
    ]);
  });

  it("starts a stopped container", async () => {
    const docker = dockerWith(ok(`false|3|${spec}\n`));
    expect(await ensureContainer(c, BINARY, docker)).toBe("started");
    expect(docker.calls.slice(1)).toEqual([["start", "baton-3-my-app"]]);
  });

  it("creates a missing container", async () => {
    const docker = dockerWith(noSuch("baton-3-my-app"));
    expect(await ensureContainer(c, BINARY, docker)).toBe("created");
    expect(docker.calls.slice(1)).toEqual([ensureContainerArgs(c, BINARY)]);
  });

  it("makes the container again when it was made with other settings", async () => {
    const docker = dockerWith(ok(`true|3|${containerSpec(config({ image: "node:18" }), BINARY)}\n`));
    expect(await ensureContainer(c, BINARY, docker)).toBe("recreated");
    expect(docker.calls.slice(1)).toEqual([["rm", "-f", "baton-3-my-app"], ensureContainerArgs(c, BINARY)]);
  });

  it("refuses a container of that name that another project (or someone else) made", async () => {
    const docker = dockerWith(ok(`true|<no value>|<no value>\n`));
    await expect(ensureContainer(c, BINARY, docker)).rejects.toThrow(
      'the container baton-3-my-app is not the sandbox of project 3 (its baton.project label is "<no value>"); remove or rename it by hand',
    );
    expect(docker.calls).toHaveLength(1);
  });

  it("stops with docker's own words when docker fails, and creates nothing", async () => {
    const down = dockerWith({
      code: 1,
      stdout: "",
      stderr:
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
    });
    await expect(ensureContainer(c, BINARY, down)).rejects.toThrow(
      "docker inspect baton-3-my-app failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    );
    expect(down.calls).toHaveLength(1);

    const noImage = new FakeDocker((args) =>
      args[0] === "inspect"
        ? noSuch("baton-3-my-app")
        : { code: 125, stdout: "", stderr: "Unable to find image 'nope:1' locally\n" },
    );
    await expect(ensureContainer(config({ image: "nope:1" }), BINARY, noImage)).rejects.toThrow(
      "docker run (container baton-3-my-app, image nope:1) failed: Unable to find image 'nope:1' locally",
    );
  });
});

describe("removeProjectContainer", () => {
  it("removes the project's own container", async () => {
    const docker = dockerWith(ok("3\n"));
    expect(await removeProjectContainer(3, "baton-3-my-app", docker)).toBe(true);
    expect(docker.calls).toEqual([
      ["inspect", "-f", '{{index .Config.Labels "baton.project"}}', "baton-3-my-app"],
      ["rm", "-f", "baton-3-my-app"],
    ]);
  });

  it("ignores a container that is not there", async () => {
    const docker = dockerWith(noSuch("baton-3-my-app"));
    expect(await removeProjectContainer(3, "baton-3-my-app", docker)).toBe(false);
    expect(docker.calls).toHaveLength(1);

    const gone = new FakeDocker((args) => (args[0] === "inspect" ? ok("3\n") : noSuch("baton-3-my-app")));
    expect(await removeProjectContainer(3, "baton-3-my-app", gone)).toBe(false);
  });

  it("refuses a container of that name that is not the project's", async () => {
    const docker = dockerWith(ok("\n"));
    await expect(removeProjectContainer(3, "baton-3-my-app", docker)).rejects.toThrow(
      'the container baton-3-my-app is not the sandbox of project 3 (its baton.project label is ""); remove or rename it by hand',
    );
    expect(docker.calls.map((c) => c[0])).toEqual(["inspect"]);
  });

  it("fails when docker cannot answer", async () => {
    const docker = dockerWith({ code: 1, stdout: "", stderr: "permission denied while trying to connect\n" });
    await expect(removeProjectContainer(3, "baton-3-my-app", docker)).rejects.toThrow(
      "docker inspect baton-3-my-app failed: permission denied while trying to connect",
    );
  });
});

describe("dockerAvailability", () => {
  it("is available when the engine answers with its version", async () => {
    const docker = new FakeDocker(() => ok("27.3.1\n"));
    expect(await dockerAvailability(docker)).toEqual({ available: true, problems: [] });
    expect(docker.calls).toEqual([["version", "--format", "{{.Server.Version}}"]]);
  });

  it("says how to fix an engine that does not answer", async () => {
    const docker = new FakeDocker(() => ({
      code: 1,
      stdout: "\n",
      stderr:
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
    }));
    expect(await dockerAvailability(docker)).toEqual({
      available: false,
      problems: [
        "Docker engine not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?): install Docker / start the daemon, or set sandbox.type: os",
      ],
    });
  });

  it("reports a docker CLI that is not installed (the real runner)", async () => {
    const result = await dockerAvailability(dockerCli("/nonexistent/docker"));
    expect(result.available).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /^Docker engine not reachable \(.*ENOENT.*\): install Docker \/ start the daemon, or set sandbox\.type: os$/,
    );
  });
});

describe("dockerCli", () => {
  it("runs the binary with the arguments as given and reports exit codes and output", async () => {
    const sh = dockerCli("/bin/sh");
    expect(await sh.run(["-c", 'echo "$0 out"; echo err >&2; exit 3', "a b"])).toEqual({
      code: 3,
      stdout: "a b out\n",
      stderr: "err\n",
    });
    const child = sh.start(["-c", 'printf "%s" "$BATON_X"'], { BATON_X: "from-env" });
    const chunks: string[] = [];
    child.stdout.on("data", (c) => chunks.push(String(c)));
    await once(child, "close");
    expect(chunks.join("")).toBe("from-env");
  });
});

describe("dockerSpawn", () => {
  it("makes sure of the container, then execs with the credentials in the docker CLI's environment", async () => {
    const docker = dockerWith(noSuch("baton-3-my-app"));
    const proc = dockerSpawn(config(), docker)(spawnOptions()) as ContainerProcess;
    await waitFor(() => proc.exec !== null);
    expect(docker.calls.map((c) => c[0])).toEqual(["inspect", "run", "exec"]);
    const exec = docker.execs[0];
    expect(exec?.args).toEqual(execArgs(config(), spawnOptions()));
    // `-e ANTHROPIC_API_KEY` reads the value from here, not from argv.
    expect(exec?.env.ANTHROPIC_API_KEY).toBe("sk-ant-secret-value");
    proc.kill("SIGKILL");
  });

  it("kills the exec process when the SDK's signal aborts", async () => {
    const docker = dockerWith(ok(`true|3|${containerSpec(config(), BINARY)}`));
    const abort = new AbortController();
    const proc = dockerSpawn(config(), docker)(spawnOptions({ signal: abort.signal })) as ContainerProcess;
    await waitFor(() => proc.exec !== null);
    const sleeper = docker.execs[0]?.child;
    expect(alive(sleeper?.pid)).toBe(true);
    const exited = once(proc, "exit");

    abort.abort();

    expect(await exited).toEqual([null, "SIGTERM"]);
    expect(proc.killed).toBe(true);
    expect(proc.signalCode).toBe("SIGTERM");
    expect(sleeper?.signalCode).toBe("SIGTERM");
    expect(alive(sleeper?.pid)).toBe(false);
  });

  it("does not start the exec when killed while the container is still being made", async () => {
    let created: (out: DockerOutput) => void = () => {};
    const docker = new FakeDocker((args) =>
      args[0] === "inspect"
        ? noSuch("baton-3-my-app")
        : new Promise<DockerOutput>((resolve) => {
            created = resolve;
          }),
    );
    const proc = dockerSpawn(config(), docker)(spawnOptions()) as ContainerProcess;
    await waitFor(() => docker.calls.length === 2);
    const exited = once(proc, "exit");
    expect(proc.kill("SIGTERM")).toBe(true);
    expect(await exited).toEqual([null, "SIGTERM"]);

    created(ok("c0ffee\n"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(docker.calls.map((c) => c[0])).toEqual(["inspect", "run"]);
    expect(docker.execs).toEqual([]);
  });

  it("carries what the SDK writes, also before the exec starts, to the exec and its output back", async () => {
    const docker = dockerWith(noSuch("baton-3-my-app"), () => spawn("cat"));
    const proc = dockerSpawn(config(), docker)(spawnOptions());
    proc.stdin.write('{"type":"control_request"}\n');
    let out = "";
    proc.stdout.on("data", (chunk) => {
      out += String(chunk);
    });
    const exited = new Promise((resolve) => proc.once("exit", (code, signal) => resolve([code, signal])));
    await waitFor(() => docker.execs.length === 1);
    proc.stdin.end('{"type":"user"}\n');
    expect(await exited).toEqual([0, null]);
    await waitFor(() => out.endsWith('{"type":"user"}\n'));
    expect(out).toBe('{"type":"control_request"}\n{"type":"user"}\n');
    expect(proc.exitCode).toBe(0);
  });

  it("fails the process with docker's words when the container cannot be made", async () => {
    const docker = new FakeDocker(() => ({
      code: 1,
      stdout: "",
      stderr: "Cannot connect to the Docker daemon\n",
    }));
    const heard: string[] = [];
    const proc = dockerSpawn(config(), docker, { onStderr: (t) => heard.push(t) })(spawnOptions());
    const [error] = (await once(proc as ContainerProcess, "error")) as [Error];
    expect(error.message).toBe("docker inspect baton-3-my-app failed: Cannot connect to the Docker daemon");
    expect(heard).toEqual(["docker inspect baton-3-my-app failed: Cannot connect to the Docker daemon\n"]);
    // The SDK's reader ends instead of waiting for output that never comes.
    const ended = once(proc.stdout, "end");
    proc.stdout.resume();
    await ended;
    expect(docker.execs).toEqual([]);
  });
});

describe("DockerSessionProcesses", () => {
  it("ends the exec and stops the container at the end of the session", async () => {
    const docker = dockerWith(ok(`true|3|${containerSpec(config(), BINARY)}`));
    const processes = new DockerSessionProcesses(config(), docker, () => {});
    const proc = processes.spawn(spawnOptions()) as ContainerProcess;
    await waitFor(() => proc.exec !== null);
    const sleeper = docker.execs[0]?.child;

    await processes.endAll();

    await waitFor(() => !alive(sleeper?.pid));
    expect(docker.calls.at(-1)).toEqual(["stop", "-t", "2", "baton-3-my-app"]);
  });

  it("stops nothing when no session process was started, and reports a failed stop without throwing", async () => {
    const idle = dockerWith(ok());
    await new DockerSessionProcesses(config(), idle, () => {}).endAll();
    expect(idle.calls).toEqual([]);

    const heard: string[] = [];
    const failing = new FakeDocker((args) =>
      args[0] === "stop"
        ? { code: 1, stdout: "", stderr: "daemon gone\n" }
        : ok(`true|3|${containerSpec(config(), BINARY)}`),
    );
    const processes = new DockerSessionProcesses(config(), failing, (t) => heard.push(t));
    processes.spawn(spawnOptions());
    await processes.endAll();
    expect(heard).toEqual(["docker stop baton-3-my-app failed: daemon gone\n"]);
  });
});

async function waitFor(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Docker played on the host, as faithfully as a test without an engine can: `run` records the
 * mounts, `exec` runs the mounted binary in the mounted directory with only the variables named
 * by `-e` (read from the CLI's environment, as docker does) and the container's own (PATH, HOME).
 */
class HostPlayedDocker implements DockerRunner {
  private mounts = new Map<string, string>();
  readonly calls: string[][] = [];

  constructor(private readonly home: string) {}

  async run(args: readonly string[]): Promise<DockerOutput> {
    this.calls.push([...args]);
    if (args[0] === "inspect") return noSuch(String(args.at(-1)));
    if (args[0] === "run") {
      args.forEach((arg, i) => {
        if (args[i - 1] !== "-v") return;
        const [host = "", inContainer = ""] = arg.split(":");
        this.mounts.set(inContainer, host);
      });
    }
    return ok();
  }

  start(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
    this.calls.push([...args]);
    const toHost = (p: string) =>
      [...this.mounts].reduce(
        (s, [inside, host]) => (s.startsWith(inside) ? host + s.slice(inside.length) : s),
        p,
      );
    const workdir = toHost(String(args[args.indexOf("-w") + 1]));
    const named = namedVariables(args);
    const binaryAt = args.indexOf(CONTAINER_CLAUDE);
    const containerEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: this.home };
    for (const name of named) containerEnv[name] = env[name];
    const child = spawn(toHost(CONTAINER_CLAUDE), args.slice(binaryAt + 1).map(toHost), {
      cwd: workdir,
      env: containerEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    cleanups.push(() => {
      child.kill("SIGKILL");
    });
    return child;
  }
}

describe("a real SDK session through the docker spawn hook", () => {
  it("runs with the reduced environment: the model's shell sees docker_env's variables and no other secret", async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "baton-docker-")));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.mkdirSync(path.join(dir, "project"));
    fs.mkdirSync(path.join(dir, "home"));
    const scripted: ScriptedModel = await startScriptedModel(
      sequence([
        toolUseReply({
          name: "Bash",
          input: {
            command: 'echo "secret=[$BATON_TEST_SECRET] url=[$ANTHROPIC_BASE_URL]"',
            description: "env",
          },
        }),
        (request) => textReply(`shell said: ${lastToolResult(request)?.text}`),
      ]),
    );
    cleanups.push(() => scripted.close());
    const docker = new HostPlayedDocker(path.join(dir, "home"));
    const sandbox = dockerSandboxConfig(
      {
        docker_image: "node:20-bookworm",
        docker_memory: "4g",
        docker_cpus: 2,
        docker_env: [...DEFAULT_DOCKER_ENV],
      },
      { id: 1, name: "app", directory: path.join(dir, "project") },
    );
    const stderr: string[] = [];
    const processes = new DockerSessionProcesses(sandbox, docker, (t) => stderr.push(t));
    const messages: SDKMessage[] = [];
    for await (const message of query({
      prompt: "Show the environment.",
      options: {
        cwd: path.join(dir, "project"),
        model: "sonnet",
        env: { ...process.env, ...scripted.env(), BATON_TEST_SECRET: "must-not-reach-the-container" },
        allowedTools: ["Bash"],
        permissionMode: "dontAsk",
        settingSources: [],
        persistSession: false,
        spawnClaudeCodeProcess: processes.spawn,
      },
    })) {
      messages.push(message);
    }
    await processes.endAll();

    const result = messages.find((m) => m.type === "result");
    expect(result?.type === "result" && result.subtype === "success" ? result.result : stderr.join("")).toBe(
      `shell said: secret=[] url=[${scripted.url}]`,
    );
    const exec = docker.calls.find((c) => c[0] === "exec") ?? [];
    expect(exec.slice(0, 4)).toEqual(["exec", "-i", "-w", WORKSPACE]);
    expect(exec.join(" ")).not.toContain("sk-test");
    expect(exec.join(" ")).not.toContain("must-not-reach-the-container");
    expect(docker.calls.map((c) => c[0])).toEqual(["inspect", "run", "exec", "stop"]);
  });
});
