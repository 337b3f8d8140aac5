#!/usr/bin/env node
/**
 * `npm run dev`: the API (baton start on :8000, or BATON_DEV_API_PORT) and the UI with hot
 * reload (next dev on :3000, or BATON_DEV_UI_PORT), which proxies /api — WebSocket included —
 * to the API. Open http://localhost:3000. Ctrl-C stops both.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const apiPort = process.env.BATON_DEV_API_PORT ?? "8000";
const uiPort = process.env.BATON_DEV_UI_PORT ?? "3000";
const children = [
  spawn(process.execPath, [path.join(root, "bin", "baton.js"), "start", "--port", apiPort], {
    cwd: root,
    stdio: "inherit",
    // next dev's origin, so the API accepts its WebSocket upgrades.
    env: {
      ...process.env,
      BATON_SERVER_CORS_ORIGINS: process.env.BATON_SERVER_CORS_ORIGINS ?? `http://localhost:${uiPort}`,
    },
  }),
  spawn(
    process.execPath,
    [path.join(root, "node_modules", "next", "dist", "bin", "next"), "dev", "--port", uiPort],
    {
      cwd: path.join(root, "web"),
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", BATON_API_URL: `http://127.0.0.1:${apiPort}` },
    },
  ),
];
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children)
  child.on("exit", (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
