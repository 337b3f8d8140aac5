#!/usr/bin/env node
/**
 * `npm run dev`: the API (baton start on :8000) and the UI with hot reload (next dev on :3000,
 * which proxies /api to :8000). Open http://localhost:3000. Ctrl-C stops both.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const children = [
  spawn(process.execPath, [path.join(root, "bin", "baton.js"), "start", "--port", "8000"], {
    cwd: root,
    stdio: "inherit",
    // next dev's origin, so the API accepts its WebSocket upgrades.
    env: {
      ...process.env,
      BATON_SERVER_CORS_ORIGINS: process.env.BATON_SERVER_CORS_ORIGINS ?? "http://localhost:3000",
    },
  }),
  spawn(
    process.execPath,
    [path.join(root, "node_modules", "next", "dist", "bin", "next"), "dev", "--port", "3000"],
    {
      cwd: path.join(root, "web"),
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
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
