/**
 * The deployment files (deploy/Dockerfile, deploy/compose.yaml, .dockerignore) checked statically:
 * no container engine runs on these machines, so what can be proven is that the image installs
 * its system packages with the script CI runs on the host (scripts/install-system-deps.sh), that
 * every setting it passes is one Baton reads, and that its port, health check and command are
 * Baton's own.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { loadConfig } from "../../src/config/load.ts";
import { freePort } from "../helpers/ports.ts";
import { makeWorld } from "../helpers/world.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
/** A compose variable as the file spells it: `${NAME:-default}`. */
const composeVariable = (inner: string) => `\${${inner}}`;

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [op = "", ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

describe("the container image (deploy/Dockerfile)", () => {
  const steps = instructions(read("deploy/Dockerfile"));
  const runtime = steps.slice(steps.map((s) => s.op).lastIndexOf("FROM"));
  const env = Object.fromEntries(
    runtime
      .filter((s) => s.op === "ENV")
      .flatMap((s) => [...s.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])),
  );

  it("installs its system packages with the script CI runs on the host, and checks them", () => {
    const runs = runtime.filter((s) => s.op === "RUN").map((s) => s.args);
    expect(runs.join("\n")).toMatch(
      /bash \/tmp\/install-system-deps\.sh &&\s+bash \/tmp\/install-system-deps\.sh --check/,
    );
    expect(runtime.some((s) => s.op === "COPY" && s.args.startsWith("scripts/install-system-deps.sh "))).toBe(
      true,
    );
    expect(read(".ci/run")).toMatch(/^bash scripts\/install-system-deps\.sh$/m);
    // The script is valid bash, and on this machine (set up as CI sets it up) finds everything.
    execFileSync("bash", ["-n", path.join(ROOT, "scripts/install-system-deps.sh")]);
    expect(
      execFileSync("bash", [path.join(ROOT, "scripts/install-system-deps.sh"), "--check"], {
        encoding: "utf8",
      }),
    ).toMatch(/all present/);
  });

  it("builds as a fresh clone does (npm ci, which builds the web UI), and copies only what exists", () => {
    expect(steps.filter((s) => s.op === "RUN").some((s) => /^npm ci\b/.test(s.args))).toBe(true);
    for (const copy of steps.filter((s) => s.op === "COPY" && !s.args.startsWith("--from"))) {
      const source = copy.args.split(/\s+/)[0] ?? "";
      expect(existsSync(path.join(ROOT, source)), source).toBe(true);
    }
    const ignored = read(".dockerignore").split("\n");
    expect(ignored).toEqual(expect.arrayContaining([".git", "node_modules", "web/out", ".env"]));
  });

  it("passes only settings Baton reads: its home, the projects' folder, the address and port", () => {
    const w = makeWorld();
    const loaded = loadConfig({ cwd: w.cwd, env: env as Record<string, string> });
    expect(loaded.home).toBe(env.BATON_HOME);
    expect(loaded.config.project.generations_dir).toBe(env.BATON_PROJECT_GENERATIONS_DIR);
    expect(loaded.config.server.host).toBe("0.0.0.0");
    expect(String(loaded.config.server.port)).toBe(env.BATON_SERVER_PORT);
    // Listening beyond loopback needs a password: the image runs as an unprivileged user and
    // exposes, and checks the health of, the port it listens on.
    const port = env.BATON_SERVER_PORT;
    expect(runtime.find((s) => s.op === "EXPOSE")?.args).toBe(port);
    expect(runtime.find((s) => s.op === "HEALTHCHECK")?.args).toContain(
      `http://127.0.0.1:${port}/api/health`,
    );
    expect(runtime.find((s) => s.op === "USER")?.args).toBe("node");
    expect(runtime.find((s) => s.op === "CMD")?.args).toBe('["node", "bin/baton.js", "serve"]');
    expect(runtime.find((s) => s.op === "STOPSIGNAL")?.args).toBe("SIGTERM");
  });

  it("runs on this machine as the image runs it: its command and settings serve a healthy Baton", async () => {
    const w = makeWorld();
    const port = await freePort();
    const [command, ...args] = JSON.parse(runtime.find((s) => s.op === "CMD")?.args ?? "[]") as string[];
    expect(command).toBe("node");
    // The image's settings, with its folder and port moved into this test's world, as `docker
    // run -v … -e BATON_SERVER_PORT=…` would; a password, since it listens beyond loopback.
    const server = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...withoutCredentials(process.env),
        ...env,
        BATON_HOME: w.home,
        BATON_PROJECT_GENERATIONS_DIR: path.join(w.home, "generations"),
        BATON_SERVER_PORT: String(port),
        UI_PASSWORD: "container-test-password",
      },
      detached: true,
    });
    let output = "";
    server.stdout?.on("data", (chunk) => {
      output += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    try {
      await expect.poll(() => output, { timeout: 30_000, interval: 100 }).toContain("auth: ");
      expect(output).toContain("auth: password (auth.ui_password)");
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      // Beyond loopback the API asks for the password.
      expect((await fetch(`http://127.0.0.1:${port}/api/projects`)).status).toBe(401);
      server.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (server.exitCode === null && server.pid !== undefined) process.kill(-server.pid, "SIGKILL");
    }
  }, 60_000);
});

describe("the compose file (deploy/compose.yaml)", () => {
  const compose = parse(read("deploy/compose.yaml")) as {
    services: Record<string, Record<string, unknown>>;
  };

  it("starts an API server once PostgreSQL is healthy, on it, with a password, from the image's Dockerfile", () => {
    const { postgres, api } = compose.services;
    expect(postgres?.healthcheck).toBeDefined();
    expect(api?.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(api?.build).toEqual({ context: "..", dockerfile: "deploy/Dockerfile" });
    expect(existsSync(path.join(ROOT, "deploy", "..", "deploy/Dockerfile"))).toBe(true);
    expect(api?.command).toEqual(["node", "bin/baton.js", "serve", "--no-worker"]);
    const environment = api?.environment as Record<string, string>;
    expect(new URL(environment.DATABASE_URL?.replace(/\$\{[^}]+\}/g, "x") ?? "").hostname).toBe("postgres");
    expect(environment.UI_PASSWORD).toMatch(/^\$\{UI_PASSWORD:\?/);
    expect(api?.ports).toEqual(["8000:8000"]);
    expect(api?.volumes).toEqual(["baton-data:/data"]);
  });

  it("runs N workers of the same image on the same database and data volume, each a `baton worker`", () => {
    const { api, worker } = compose.services;
    expect(worker?.image).toBe(api?.image);
    expect(worker?.command).toEqual(["node", "bin/baton.js", "worker"]);
    expect(worker?.deploy).toEqual({ replicas: composeVariable("BATON_WORKERS:-2") });
    const environment = worker?.environment as Record<string, string>;
    const apiEnvironment = api?.environment as Record<string, string>;
    expect(environment.DATABASE_URL).toBe(apiEnvironment.DATABASE_URL);
    expect(environment.BATON_WORKER_MAX_SESSIONS).toBe(composeVariable("BATON_WORKER_MAX_SESSIONS:-null"));
    expect(worker?.volumes).toEqual(api?.volumes);
    // The sandbox needs user namespaces; sessions get time to end interrupted on SIGTERM.
    expect(worker?.security_opt).toEqual(["seccomp=unconfined", "apparmor=unconfined"]);
    expect(worker?.stop_grace_period).toBe("60s");
  });

  it("gives each service settings Baton reads, with compose's defaults filled in", () => {
    for (const name of ["api", "worker"]) {
      const environment = compose.services[name]?.environment as Record<string, string>;
      // `${NAME:-default}` as compose fills it when NAME is unset; `${NAME:?…}` as a user sets it.
      const filled = Object.fromEntries(
        Object.entries(environment).map(([key, value]) => [
          key,
          value.replace(/\$\{(\w+):-([^}]*)\}/g, "$2").replace(/\$\{\w+:\?[^}]*\}/g, "set"),
        ]),
      );
      const loaded = loadConfig({ cwd: makeWorld().cwd, env: filled });
      expect(loaded.config.worker.max_sessions, name).toBeNull();
      expect(loaded.config.database.url, name).toBe("postgres://baton:baton@postgres:5432/baton");
    }
  });
});
