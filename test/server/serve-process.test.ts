import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { openDatabase } from "../../src/db/database.ts";
import { createStores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import { startScriptedModel, textReply } from "../../src/scripted-model/index.ts";
import { makeWorld } from "../helpers/world.ts";

const ROOT = join(import.meta.dirname, "..", "..");
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it("`npm start` runs the server on one port with the embedded database, and stops cleanly on SIGTERM", async () => {
  const w = makeWorld();
  const port = await freePort();
  // What `npm start` runs (npm itself would die of the signal instead of passing on the exit code).
  const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  expect(scripts.start).toBe("node bin/baton.js start");
  child = spawn(process.execPath, ["bin/baton.js", "start", "--port", String(port)], {
    cwd: ROOT,
    env: { ...withoutCredentials(process.env), BATON_HOME: w.home },
  });
  let out = "";
  child.stdout?.on("data", (chunk) => {
    out += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!out.includes("auth: none") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(out).toContain(`Baton http://127.0.0.1:${port}`);
  expect(out).toContain("auth: none (development mode: listening on this machine only)");

  const health = await fetch(`http://127.0.0.1:${port}/api/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", database: { dialect: "sqlite", ok: true } });

  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(out).toContain("SIGTERM: stopping");
  expect(out).toMatch(/stopped\n$/);
}, 60_000);

it("finishes a running session as interrupted when the server is stopped", async () => {
  const w = makeWorld();
  const port = await freePort();
  // The model never answers in time: the session is still running when the server stops.
  const model = await startScriptedModel(async () => {
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    return textReply("too late");
  });
  try {
    child = spawn(process.execPath, ["bin/baton.js", "serve", "--port", String(port)], {
      cwd: ROOT,
      env: {
        ...withoutCredentials(process.env),
        ...model.env(),
        BATON_HOME: w.home,
        BATON_SANDBOX_TYPE: "none",
      },
    });
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!out.includes("auth: none") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const base = `http://127.0.0.1:${port}`;
    const form = new FormData();
    form.append("name", "slow");
    form.append("spec", new Blob(["# Slow\n- one\n"]), "slow.md");
    const created = (await (await fetch(`${base}/api/projects`, { method: "POST", body: form })).json()) as {
      id: number;
    };
    const init = await fetch(`${base}/api/projects/${created.id}/initialize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(init.status).toBe(202);
    const { session_id } = (await init.json()) as { session_id: number };

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain("running sessions are being finished");
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
