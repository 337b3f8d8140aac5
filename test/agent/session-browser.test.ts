import { readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findChromium } from "../../src/agent/browser.ts";
import {
  lastToolResult,
  type ScriptedModel,
  sequence,
  startScriptedModel,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { codingSession } from "../helpers/scripted-run.ts";

const chromium = findChromium();
let app: Server;
let appUrl = "";
let model: ScriptedModel | undefined;
let db: TestDatabase | undefined;

beforeAll(async () => {
  app = createServer((_, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>Todo list</title><h1>My todos</h1><button>Add</button>");
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await model?.close();
  await db?.cleanup();
  await new Promise((resolve) => app.close(resolve));
});

it.skipIf(chromium === null)(
  "lets a session check a page in the system Chromium and counts each browser call as a verification",
  async () => {
    let seenPage = "";
    model = await startScriptedModel(
      sequence([
        toolUseReply({ name: "mcp__playwright__browser_navigate", input: { url: appUrl } }),
        toolUseReply({ name: "mcp__playwright__browser_snapshot", input: {} }),
        (request) => {
          seenPage = lastToolResult(request)?.text ?? "";
          return toolUseReply({ name: "mcp__playwright__browser_take_screenshot", input: {} });
        },
        textReply("The page shows the todo list."),
      ]),
    );
    db = await createTestDatabase("sqlite");
    const { outcome } = await codingSession(db, model, {
      browser: { executablePath: chromium ?? "" },
    });
    expect(outcome.error).toBeNull();
    expect(seenPage).toContain("My todos");
    expect(seenPage).toMatch(/button "Add"/);
    expect(outcome.session).toMatchObject({ tool_calls: 3, tool_errors: 0, browser_verifications: 3 });
    // Screenshots go with the session's logs, in Baton's data directory, not in the project.
    const shots = readdirSync(join(dirname(outcome.logs.txt), "browser", `${outcome.session.log_path}`));
    expect(shots.some((f) => f.endsWith(".png"))).toBe(true);
    const main = model.requests.find((r) => r.kind === "main");
    expect(main?.toolNames).toEqual(
      expect.arrayContaining(["mcp__playwright__browser_navigate", "mcp__playwright__browser_click"]),
    );
  },
);
