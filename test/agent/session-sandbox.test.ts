import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { findChromium } from "../../src/agent/browser.ts";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { sessionSecurity } from "../../src/agent/session-security.ts";
import { Config } from "../../src/config/schema.ts";
import {
  allToolResults,
  lastToolResult,
  sequence,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";
import { osSandboxAvailability } from "../../src/security/sandbox.ts";
import { freePort } from "../helpers/ports.ts";
import { codingSession, useScriptedRun } from "../helpers/scripted-run.ts";
import { makeWorld } from "../helpers/world.ts";

const setUp = useScriptedRun();
const sandbox = osSandboxAvailability();
const chromium = findChromium();

const bash = (command: string) => toolUseReply({ name: "Bash", input: { command } });
const node = (script: string) => `node -e "${script}"`;

it("runs shell commands in the OS sandbox: damage fails and is recorded, development work goes on", async () => {
  // Not skipped where they are missing: .ci/run installs bubblewrap, socat and chromium.
  expect(sandbox.problems).toEqual([]);
  expect(chromium, "Chromium is needed: apt-get install chromium").not.toBeNull();
  // A stand-in home directory: the session's HOME, with a key the sandbox must keep secret.
  const w = makeWorld();
  const home = join(w.root, "user-home");
  mkdirSync(join(home, ".ssh"), { recursive: true });
  writeFileSync(join(home, ".ssh", "id_ed25519"), "PRIVATE KEY");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  let page = "";
  const { model, t } = await setUp(
    sequence([
      // What must fail: the policy cannot see into `node -e`, the sandbox stops it.
      bash(node("require('fs').writeFileSync('/etc/baton-sandbox-probe', 'x')")),
      bash(
        node("console.log(require('fs').readFileSync(require('os').homedir() + '/.ssh/id_ed25519', 'utf8'))"),
      ),
      bash("curl -sS -m 5 http://example.com/"),
      bash("rm -rf ~"),
      bash(node("require('fs').rmSync(require('os').homedir(), { recursive: true, force: true })")),
      // What must work.
      bash("npm init -y > /dev/null && node -p \"require('./package.json').name\""),
      bash(
        "echo \"require('fs').writeFileSync('made-by-node.txt', 'hello')\" > make.js && node make.js && cat made-by-node.txt",
      ),
      bash(
        "git add -A && git -c user.name=Baton -c user.email=baton@example.com commit -qm 'sandboxed commit' && git log --format=%s -1",
      ),
      toolUseReply({
        name: "mcp__devserver__start_dev_server",
        input: {
          command: `node -e "require('http').createServer((q, r) => r.end('<title>dev</title><h1>Served from the sandbox</h1>')).listen(${port}, '127.0.0.1')"`,
          port,
        },
      }),
      bash(`curl -sS -m 5 ${url}`),
      toolUseReply({ name: "mcp__browser__open", input: {} }),
      toolUseReply({ name: "mcp__playwright__browser_navigate", input: { url } }),
      toolUseReply({ name: "mcp__playwright__browser_snapshot", input: {} }),
      (request) => {
        page = lastToolResult(request)?.text ?? "";
        return textReply(
          allToolResults(request, "Bash")
            .map((r) => r.text)
            .join("\n---\n"),
        );
      },
    ]),
  );
  const security = await sessionSecurity(Config.parse({}), w.home, home);
  const { project, outcome } = await codingSession(t, model, {
    security,
    env: { ...withoutCredentials(process.env), ...model.env(), HOME: home },
    browser: { executablePath: chromium ?? "" },
  });
  expect(outcome.error).toBeNull();
  const events = await t.stores.sessions.listEvents(outcome.session.id);
  const results = events
    .filter((e) => e.type === "tool_result" && (e.payload as { name: string }).name === "Bash")
    .map((e) => (e.payload as { content: string }).content);
  const refusals = events
    .filter((e) => e.type === "security")
    .map((e) => e.payload as { command: string; reason: string; by: string });

  // The damage did not happen…
  expect(existsSync("/etc/baton-sandbox-probe")).toBe(false);
  expect(results[1]).not.toContain("PRIVATE KEY");
  expect(readFileSync(join(home, ".ssh", "id_ed25519"), "utf8")).toBe("PRIVATE KEY");
  // …and each attempt is on record, with the layer that stopped it.
  expect(refusals.map((r) => r.by)).toEqual(["sandbox", "sandbox", "sandbox", "command_policy", "sandbox"]);
  expect(refusals[0]?.reason).toMatch(/read-only file system/i);
  expect(refusals[1]?.reason).toContain(join(home, ".ssh"));
  expect(refusals[2]?.reason).toContain("example.com");
  expect(refusals[3]?.command).toBe("rm -rf ~");
  expect(outcome.session.denied_commands).toBe(5);
  expect(readFileSync(outcome.logs.txt, "utf8")).toMatch(/DENIED/);

  // Development work went on inside the project.
  expect(results[5]).toContain("p");
  expect(JSON.parse(readFileSync(join(project.directory, "package.json"), "utf8"))).toHaveProperty("name");
  expect(readFileSync(join(project.directory, "made-by-node.txt"), "utf8")).toBe("hello");
  expect(results[7]).toContain("sandboxed commit");
  // A dev server started through Baton keeps running, and the browser reaches it; the session's
  // shell commands do not (their network is the sandbox's).
  const started = events.find(
    (e) => e.type === "tool_result" && (e.payload as { name: string }).name.endsWith("start_dev_server"),
  );
  expect(started?.payload).toMatchObject({ is_error: false });
  expect(results[8]).toMatch(/Failed to connect/);
  expect(page).toContain("Served from the sandbox");
  // It ended with the session.
  await expect(fetch(url)).rejects.toThrow();
}, 120_000);
