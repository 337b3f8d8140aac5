import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { BatonEvent } from "../../src/events/catalog.ts";
import type { ApiApp } from "../../src/server/app.ts";
import { toEnvelope } from "../../src/server/ws/map-event.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { type TestServer, testServer } from "../helpers/server.ts";
import { makeWorld } from "../helpers/world.ts";
import { codingSession, git, initializedProject } from "../orchestrator/reset-fixtures.ts";
import { taskInput } from "../stores/fixtures.ts";

/** A multipart form: text fields, then files (name → content). */
function form(fields: Record<string, string>, files: Record<string, string> = {}): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const [name, content] of Object.entries(files)) body.append("spec", new File([content], name));
  return body;
}

function createProject(app: ApiApp, body: FormData | string, headers: Record<string, string> = {}) {
  return app.inject({ method: "POST", url: "/api/projects", payload: body, headers });
}

const uploadFolders = () => readdirSync(tmpdir()).filter((n) => n.startsWith("baton-upload-"));

/** Nothing of a refused creation is left: no row, no project directory, no upload folder. */
async function expectNothingLeft(s: TestServer, name: string, foldersBefore: string[]): Promise<void> {
  expect((await s.deps.stores.projects.list()).map((p) => p.name)).not.toContain(name);
  expect(existsSync(join(s.world.root, "generations", name))).toBe(false);
  expect(uploadFolders()).toEqual(foldersBefore);
}

async function created(s: TestServer, name = "app", files: Record<string, string> = { "app.md": "# App\n" }) {
  const res = await createProject(s.app, form({ name }, files));
  expect(res.statusCode).toBe(201);
  return res.json() as { id: number; directory: string; name: string };
}

const restorePath = process.env.PATH;
afterEach(() => {
  process.env.PATH = restorePath;
});

describeEachDatabase("API projects", (db) => {
  it("creates a project from one uploaded spec file and lists it with its progress", async () => {
    const s = await testServer(db());
    const before = uploadFolders();
    const res = await createProject(
      s.app,
      form({ name: "todo-app" }, { "spec.md": "# Todo\nA todo app.\n" }),
    );
    expect(res.statusCode).toBe(201);
    const dir = join(s.world.root, "generations", "todo-app");
    expect(res.json()).toMatchObject({
      name: "todo-app",
      directory: dir,
      status: "created",
      spec_path: join(dir, "spec"),
      settings: { initializer_model: null, coding_model: null, sandbox: null, max_sessions: null },
      budget_usd: null,
      total_cost_usd: 0,
      stop_after_current: false,
      paused_until: null,
      progress: {
        epics: { done: 0, total: 0 },
        tasks: { done: 0, total: 0, percent: 0 },
        tests: { passing: 0, total: 0, percent: 0 },
        finished: false,
      },
      next_task: null,
      running_session: null,
    });
    expect(res.json().spec_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, "spec", "spec.md"), "utf8")).toBe("# Todo\nA todo app.\n");
    expect(existsSync(join(dir, ".git"))).toBe(true);
    expect(uploadFolders()).toEqual(before);

    const list = await s.app.inject({ url: "/api/projects" });
    expect(list.statusCode).toBe(200);
    expect(list.json().projects).toEqual([res.json()]);
  });

  it("creates a project from several spec files, with its models, sandbox and budget", async () => {
    const s = await testServer(db());
    const res = await createProject(
      s.app,
      form(
        {
          name: "shop",
          initializer_model: "opus",
          coding_model: "haiku",
          sandbox: "none",
          budget_usd: "12.5",
        },
        { "1-overview.md": "# Shop\n", "2-api.txt": "GET /items\n" },
      ),
    );
    expect(res.statusCode).toBe(201);
    const project = res.json();
    expect(project).toMatchObject({
      name: "shop",
      settings: { initializer_model: "opus", coding_model: "haiku", sandbox: "none" },
      budget_usd: 12.5,
    });
    expect(readdirSync(join(project.directory, "spec")).sort()).toEqual(["1-overview.md", "2-api.txt"]);
    const stored = await s.deps.stores.projects.get(project.id);
    expect(stored.settings).toEqual({ initializer_model: "opus", coding_model: "haiku", sandbox: "none" });
  });

  it("takes the config's budget when the form gives none, and ignores empty optional fields", async () => {
    const s = await testServer(db(), { config: { project: { budget_usd: 3 } } });
    const res = await createProject(
      s.app,
      form({ name: "app", coding_model: "", sandbox: "" }, { "a.md": "# A" }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ budget_usd: 3, settings: { coding_model: null, sandbox: null } });
  });

  it("refuses a spec that is not .md or .txt with 415, and leaves nothing behind", async () => {
    const s = await testServer(db());
    const before = uploadFolders();
    const res = await createProject(s.app, form({ name: "app" }, { "a.md": "# A", "spec.pdf": "%PDF-1.4" }));
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: "BATON_UNSUPPORTED_MEDIA_TYPE" });
    expect(res.json().message).toMatch(/spec\.pdf is not a \.md or \.txt file/);
    await expectNothingLeft(s, "app", before);
  });

  it("refuses a spec file over server.max_upload_kb with 413, and leaves nothing behind", async () => {
    const s = await testServer(db(), { config: { server: { max_upload_kb: 1 } } });
    const before = uploadFolders();
    const res = await createProject(s.app, form({ name: "app" }, { "big.md": "x".repeat(1500) }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({
      code: "BATON_PAYLOAD_TOO_LARGE",
      data: { file: "big.md", limit_kb: 1 },
    });
    await expectNothingLeft(s, "app", before);
    // The same limit takes a file just under it.
    expect(
      (await createProject(s.app, form({ name: "app" }, { "ok.md": "x".repeat(1000) }))).statusCode,
    ).toBe(201);
  });

  it("refuses a form without a spec file, or with bad fields, with 400 BATON_VALIDATION", async () => {
    const s = await testServer(db());
    const before = uploadFolders();
    const cases: [Record<string, string>, Record<string, string>, RegExp][] = [
      [{ name: "app" }, {}, /no spec file/],
      [{}, { "a.md": "# A" }, /body\.name/],
      [{ name: "My App" }, { "a.md": "# A" }, /a-z, 0-9, _ and -/],
      [{ name: "app", sandbox: "vm" }, { "a.md": "# A" }, /body\.sandbox/],
      [{ name: "app", budget_usd: "-1" }, { "a.md": "# A" }, /positive number/],
      [{ name: "app", budget_usd: "lots" }, { "a.md": "# A" }, /body\.budget_usd/],
      [{ name: "app", colour: "blue" }, { "a.md": "# A" }, /colour/],
      [{ name: "app", spec: "text" }, { "a.md": "# A" }, /spec is a file field/],
    ];
    for (const [fields, files, message] of cases) {
      const res = await createProject(s.app, form(fields, files));
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.json().code).toBe("BATON_VALIDATION");
      expect(res.json().message).toMatch(message);
    }
    const empty = await createProject(s.app, form({ name: "app" }, { "a.md": "" }));
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({
      code: "BATON_SPEC_INVALID",
      message: expect.stringMatching(/is empty/),
    });
    const twice = await createProject(s.app, form({ name: "app" }, { "a.md": "# A" }));
    expect(twice.statusCode).toBe(201);
    await s.deps.stores.projects.delete(twice.json().id);
    const duplicates = new FormData();
    duplicates.append("name", "other");
    duplicates.append("spec", new File(["# A"], "a.md"));
    duplicates.append("spec", new File(["# B"], "a.md"));
    const dup = await createProject(s.app, duplicates);
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toMatchObject({
      code: "BATON_VALIDATION",
      message: expect.stringMatching(/two spec files/),
    });
    await expectNothingLeft(s, "other", before);
  });

  it("answers a body that is not multipart, or is malformed, with a 4xx", async () => {
    const s = await testServer(db());
    const json = await s.app.inject({ method: "POST", url: "/api/projects", payload: { name: "app" } });
    expect(json.statusCode).toBe(415);
    expect(json.json()).toMatchObject({ code: "BATON_UNSUPPORTED_MEDIA_TYPE" });
    expect(json.json().message).toMatch(/multipart\/form-data/);
    const cut = await s.app.inject({
      method: "POST",
      url: "/api/projects",
      headers: { "content-type": "multipart/form-data; boundary=XYZ" },
      payload: '--XYZ\r\nContent-Disposition: form-data; name="spec"; filename="a.md"\r\n\r\n# A',
    });
    expect(cut.statusCode).toBe(400);
    expect(cut.json().code).toBe("BATON_VALIDATION");
    const noBoundary = await s.app.inject({
      method: "POST",
      url: "/api/projects",
      headers: { "content-type": "multipart/form-data" },
      payload: "x",
    });
    expect(noBoundary.statusCode).toBe(400);
    expect(noBoundary.json().code).toBe("BATON_VALIDATION");
  });

  it("reads a hand-built multipart body (boundary and all)", async () => {
    const s = await testServer(db());
    const body = [
      "--b0undary",
      'Content-Disposition: form-data; name="name"',
      "",
      "hand-made",
      "--b0undary",
      'Content-Disposition: form-data; name="spec"; filename="../../etc/spec.md"',
      "Content-Type: text/markdown",
      "",
      "# Hand made",
      "--b0undary--",
      "",
    ].join("\r\n");
    const res = await createProject(s.app, body, {
      "content-type": "multipart/form-data; boundary=b0undary",
    });
    expect(res.statusCode).toBe(201);
    // Only the file's own name is kept: the upload cannot write outside the spec folder.
    expect(readdirSync(join(res.json().directory, "spec"))).toEqual(["spec.md"]);
  });

  it("refuses a duplicate name or an existing directory with 409, and leaves what was there", async () => {
    const s = await testServer(db());
    await created(s, "app");
    const before = uploadFolders();
    const dup = await createProject(s.app, form({ name: "app" }, { "b.md": "# B" }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({
      code: "BATON_PROJECT_EXISTS",
      message: expect.stringMatching(/named app/),
    });
    expect(readdirSync(join(s.world.root, "generations", "app", "spec"))).toEqual(["app.md"]);
    const taken = join(s.world.root, "generations", "taken");
    mkdirSync(taken, { recursive: true });
    const dir = await createProject(s.app, form({ name: "taken" }, { "b.md": "# B" }));
    expect(dir.statusCode).toBe(409);
    expect(dir.json()).toMatchObject({ code: "BATON_PROJECT_EXISTS", data: { directory: taken } });
    expect(readdirSync(taken)).toEqual([]);
    expect((await s.deps.stores.projects.list()).map((p) => p.name)).toEqual(["app"]);
    expect(uploadFolders()).toEqual(before);
  });

  it("leaves no row and no directory when laying out the project fails (a 500: the server's setup)", async () => {
    const s = await testServer(db());
    // generations_dir is a file: the project's directory cannot be made under it.
    const generations = s.world.write("generations", "not a directory");
    const before = uploadFolders();
    const res = await createProject(s.app, form({ name: "app" }, { "a.md": "# A" }));
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: "BATON_INTERNAL", message: "internal error: see the server's log" });
    expect(await s.deps.stores.projects.list()).toEqual([]);
    expect(readFileSync(generations, "utf8")).toBe("not a directory");
    expect(uploadFolders()).toEqual(before);
  });

  it("shows a project's progress, next task and running session, in the list and alone", async () => {
    const s = await testServer(db());
    const { id } = await created(s, "app");
    const { plan, sessions } = s.deps.stores;
    const epic = await plan.createEpic(id, { name: "Core" });
    const [first] = await plan.expandEpic(id, epic.id, [taskInput("Say hello", 2), taskInput("Say bye", 1)]);
    if (!first) throw new Error("no task");
    const [t1] = first.tests;
    if (!t1) throw new Error("no test");
    await plan.recordTestResult(id, t1.id, { passes: true });
    const session = await sessions.start(
      (await sessions.create(id, { type: "coding", model: "sonnet" })).id,
      {
        workerId: "elsewhere",
      },
    );
    const one = await s.app.inject({ url: `/api/projects/${id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      progress: {
        epics: { done: 0, total: 1 },
        tasks: { done: 0, in_progress: 0, blocked: 0, total: 2, percent: 0 },
        tests: { passing: 1, failing: 0, unknown: 2, total: 3, percent: 33.3 },
        finished: false,
      },
      next_task: { id: first.id, epic_id: epic.id, description: "Say hello", status: "pending" },
      running_session: {
        id: session.id,
        number: session.number,
        type: "coding",
        model: "sonnet",
        started_at: session.started_at,
        worker_id: "elsewhere",
      },
    });
    const list = await s.app.inject({ url: "/api/projects" });
    expect(list.json().projects).toEqual([one.json()]);
  });

  it("answers a project id that is not a positive integer with 400, an unknown one with 404", async () => {
    const s = await testServer(db());
    for (const bad of ["abc", "0", "-3", "1.5", "99999999999"]) {
      const res = await s.app.inject({ url: `/api/projects/${bad}` });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().code).toBe("BATON_VALIDATION");
    }
    const missing = await s.app.inject({ url: "/api/projects/4242" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: "BATON_PROJECT_NOT_FOUND" });
    for (const [method, url] of [
      ["PATCH", "/api/projects/4242"],
      ["DELETE", "/api/projects/4242?confirm=x"],
      ["POST", "/api/projects/4242/reset"],
    ] as const) {
      const res = await s.app.inject({ method, url, ...(method === "PATCH" ? { payload: {} } : {}) });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe("BATON_PROJECT_NOT_FOUND");
    }
  });

  it("changes the budget and run settings with PATCH; null clears one; mistakes are 400", async () => {
    const s = await testServer(db());
    const { id } = await created(s, "app");
    await s.deps.stores.projects.update(id, { settings: { kept: "yes" } });
    const patch = (payload: Record<string, unknown>) =>
      s.app.inject({ method: "PATCH", url: `/api/projects/${id}`, payload });
    const set = await patch({ budget_usd: 20, coding_model: "haiku", sandbox: "docker" });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({
      budget_usd: 20,
      settings: { initializer_model: null, coding_model: "haiku", sandbox: "docker" },
    });
    const cleared = await patch({ sandbox: null, budget_usd: null });
    expect(cleared.json()).toMatchObject({
      budget_usd: null,
      settings: { coding_model: "haiku", sandbox: null },
    });
    expect((await s.deps.stores.projects.get(id)).settings).toEqual({ kept: "yes", coding_model: "haiku" });
    for (const bad of [{ budget_usd: 0 }, { sandbox: "vm" }, { coding_model: "" }, { name: "renamed" }]) {
      const res = await patch(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().code).toBe("BATON_VALIDATION");
    }
    expect((await s.deps.stores.projects.get(id)).budget_usd).toBeNull();
  });

  it("deletes a project only with confirm=<name>, keeping its files unless delete_files=true", async () => {
    const s = await testServer(db());
    const kept = await created(s, "kept");
    const del = (url: string) => s.app.inject({ method: "DELETE", url });
    const without = await del(`/api/projects/${kept.id}`);
    expect(without.statusCode).toBe(400);
    expect(without.json()).toMatchObject({ code: "BATON_CONFIRMATION_REQUIRED", data: { confirm: "kept" } });
    expect(without.json().message).toMatch(/\?confirm=kept/);
    const wrong = await del(`/api/projects/${kept.id}?confirm=other`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe("BATON_CONFIRMATION_REQUIRED");
    const badFlag = await del(`/api/projects/${kept.id}?confirm=kept&delete_files=maybe`);
    expect(badFlag.statusCode).toBe(400);
    expect(badFlag.json().code).toBe("BATON_VALIDATION");
    expect((await s.app.inject({ url: `/api/projects/${kept.id}` })).statusCode).toBe(200);

    const ok = await del(`/api/projects/${kept.id}?confirm=kept`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      id: kept.id,
      name: "kept",
      directory: kept.directory,
      files_deleted: false,
      container: null,
    });
    expect((await s.app.inject({ url: `/api/projects/${kept.id}` })).statusCode).toBe(404);
    expect(existsSync(join(kept.directory, "spec", "app.md"))).toBe(true);

    const gone = await created(s, "gone");
    const both = await del(`/api/projects/${gone.id}?confirm=gone&delete_files=true`);
    expect(both.statusCode).toBe(200);
    expect(both.json()).toMatchObject({ files_deleted: true });
    expect(existsSync(gone.directory)).toBe(false);
    expect((await s.app.inject({ url: "/api/projects" })).json().projects).toEqual([]);
  });

  it("refuses delete_files for a directory that holds Baton's own files (409), and deletes nothing", async () => {
    const s = await testServer(db());
    const project = await s.deps.stores.projects.create({ name: "wide", directory: s.world.root });
    const res = await s.app.inject({
      method: "DELETE",
      url: `/api/projects/${project.id}?confirm=wide&delete_files=true`,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: "BATON_PROJECT_FILE_UNSAFE",
      data: { directory: s.world.root },
    });
    expect(existsSync(s.world.home)).toBe(true);
    expect((await s.app.inject({ url: `/api/projects/${project.id}` })).statusCode).toBe(200);
  });

  it("refuses to delete a project while a session runs (409) and keeps it", async () => {
    const s = await testServer(db());
    const { id, directory } = await created(s, "busy");
    const { sessions } = s.deps.stores;
    const session = await sessions.start(
      (await sessions.create(id, { type: "initializer", model: "opus" })).id,
      {
        workerId: "w",
      },
    );
    const res = await s.app.inject({
      method: "DELETE",
      url: `/api/projects/${id}?confirm=busy&delete_files=true`,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "BATON_PROJECT_BUSY", data: { running_session: 0 } });
    expect(existsSync(directory)).toBe(true);
    await sessions.finish(session.id, { status: "completed" });
    const later = await s.app.inject({ method: "DELETE", url: `/api/projects/${id}?confirm=busy` });
    expect(later.statusCode).toBe(200);
  });

  it("removes the project's docker container with the project when sessions run in docker", async () => {
    const s = await testServer(db(), { config: { sandbox: { type: "docker" } } });
    const { id } = await created(s, "boxed");
    const bin = makeWorld().write("bin/docker", "");
    const calls = join(bin, "..", "calls.log");
    writeFileSync(
      bin,
      `#!/bin/sh\necho "$@" >> ${calls}\nif [ "$1" = inspect ]; then echo ${id}; fi\nexit 0\n`,
    );
    chmodSync(bin, 0o755);
    process.env.PATH = `${join(bin, "..")}:${process.env.PATH}`;
    const res = await s.app.inject({ method: "DELETE", url: `/api/projects/${id}?confirm=boxed` });
    expect(res.statusCode).toBe(200);
    expect(res.json().container).toEqual({ name: `baton-${id}-boxed`, removed: true });
    const log = readFileSync(calls, "utf8");
    expect(log).toContain(`inspect -f {{index .Config.Labels "baton.project"}} baton-${id}-boxed`);
    expect(log).toMatch(new RegExp(`^rm -f .*baton-${id}-boxed`, "m"));
  });

  it("keeps the project when its docker container cannot be removed (412)", async () => {
    const s = await testServer(db());
    const { id } = await created(s, "boxed");
    await s.deps.stores.projects.update(id, { settings: { sandbox: "docker" } });
    const bin = makeWorld().write(
      "bin/docker",
      "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n",
    );
    chmodSync(bin, 0o755);
    process.env.PATH = `${join(bin, "..")}:${process.env.PATH}`;
    const res = await s.app.inject({ method: "DELETE", url: `/api/projects/${id}?confirm=boxed` });
    expect(res.statusCode).toBe(412);
    expect(res.json()).toMatchObject({
      code: "BATON_SANDBOX_UNAVAILABLE",
      data: { container: `baton-${id}-boxed` },
    });
    expect(res.json().message).toMatch(/Cannot connect to the Docker daemon/);
    expect((await s.app.inject({ url: `/api/projects/${id}` })).statusCode).toBe(200);
  });

  it("resets a project to right after initialization and says what each step did", async () => {
    const t: TestDatabase = db();
    const s = await testServer(t);
    const { project, dir } = await initializedProject(t, s.world.home);
    const init = project.init_commit_sha;
    await codingSession(t, project, s.world.home);
    const dry = await s.app.inject({ method: "POST", url: `/api/projects/${project.id}/reset?dry_run=true` });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ applied: false, init_commit: init });
    expect(dry.json().steps.map((x: { name: string; done: null }) => [x.name, x.done])).toEqual([
      ["logs", null],
      ["progress-note", null],
      ["git", null],
      ["database", null],
    ]);
    expect(git(dir, "rev-parse", "HEAD")).not.toBe(init);

    const res = await s.app.inject({ method: "POST", url: `/api/projects/${project.id}/reset` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      applied: true,
      init_commit: init,
      archive_dir: expect.stringMatching(new RegExp(`^${s.world.home}/logs/${project.id}/old_attempts/`)),
      project: { id: project.id, status: "ready", progress: { tasks: { done: 0, total: 2 } } },
    });
    expect(body.steps.map((x: { name: string }) => x.name)).toEqual([
      "logs",
      "progress-note",
      "git",
      "database",
    ]);
    expect(body.steps.find((x: { name: string }) => x.name === "git").done).toMatch(/1 commit dropped/);
    expect(body.steps.find((x: { name: string }) => x.name === "database").done).toMatch(/session 1 deleted/);
    expect(git(dir, "rev-parse", "HEAD")).toBe(init);
    // Watchers hear of it: one reset event, which streams as the reset envelope.
    const resets = s.events.filter((e) => e.type === "reset");
    expect(resets.map((e) => e.payload)).toEqual([
      { epics: 1, tasks: 2, tests: expect.any(Number), sessions: 1, next_session_number: 1 },
    ]);
    expect(toEnvelope(resets[0] as BatonEvent)).toMatchObject({ type: "reset", project_id: project.id });
  });

  it("refuses a reset while a session runs (409) or when there is nothing to go back to (409)", async () => {
    const t = db();
    const s = await testServer(t);
    const { project, dir, home } = await initializedProject(t);
    await codingSession(t, project, home);
    const head = git(dir, "rev-parse", "HEAD");
    const running = await t.stores.sessions.start(
      (await t.stores.sessions.create(project.id, { type: "coding", model: "sonnet" })).id,
      { workerId: "w" },
    );
    const busy = await s.app.inject({ method: "POST", url: `/api/projects/${project.id}/reset` });
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({
      code: "BATON_PROJECT_BUSY",
      data: { running_session: running.number },
    });
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);

    const fresh = await created(s, "fresh");
    const impossible = await s.app.inject({ method: "POST", url: `/api/projects/${fresh.id}/reset` });
    expect(impossible.statusCode).toBe(409);
    expect(impossible.json()).toMatchObject({ code: "BATON_RESET_IMPOSSIBLE" });
    expect(impossible.json().message).toMatch(/no recorded init commit/);
  });

  it("refuses an upload without a token when a password is set, before reading it", async () => {
    const s = await testServer(db(), { password: "pw" });
    const before = uploadFolders();
    const res = await createProject(s.app, form({ name: "app" }, { "a.md": "# A" }));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("BATON_UNAUTHORIZED");
    await expectNothingLeft(s, "app", before);
    const ok = await createProject(s.app, form({ name: "app" }, { "a.md": "# A" }), s.headers);
    expect(ok.statusCode).toBe(201);
  });

  it("documents every project route in the OpenAPI document, the upload as multipart", async () => {
    const s = await testServer(db());
    const doc = (await s.app.inject({ url: "/api/openapi.json" })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/projects", "/api/projects/{id}", "/api/projects/{id}/reset"]),
    );
    const post = doc.paths["/api/projects"].post;
    expect(post.tags).toEqual(["projects"]);
    const schema = post.requestBody.content["multipart/form-data"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["name", "spec"]));
    expect(schema.properties.spec).toMatchObject({
      type: "array",
      items: { type: "string", format: "binary" },
    });
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["201", "400", "409", "413", "415"]));
    expect(doc.paths["/api/projects/{id}"].delete.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["id", "confirm", "delete_files"]),
    );
  });
});
