import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { createStores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import { TASK_TOOLS, taskToolDefinitions } from "../../src/tasks/tools.ts";
import { makeWorld, type World } from "../helpers/world.ts";

const BIN = fileURLToPath(new URL("../../bin/baton.js", import.meta.url));

/** Runs `fn` with the stores of the world's embedded database (the file `baton mcp` will open). */
async function withHomeDatabase<T>(w: World, fn: (stores: ReturnType<typeof createStores>) => Promise<T>) {
  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(w.home, "baton.db")}`, { home: w.home, cwd: w.cwd }),
  );
  try {
    return await fn(createStores(database.db));
  } finally {
    await database.close();
  }
}

/** A world whose Baton home holds a project named `shop`; returns the env for `baton mcp`. */
async function worldWithProject(): Promise<{ w: World; env: Record<string, string> }> {
  const w = makeWorld();
  await withHomeDatabase(w, (stores) =>
    stores.projects.create({ name: "shop", directory: join(w.root, "shop") }),
  );
  return { w, env: { BATON_HOME: w.home, PATH: process.env.PATH ?? "" } };
}

function text(result: Awaited<ReturnType<Client["callTool"]>>): string {
  const [first] = result.content as { type: string; text: string }[];
  return first?.text ?? "";
}

async function connect(w: World, env: Record<string, string>): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", "--project", "shop"],
    env,
    cwd: w.cwd,
    stderr: "pipe",
  });
  const client = new Client({ name: "baton-test", version: "0" });
  await client.connect(transport);
  return client;
}

/** Spawns `baton mcp` and resolves once it says on stderr that it is serving. */
async function startServing(
  w: World,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, "mcp", "--project", "shop"], {
    cwd: w.cwd,
    env,
    stdio: "pipe",
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.includes("serving")) resolve();
    });
    child.once("exit", () => reject(new Error(`baton mcp exited early: ${stderr}`)));
  });
  return { child, stderr: () => stderr };
}

describe("baton mcp", () => {
  it("serves every task tool over stdio, and a plan can be built and worked through it", async () => {
    const { w, env } = await worldWithProject();
    const client = await connect(w, env);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: "tasks" });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(TASK_TOOLS.map((t) => t.name));
      // What clients see is exactly what the token budget measures.
      expect(
        tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
      ).toEqual(taskToolDefinitions(TASK_TOOLS));

      const call = async (name: string, args: Record<string, unknown> = {}) => {
        const result = await client.callTool({ name, arguments: args });
        return { isError: result.isError === true, text: text(result) };
      };
      const epic = JSON.parse((await call("create_epic", { name: "Catalog", description: "Products" })).text);
      const expanded = await call("expand_epic", {
        epic_id: String(epic.id),
        tasks: [
          {
            description: "Product list",
            action: "Build /products",
            tests: [{ description: "lists products" }],
          },
        ],
      });
      expect(expanded.isError).toBe(false);
      const next = JSON.parse((await call("get_next_task")).text);
      expect(next.task).toMatchObject({
        description: "Product list",
        tests: [{ description: "lists products", status: "unknown" }],
      });
      const taskId = next.task.id as number;
      const testId = next.task.tests[0].id as number;

      const refusal = await call("update_task_status", { task_id: taskId, done: true });
      expect(refusal).toEqual({
        isError: true,
        text: `update_task_status refused: task ${taskId} cannot be marked done: 1 of its 1 tests are not passing (#${testId} unknown: lists products). Verify each one and record it with update_test_result first.`,
      });
      expect(
        (await call("update_test_result", { test_id: testId, passes: true, evidence: "12 rows" })).isError,
      ).toBe(false);
      expect(JSON.parse((await call("update_task_status", { task_id: taskId, done: true })).text)).toEqual({
        id: taskId,
        status: "done",
      });
      expect(JSON.parse((await call("task_status")).text)).toMatchObject({ finished: true, next_task: null });

      const invalid = await call("create_test", { task_id: taskId, category: "usability", description: "x" });
      expect(invalid.isError).toBe(true);
      expect(invalid.text).toContain("category");
    } finally {
      await client.close();
    }
    const task = await withHomeDatabase(w, async (stores) => {
      const project = await stores.projects.find("shop");
      return (await stores.plan.listTasks(project.id))[0];
    });
    expect(task).toMatchObject({ status: "done", session_id: null });
  });

  it("exits 1 with one line on stderr for an unknown project, before serving", async () => {
    const { w, env } = await worldWithProject();
    const child = spawn(process.execPath, [BIN, "mcp", "--project", "nope"], {
      cwd: w.cwd,
      env,
      stdio: "pipe",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const [code] = await once(child, "close");
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: "",
      stderr: "baton: no project with the id or name nope\n",
    });
  });

  it("stops cleanly when the client closes stdin, and on SIGTERM", async () => {
    const { w, env } = await worldWithProject();
    const byStdin = await startServing(w, env);
    byStdin.child.stdin?.end();
    expect((await once(byStdin.child, "close"))[0]).toBe(0);
    expect(byStdin.stderr()).toContain("baton mcp: stopped\n");

    const bySignal = await startServing(w, env);
    bySignal.child.kill("SIGTERM");
    expect((await once(bySignal.child, "close"))[0]).toBe(0);
    expect(bySignal.stderr()).toMatch(
      /^baton mcp: serving the task tools of project shop .*\nbaton mcp: stopped\n$/,
    );
  });
});
