import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Stores } from "../../src/db/stores/index.ts";
import type { BatonEvent, EventPayload, EventType } from "../../src/events/catalog.ts";
import { projectLogDir, SessionLog, sessionLogStem } from "../../src/logs/session-log.ts";
import type { Project } from "../../src/projects/model.ts";
import type { Session, SessionType, TerminalSessionStatus, UsageDelta } from "../../src/sessions/model.ts";

/** An event to seed: its type and payload, checked against the catalog. */
export type Seeded = { [K in EventType]: [K, EventPayload<K>] }[EventType];

/** A project row with an (empty) directory under `root`. */
export async function seedProject(stores: Stores, root: string, name: string): Promise<Project> {
  const directory = join(root, "generations", name);
  mkdirSync(directory, { recursive: true });
  return stores.projects.create({ name, directory });
}

/**
 * A session as a real one leaves it: started, each event stored then written to its two log files
 * (by SessionLog, the writer sessions use), its usage counted, and, when `end` is given, finished
 * with a `session_end` event and the text log's summary.
 */
export async function seedSession(
  stores: Stores,
  home: string,
  project: Project,
  options: {
    type?: SessionType;
    events?: Seeded[];
    usage?: UsageDelta;
    end?: { status: TerminalSessionStatus; error?: string; interruption_reason?: string };
  } = {},
): Promise<Session> {
  const type = options.type ?? "coding";
  const created = await stores.sessions.create(project.id, { type, model: "sonnet" });
  const session = await stores.sessions.start(created.id, { workerId: "test-worker" });
  const startedAt = Date.parse(session.started_at ?? "");
  const log = new SessionLog(
    projectLogDir(home, project.id),
    sessionLogStem(session.number, new Date(startedAt)),
    startedAt,
    `Session ${session.number} of ${project.name}`,
  );
  await stores.sessions.setLogPath(session.id, log.stem);
  const record = async (type: string, payload: unknown) => {
    const stored = await stores.sessions.appendEvent(session.id, { type, payload });
    log.write(stored as BatonEvent);
  };
  for (const [type, payload] of options.events ?? []) await record(type, payload);
  if (options.usage) await stores.sessions.addUsage(session.id, options.usage);
  if (!options.end) return stores.sessions.get(session.id);
  const ended = await stores.sessions.finish(session.id, options.end);
  const summary = {
    status: ended.status,
    reason: ended.interruption_reason ?? ended.error,
    duration_ms: Date.parse(ended.ended_at ?? "") - startedAt,
    metrics: { cost_usd: ended.cost_usd, tool_calls: ended.tool_calls },
  };
  await record("session_end", summary);
  log.close(summary);
  return stores.sessions.get(session.id);
}

export function logFile(home: string, project: Project, session: Session, kind: "txt" | "jsonl"): string {
  return join(projectLogDir(home, project.id), `${session.log_path}.${kind}`);
}
