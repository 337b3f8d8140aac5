import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/databases.ts";
import { testServer } from "../helpers/server.ts";
import { logFile, type Seeded, seedProject, seedSession } from "./session-fixture.ts";

const EVENTS: Seeded[] = [
  ["prompt", { text: "Session 1 — build the next task." }],
  ["assistant_text", { text: "Let me see what is next." }],
  ["tool_use", { tool_use_id: "t1", name: "Bash", input: { command: "npm test" } }],
  [
    "tool_result",
    {
      tool_use_id: "t1",
      name: "Bash",
      is_error: true,
      content: "1 test failed\nexpected 2",
      duration_ms: 40,
    },
  ],
  ["security", { tool: "Bash", command: "rm -rf /", allowed: false, reason: "rm -rf / is refused" }],
  [
    "tool_result",
    { tool_use_id: "t2", name: "Read", is_error: false, content: "file contents", duration_ms: 3 },
  ],
  ["error", { kind: "session", message: "the model service failed" }],
];

describeEachDatabase("log routes", (db) => {
  async function seeded() {
    const t = db();
    const server = await testServer(t);
    const project = await seedProject(t.stores, server.world.root, "shop");
    const session = await seedSession(t.stores, server.world.home, project, {
      events: EVENTS,
      usage: { cost_usd: 0.25, tool_calls: 2 },
      end: { status: "error", error: "the model service failed" },
    });
    const url = `/api/projects/${project.id}/sessions/${session.id}/logs`;
    return { t, server, project, session, url };
  }

  it("shows the human view: each event rendered as in the text log, and the summary once it ended", async () => {
    const { server, project, session, url } = await seeded();
    const r = await server.app.inject({ method: "GET", url });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({
      view: "human",
      session_id: session.id,
      session_status: "error",
      next_after: 8,
      has_more: false,
    });
    expect(body.lines.map((l: { seq: number; type: string }) => [l.seq, l.type])).toEqual([
      [1, "prompt"],
      [2, "assistant_text"],
      [3, "tool_use"],
      [4, "tool_result"],
      [5, "security"],
      [6, "tool_result"],
      [7, "error"],
      [8, "session_end"],
    ]);
    // The same text as the file, but for the file's header.
    const file = readFileSync(logFile(server.world.home, project, session, "txt"), "utf8");
    expect(file.endsWith(body.text)).toBe(true);
    expect(body.text).toMatch(/CLAUDE {2}Let me see what is next\./);
    expect(body.text).toMatch(/ERROR {3}Bash failed \(40ms\):\n\s+1 test failed\n\s+expected 2/);
    expect(body.text).toMatch(/Summary\n\s+Status\s+error \(the model service failed\)/);

    const page = await server.app.inject({ method: "GET", url: `${url}?after=2&limit=3` });
    expect(page.json()).toMatchObject({ next_after: 5, has_more: true });
    expect(page.json().lines.map((l: { seq: number }) => l.seq)).toEqual([3, 4, 5]);
    expect(page.json().text).not.toContain("Summary");
  });

  it("pages through the stored events with after and limit", async () => {
    const { server, url } = await seeded();
    const first = await server.app.inject({ method: "GET", url: `${url}?view=events&limit=5` });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ view: "events", next_after: 5, has_more: true });
    expect(first.json().events).toHaveLength(5);
    expect(first.json().events[2]).toMatchObject({
      seq: 3,
      type: "tool_use",
      payload: { tool_use_id: "t1", name: "Bash", input: { command: "npm test" } },
    });
    const rest = await server.app.inject({ method: "GET", url: `${url}?view=events&after=5&limit=5` });
    expect(rest.json()).toMatchObject({ next_after: 8, has_more: false });
    expect(rest.json().events.map((e: { type: string }) => e.type)).toEqual([
      "tool_result",
      "error",
      "session_end",
    ]);
    const none = await server.app.inject({ method: "GET", url: `${url}?view=events&after=8` });
    expect(none.json()).toMatchObject({ events: [], next_after: 8, has_more: false });
  });

  it("lists only what went wrong: errors, refused commands and failed tool calls", async () => {
    const { server, url } = await seeded();
    const r = await server.app.inject({ method: "GET", url: `${url}?view=errors` });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ view: "errors", has_more: false, next_after: 8 });
    expect(r.json().errors.map((e: object) => ({ ...e, ts: undefined, text: undefined }))).toEqual([
      { seq: 4, type: "tool_result", kind: "Bash", message: "1 test failed\nexpected 2" },
      { seq: 5, type: "security", kind: "command_policy", message: "Bash rm -rf /: rm -rf / is refused" },
      { seq: 7, type: "error", kind: "session", message: "the model service failed" },
    ]);
    expect(r.json().errors[1].text).toMatch(/DENIED {2}Bash rm -rf \/\n\s+rm -rf \/ is refused/);
    const page = await server.app.inject({ method: "GET", url: `${url}?view=errors&limit=2` });
    expect(page.json()).toMatchObject({ next_after: 5, has_more: true });
    const next = await server.app.inject({ method: "GET", url: `${url}?view=errors&after=5` });
    expect(next.json().errors.map((e: { seq: number }) => e.seq)).toEqual([7]);
  });

  it("downloads the text log and the JSONL log as attachments", async () => {
    const { server, project, session, url } = await seeded();
    const txt = await server.app.inject({ method: "GET", url: `${url}/download` });
    expect(txt.statusCode).toBe(200);
    const stem = session.log_path?.replace(/^logs\//, "");
    expect(stem).toMatch(/^session_000_\d{8}T\d{6}Z$/);
    expect(txt.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(txt.headers["content-disposition"]).toBe(`attachment; filename="${stem}.txt"`);
    expect(txt.body).toBe(readFileSync(logFile(server.world.home, project, session, "txt"), "utf8"));
    expect(Number(txt.headers["content-length"])).toBe(Buffer.byteLength(txt.body));

    const jsonl = await server.app.inject({ method: "GET", url: `${url}/download?format=jsonl` });
    expect(jsonl.statusCode).toBe(200);
    expect(jsonl.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    expect(jsonl.headers["content-disposition"]).toBe(`attachment; filename="${stem}.jsonl"`);
    const lines = jsonl.body.trimEnd().split("\n");
    expect(lines.map((l) => JSON.parse(l).type)).toEqual([
      "prompt",
      "assistant_text",
      "tool_use",
      "tool_result",
      "security",
      "tool_result",
      "error",
      "session_end",
    ]);
  });

  it("refuses a log path that is not a stem in the log folder, or that goes through a link", async () => {
    const { t, server, project, session, url } = await seeded();
    const secret = join(server.world.root, "secret");
    writeFileSync(`${secret}.txt`, "top secret\n");
    const setLogPath = (p: string) => t.stores.sessions.setLogPath(session.id, p);
    const expectRefused = async (status: number, code: string) => {
      for (const suffix of ["/download", "/download?format=jsonl"]) {
        const r = await server.app.inject({ method: "GET", url: `${url}${suffix}` });
        expect([suffix, r.statusCode, r.json().code]).toEqual([suffix, status, code]);
        expect(r.body).not.toContain("top secret");
      }
    };

    await setLogPath("logs/../../../secret");
    await expectRefused(400, "BATON_LOG_PATH_INVALID");
    await setLogPath(secret);
    await expectRefused(400, "BATON_LOG_PATH_INVALID");
    await setLogPath("spec/../logs/../secret");
    await expectRefused(400, "BATON_LOG_PATH_INVALID");

    // A link in Baton's log folder, or in the project's own logs/ (an older Baton's), to a file outside.
    const logDir = join(server.world.home, "logs", String(project.id));
    symlinkSync(`${secret}.txt`, join(logDir, "evil.txt"));
    symlinkSync(`${secret}.txt`, join(logDir, "evil.jsonl"));
    await setLogPath("evil");
    await expectRefused(400, "BATON_LOG_PATH_INVALID");
    const logs = join(project.directory, "logs");
    mkdirSync(logs);
    symlinkSync(`${secret}.txt`, join(logs, "evil.txt"));
    symlinkSync(`${secret}.txt`, join(logs, "evil.jsonl"));
    await setLogPath("logs/evil");
    await expectRefused(400, "BATON_LOG_PATH_INVALID");
    // A logs/ folder that is itself a link out of the project.
    const elsewhere = join(server.world.root, "elsewhere");
    mkdirSync(join(elsewhere, "logs"), { recursive: true });
    writeFileSync(join(elsewhere, "logs", "x.txt"), "top secret\n");
    mkdirSync(join(project.directory, "sub"));
    symlinkSync(join(elsewhere, "logs"), join(project.directory, "sub", "logs"));
    await setLogPath("sub/logs/x");
    await expectRefused(400, "BATON_LOG_PATH_INVALID");

    // Inside a log folder, but not a regular file.
    mkdirSync(join(logs, "folder.txt"));
    mkdirSync(join(logs, "folder.jsonl"));
    await setLogPath("logs/folder");
    await expectRefused(404, "BATON_LOG_NOT_FOUND");
    mkdirSync(join(logDir, "folder.txt"));
    mkdirSync(join(logDir, "folder.jsonl"));
    await setLogPath("folder");
    await expectRefused(404, "BATON_LOG_NOT_FOUND");
    const detail = await server.app.inject({
      method: "GET",
      url: `/api/projects/${project.id}/sessions/${session.id}`,
    });
    expect(detail.json().log_files).toEqual({ txt: false, jsonl: false });
  });

  it("answers 404 BATON_LOG_NOT_FOUND for a missing file or a session without a log yet", async () => {
    const { t, server, project, url } = await seeded();
    await t.stores.sessions.setLogPath((await t.stores.sessions.list(project.id))[0]?.id ?? 0, "logs/gone");
    const gone = await server.app.inject({ method: "GET", url: `${url}/download` });
    expect([gone.statusCode, gone.json().code]).toEqual([404, "BATON_LOG_NOT_FOUND"]);
    expect(gone.json().message).toMatch(/^the log of session 0 is missing/);

    const pending = await t.stores.sessions.create(project.id, { type: "coding", model: "sonnet" });
    const r = await server.app.inject({
      method: "GET",
      url: `/api/projects/${project.id}/sessions/${pending.id}/logs/download`,
    });
    expect([r.statusCode, r.json().code]).toEqual([404, "BATON_LOG_NOT_FOUND"]);
    expect(r.json().message).toBe("session 1 has no log yet (it is pending); its log starts when it does");
    // Its views are simply empty.
    const view = await server.app.inject({
      method: "GET",
      url: `/api/projects/${project.id}/sessions/${pending.id}/logs`,
    });
    expect(view.json()).toMatchObject({ view: "human", lines: [], text: "", next_after: 0, has_more: false });
  });

  it("answers 400 for a bad view, format, after or limit, and 404 for another project's session", async () => {
    const { t, server, session, url } = await seeded();
    const other = await seedProject(t.stores, server.world.root, "other");
    const cases: [string, number, string][] = [
      [`${url}?view=pretty`, 400, "BATON_VALIDATION"],
      [`${url}?after=-1`, 400, "BATON_VALIDATION"],
      [`${url}?after=x`, 400, "BATON_VALIDATION"],
      [`${url}?after=99999999999`, 400, "BATON_VALIDATION"],
      [`${url}?limit=0`, 400, "BATON_VALIDATION"],
      [`${url}?limit=1001`, 400, "BATON_VALIDATION"],
      [`${url}/download?format=pdf`, 400, "BATON_VALIDATION"],
      [`${url}/download?format=../../etc/passwd`, 400, "BATON_VALIDATION"],
      [`/api/projects/${other.id}/sessions/${session.id}/logs`, 404, "BATON_SESSION_NOT_FOUND"],
      [`/api/projects/${other.id}/sessions/${session.id}/logs/download`, 404, "BATON_SESSION_NOT_FOUND"],
      [`/api/projects/777/sessions/${session.id}/logs`, 404, "BATON_PROJECT_NOT_FOUND"],
      [`/api/projects/777/sessions/${session.id}/logs/download`, 404, "BATON_PROJECT_NOT_FOUND"],
    ];
    for (const [u, status, code] of cases) {
      const r = await server.app.inject({ method: "GET", url: u });
      expect([u, r.statusCode, r.json().code]).toEqual([u, status, code]);
    }
  });
});
