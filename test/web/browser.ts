/**
 * What the browser tests share: the UI's build, Debian's Chromium through playwright-core, a
 * server listening on a free port, axe-core checks and screenshots (test/web/.out/, git-ignored).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import type { TestServer } from "../helpers/server.ts";

export const OUT = join(import.meta.dirname, ".out");
const CHROMIUM = "/usr/bin/chromium";
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Builds web/out when it is missing or stale (npm install's postinstall normally has), then starts Chromium. */
export async function launchBrowser(): Promise<Browser> {
  execFileSync(process.execPath, [join(import.meta.dirname, "../../web/scripts/ensure-build.mjs")], {
    stdio: "inherit",
  });
  mkdirSync(OUT, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}

/** Makes the test server listen on a free loopback port; its base URL. */
export async function listen(server: TestServer): Promise<string> {
  await server.app.listen({ port: 0, host: "127.0.0.1" });
  const address = server.app.server.address();
  if (address === null || typeof address === "string") throw new Error("not listening");
  return `http://127.0.0.1:${address.port}`;
}

/** No serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ content: AXE });
  // A string, so the browser's globals need no DOM types here.
  const violations = (await page.evaluate(`axe.run(document).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`)) as string[];
  expect(violations, `axe on ${name}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}
