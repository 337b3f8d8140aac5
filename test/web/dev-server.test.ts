/**
 * `npm run dev` (web/scripts/dev.mjs) as a user runs it: the API and `next dev` side by side; the
 * UI's port serves the pages (compiled on demand) and proxies /api, WebSocket upgrades included,
 * to the API; SIGTERM stops both.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import WebSocket from "ws";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { freePort } from "../helpers/ports.ts";
import { makeWorld } from "../helpers/world.ts";

const ROOT = join(import.meta.dirname, "..", "..");
let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.pid) process.kill(-child.pid, "SIGKILL");
  child = undefined;
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it("`npm run dev` serves the UI with hot reload and proxies the API and its WebSocket", async () => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: { dev: string };
  };
  expect(scripts.dev).toBe("node web/scripts/dev.mjs");
  const w = makeWorld();
  const [apiPort, uiPort] = [await freePort(), await freePort()];
  const output = { text: "" };
  child = spawn(process.execPath, ["web/scripts/dev.mjs"], {
    cwd: ROOT,
    detached: true,
    env: {
      ...withoutCredentials(process.env),
      BATON_HOME: w.home,
      BATON_DEV_API_PORT: String(apiPort),
      BATON_DEV_UI_PORT: String(uiPort),
    },
  });
  const dev = child;
  for (const stream of [dev.stdout, dev.stderr]) stream?.on("data", (c) => (output.text += String(c)));
  const exited = new Promise<number | null>((resolve) => dev.once("exit", (code) => resolve(code)));
  const ui = `http://localhost:${uiPort}`;

  // The page comes from next dev (its HMR client is in it), not from the static build.
  const html = await until("the projects page", async () => {
    const res = await fetch(`${ui}/`);
    return res.status === 200 ? res.text() : undefined;
  });
  expect(html).toContain("<html");
  expect(html).toMatch(/hmr-client/);
  expect(output.text).toContain("Next.js");

  const health = await fetch(`${ui}/api/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", database: { dialect: "sqlite" } });

  const snapshot = await new Promise<{ type: string; payload: { scope: string } }>((resolve, reject) => {
    const ws = new WebSocket(`ws://localhost:${uiPort}/api/ws`, { headers: { origin: ui } });
    ws.once("message", (data) => {
      resolve(JSON.parse(String(data)));
      ws.close();
    });
    ws.once("error", reject);
  });
  expect(snapshot).toMatchObject({ type: "snapshot", payload: { scope: "global" } });

  dev.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(output.text).toContain("SIGTERM: stopping");
}, 150_000);
