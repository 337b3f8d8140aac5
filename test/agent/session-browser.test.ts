import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BROWSER_ALLOWED_TOOLS, findChromium } from "../../src/agent/browser.ts";
import { sessionSecurity } from "../../src/agent/session-security.ts";
import { Config } from "../../src/config/schema.ts";
import {
  lastToolResult,
  type ScriptedModel,
  sequence,
  startScriptedModel,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { freePort } from "../helpers/ports.ts";
import { codingSession } from "../helpers/scripted-run.ts";
import { makeWorld } from "../helpers/world.ts";

const chromium = findChromium();
let host: Server;
let hostUrl = "";
let model: ScriptedModel | undefined;
let db: TestDatabase | undefined;

beforeAll(async () => {
  // A server of this machine that is not the session's: Baton's API stands here in production.
  host = createServer((_, res) => res.end("<title>Baton</title><h1>Not for sessions</h1>"));
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await model?.close();
  await db?.cleanup();
  await new Promise((resolve) => host.close(resolve));
});

it.skipIf(chromium === null)(
  "starts the browser only when the session opens it, lets it check its dev server's page in the system Chromium, counts each browser call, and keeps it off other local servers",
  async () => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}/`;
    let seenPage = "";
    let refusedPage = "";
    let opened = "";
    model = await startScriptedModel(
      sequence([
        toolUseReply({
          name: "mcp__devserver__start_dev_server",
          input: {
            command: `node -e "require('http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'text/html' }); r.end('<title>Todo list</title><h1>My todos</h1><button>Add</button>') }).listen(${port}, '127.0.0.1')"`,
            port,
          },
        }),
        toolUseReply({ name: "mcp__browser__open", input: {} }),
        (request) => {
          opened = lastToolResult(request)?.text ?? "";
          return toolUseReply({ name: "mcp__playwright__browser_navigate", input: { url: appUrl } });
        },
        toolUseReply({ name: "mcp__playwright__browser_snapshot", input: {} }),
        (request) => {
          seenPage = lastToolResult(request)?.text ?? "";
          return toolUseReply({ name: "mcp__playwright__browser_take_screenshot", input: {} });
        },
        toolUseReply({ name: "mcp__playwright__browser_navigate", input: { url: hostUrl } }),
        (request) => {
          refusedPage = lastToolResult(request)?.text ?? "";
          return textReply("The page shows the todo list.");
        },
      ]),
    );
    db = await createTestDatabase("sqlite");
    const w = makeWorld();
    const { outcome } = await codingSession(db, model, {
      browser: { executablePath: chromium ?? "" },
      security: await sessionSecurity(Config.parse({}), w.home),
    });
    expect(outcome.error).toBeNull();
    expect(opened).toMatch(/The browser is open/);
    expect(seenPage).toContain("My todos");
    expect(seenPage).toMatch(/button "Add"/);
    // Another server of this machine is out of the browser's reach, and the refusal is on record.
    expect(refusedPage).not.toContain("Not for sessions");
    const refusals = (await db.stores.sessions.listEvents(outcome.session.id)).filter(
      (e) => e.type === "security",
    );
    expect(refusals.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        tool: "browser",
        by: "sandbox",
        reason: expect.stringMatching(/not one of the session's dev servers/),
      }),
    ]);
    expect(outcome.session).toMatchObject({ tool_calls: 6, browser_verifications: 4 });
    // Screenshots go with the session's logs, in Baton's data directory, not in the project.
    const shots = readdirSync(join(dirname(outcome.logs.txt), "browser", `${outcome.session.log_path}`));
    expect(shots.some((f) => f.endsWith(".png"))).toBe(true);
    // Until it is opened the browser's ~25 tools are not in the requests: one small tool stands in.
    const [first, ...later] = model.requests.filter((r) => r.kind === "main");
    expect(first?.toolNames).toContain("mcp__browser__open");
    expect(first?.toolNames.filter((n) => n.startsWith("mcp__playwright__"))).toEqual([]);
    expect(later.at(-1)?.toolNames).toEqual(
      expect.arrayContaining(["mcp__playwright__browser_navigate", "mcp__playwright__browser_click"]),
    );
  },
  120_000,
);

it.skipIf(chromium === null)(
  "never offers the browser's code runner, and hands a page, or saves output, only inside the project",
  async () => {
    const outside = mkdtempSync(join(tmpdir(), "baton-outside-"));
    writeFileSync(join(outside, "id_rsa"), "PRIVATE KEY");
    const results: string[] = [];
    const next =
      (call: { name: string; input: Record<string, unknown> }) =>
      (request: Parameters<typeof lastToolResult>[0]) => {
        results.push(lastToolResult(request)?.text ?? "");
        return toolUseReply(call);
      };
    const runCode = {
      name: "mcp__playwright__browser_run_code_unsafe",
      input: {
        code: `async (page) => page.constructor.constructor('return process')().getBuiltinModule('fs').writeFileSync('${outside}/pwned', 'x')`,
      },
    };
    const probe = await startScriptedModel(
      sequence([
        toolUseReply({ name: "mcp__browser__open", input: {} }),
        toolUseReply({ name: "mcp__playwright__browser_navigate", input: { url: "about:blank" } }),
        next(runCode),
        // A link in the project to a file outside, then that link handed to the page.
        next({
          name: "Bash",
          input: { command: `node -e "require('fs').symlinkSync('${outside}/id_rsa', 'avatar.png')"` },
        }),
        next({ name: "mcp__playwright__browser_file_upload", input: { paths: ["avatar.png"] } }),
        next({
          name: "mcp__playwright__browser_take_screenshot",
          input: { filename: `${outside}/shot.png` },
        }),
        (request) => {
          results.push(lastToolResult(request)?.text ?? "");
          return textReply("done");
        },
      ]),
    );
    const pdb = await createTestDatabase("sqlite");
    try {
      const w = makeWorld();
      const { outcome } = await codingSession(pdb, probe, {
        browser: { executablePath: chromium ?? "" },
        security: await sessionSecurity(Config.parse({}), w.home),
      });
      expect(outcome.error).toBeNull();
      // The code runner (JavaScript in the browser server, on the host) is not there to call.
      const offered = probe.requests.filter((r) => r.kind === "main").at(-1)?.toolNames ?? [];
      const browserTools = offered.filter((n) => n.startsWith("mcp__playwright__"));
      expect(browserTools).not.toContain(runCode.name);
      // Every browser tool offered was reviewed: a new one in a newer Playwright fails here.
      expect(browserTools.filter((n) => !BROWSER_ALLOWED_TOOLS.includes(n))).toEqual([]);
      expect(results[1]).toMatch(/No such tool available/);
      expect(existsSync(join(outside, "pwned"))).toBe(false);
      // The file rules refuse the upload through the link and the screenshot outside.
      expect(results[3]).toMatch(/outside the project: avatar\.png \(resolves to .*id_rsa\)/);
      expect(readdirSync(outside)).toEqual(["id_rsa"]);
      const refusals = (await pdb.stores.sessions.listEvents(outcome.session.id))
        .filter((e) => e.type === "security")
        .map((e) => e.payload);
      expect(refusals).toEqual([
        expect.objectContaining({ tool: "mcp__playwright__browser_file_upload", by: "file_access" }),
        expect.objectContaining({
          tool: "mcp__playwright__browser_take_screenshot",
          by: "file_access",
          reason: expect.stringMatching(/shot\.png resolves outside/),
        }),
      ]);
    } finally {
      await probe.close();
      await pdb.cleanup();
      rmSync(outside, { recursive: true, force: true });
    }
  },
  120_000,
);
