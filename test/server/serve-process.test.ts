import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { openDatabase } from "../../src/db/database.ts";
import { createStores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import { startScriptedModel, textReply } from "../../src/scripted-model/index.ts";
import { freePort } from "../helpers/ports.ts";
import { makeWorld } from "../helpers/world.ts";

const ROOT = join(import.meta.dirname, "..", "..");
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** `node bin/baton.js <command> --port PORT` as its own process, once it says it listens. */
async function startServer(command: string, env: Record<string, string | undefined>) {
  const port = await freePort();
  const server = spawn(process.execPath, ["bin/baton.js", command, "--port", String(port)], {
    cwd: ROOT,
    env,
  });
  child = server;
  const output = { text: "" };
  server.stdout?.on("data", (chunk) => {
    output.text += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!output.text.includes("auth: ") && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  return { server, port, base: `http://127.0.0.1:${port}`, output, exited };
}

it("`npm start` runs the server on one port with the embedded database, and stops cleanly on SIGTERM", async () => {
  const w = makeWorld();
  // What `npm start` runs (npm itself would die of the signal instead of passing on the exit code).
  const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  expect(scripts.start).toBe("node bin/baton.js start");
  const { server, port, base, output, exited } = await startServer("start", {
    ...withoutCredentials(process.env),
    BATON_HOME: w.home,
  });
  expect(output.text).toContain(`Baton http://127.0.0.1:${port}`);
  expect(output.text).toContain("auth: none (development mode: listening on this machine only)");

  const health = await fetch(`${base}/api/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", database: { dialect: "sqlite", ok: true } });

  server.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(output.text).toContain("SIGTERM: stopping");
  expect(output.text).toMatch(/stopped\n$/);
  // Its own log, in the data directory: JSON lines with the process id.
  const log = readFileSync(join(w.home, "logs", "serve.log"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(log[0]).toMatchObject({
    level: 30,
    pid: server.pid,
    msg: `Server listening at http://127.0.0.1:${port}`,
  });
}, 60_000);

it("finishes a running session as interrupted when the server is stopped", async () => {
  const w = makeWorld();
  // The model never answers in time: the session is still running when the server stops.
  const model = await startScriptedModel(async () => {
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    return textReply("too late");
  });
  try {
    const { server, base, output, exited } = await startServer("serve", {
      ...withoutCredentials(process.env),
      ...model.env(),
      BATON_HOME: w.home,
      BATON_PROJECT_GENERATIONS_DIR: join(w.root, "generations"),
      BATON_SANDBOX_TYPE: "none",
    });
    const form = new FormData();
    form.append("name", "slow");
    form.append("spec", new Blob(["# Slow\n- one\n"]), "slow.md");
    const response = await fetch(`${base}/api/projects`, { method: "POST", body: form });
    expect(response.status, await response.clone().text()).toBe(201);
    const created = (await response.json()) as {
      id: number;
    };
    const init = await fetch(`${base}/api/projects/${created.id}/initialize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(init.status).toBe(202);
    const { session_id } = (await init.json()) as { session_id: number };

    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output.text).toContain("running sessions are being finished");
    const database = await openDatabase(resolveDatabaseTarget(null, { home: w.home, cwd: w.cwd }));
    try {
      const session = await createStores(database.db).sessions.get(session_id);
      expect(session).toMatchObject({
        status: "interrupted",
        interruption_reason: "the server stopped (SIGTERM)",
      });
    } finally {
      await database.close();
    }
  } finally {
    await model.close();
  }
}, 60_000);
