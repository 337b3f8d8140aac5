import { readFileSync, rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { baton } from "../helpers/cli.ts";
import { eventually, readWorld, runBaton, seedShop, startSessionWithLog } from "./read-commands-fixture.ts";

describe("baton logs", () => {
  it("prints the latest session's text log", async () => {
    const w = await readWorld();
    const { logs } = await seedShop(w);
    const r = await baton(["logs", "shop"], w.io);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toBe(readFileSync(logs.s2.log.txtPath, "utf8"));
    expect(r.out).toContain("Session 2 of shop");
    expect(r.out).toMatch(/CLAUDE {2}Working on the search box\./);
    expect(r.out).not.toContain("Listing products");
  });

  it("prints session N's log with --session, and its JSONL with --jsonl", async () => {
    const w = await readWorld();
    const { logs } = await seedShop(w);
    const r = await baton(["logs", "shop", "--session", "1"], w.io);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Listing products.");
    expect(r.out).toMatch(/Status\s+error/);

    const jsonl = await baton(["logs", "shop", "--session", "0", "--jsonl"], w.io);
    expect(jsonl.code).toBe(0);
    expect(jsonl.out).toBe(readFileSync(logs.s0.log.jsonlPath, "utf8"));
    const events = jsonl.out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(["session_start", "assistant_text"]);
  });

  it("exits 1 naming the unknown session and the sessions that exist", async () => {
    const w = await readWorld();
    await seedShop(w);
    const r = await baton(["logs", "shop", "--session", "7"], w.io);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe("baton: project shop has no session 7; its sessions are 0-2\n");
    const bad = await baton(["logs", "shop", "--session", "last"], w.io);
    expect(bad).toMatchObject({
      code: 2,
      err: 'baton: --session: expected a whole number ≥ 0, got "last"\n',
    });
  });

  it("exits 1 when the project has no sessions, or the session has no log file", async () => {
    const w = await readWorld();
    const project = await w.stores.projects.create({ name: "blank", directory: w.dirOf("blank") });
    const none = await baton(["logs", "blank"], w.io);
    expect(none).toMatchObject({
      code: 1,
      err: "baton: project blank has no sessions yet, so there is no log; `baton run` starts one\n",
    });
    const pending = await w.stores.sessions.create(project.id, { type: "initializer", model: "opus" });
    const noLog = await baton(["logs", "blank"], w.io);
    expect(noLog.code).toBe(1);
    expect(noLog.err).toBe(
      `baton: session ${pending.number} has no log yet (it is pending); its log starts when it does\n`,
    );

    const { logs } = await seedShop(w);
    const missing = logs.s1.log.txtPath;
    rmSync(missing);
    const gone = await baton(["logs", "shop", "--session", "1"], w.io);
    expect(gone).toMatchObject({ code: 1, err: `baton: the log of session 1 is missing: ${missing}\n` });
  });

  it("--follow prints what a running session appends, and exits 0 once the session has ended", async () => {
    const w = await readWorld();
    const { sessions, logs } = await seedShop(w);
    let live = "";
    let ended = false;
    const following = runBaton(["logs", "shop", "--follow"], {
      ...w.io,
      onOut: (all) => {
        live = all;
      },
    }).then((r) => {
      ended = true;
      return r;
    });
    await eventually(() => live.includes("Working on the search box."));
    expect(live).not.toContain("Now the search results.");

    logs.s2.say("Now the search results.");
    await eventually(() => live.includes("Now the search results."));
    expect(ended).toBe(false);

    logs.s2.say("Done with search.");
    logs.s2.close();
    await w.stores.sessions.finish(sessions.s2.id, { status: "completed" });
    const r = await following;
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toContain("Done with search.");
    expect(r.out).toMatch(/Summary\n\s+Status\s+completed/);
    expect(r.out).toBe(readFileSync(logs.s2.log.txtPath, "utf8"));
  });

  it("--follow on a session that is not running prints its log and exits at once", async () => {
    const w = await readWorld();
    await seedShop(w);
    const started = Date.now();
    const r = await baton(["logs", "shop", "--session", "1", "--follow"], w.io);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Listing products.");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("--follow on a running session with nothing new keeps waiting for it", async () => {
    const w = await readWorld();
    const project = await w.stores.projects.create({ name: "quiet", directory: w.dirOf("quiet") });
    const { session, log } = await startSessionWithLog(w, project, "initializer", "opus");
    let ended = false;
    const following = baton(["logs", "quiet", "--follow"], w.io).then((r) => {
      ended = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 1_200));
    expect(ended).toBe(false);
    log.close("interrupted");
    await w.stores.sessions.finish(session.id, { status: "interrupted", interruption_reason: "stopped" });
    const r = await following;
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Status\s+interrupted/);
  });
});
