import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { basename } from "node:path";
import { z } from "zod";
import { fail } from "../../errors.ts";
import { sessionLogFile } from "../../logs/log-reader.ts";
import { humanLines, humanText, type LogProblem, logProblems, logStart } from "../../logs/log-views.ts";
import type { Session, SessionEvent } from "../../sessions/model.ts";
import type { Routes, ServerDeps } from "../app.ts";
import { projectOf, sessionOf } from "../lookup.ts";
import { MAX_INT } from "../schemas/common.ts";
import { errorResponses } from "../schemas/error.ts";
import { SessionParams } from "../schemas/session.ts";

const PAGE = 1_000;

const LogsQuery = z.object({
  view: z
    .enum(["human", "events", "errors"])
    .default("human")
    .describe("human: the text log's lines; events: the stored events; errors: what went wrong"),
  after: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_INT)
    .default(0)
    .describe("only events after this sequence number (the previous page's next_after)"),
  limit: z.coerce.number().int().min(1).max(PAGE).default(PAGE).describe("events (or errors) at most"),
});

const Page = {
  session_id: z.number().int(),
  session_status: z.string(),
  /** Pass as `after` for the next page, or to poll a running session for what is new. */
  next_after: z.number().int(),
  /** More is stored after this page. */
  has_more: z.boolean(),
};

const HumanView = z.object({
  view: z.literal("human"),
  ...Page,
  lines: z.array(z.object({ seq: z.number().int(), type: z.string(), text: z.string() })),
  /** The lines as the text log shows them, with its summary block once the session has ended. */
  text: z.string(),
});

const EventsView = z.object({
  view: z.literal("events"),
  ...Page,
  events: z.array(
    z.object({
      id: z.number().int(),
      seq: z.number().int(),
      ts: z.string(),
      type: z.string(),
      payload: z.unknown(),
    }),
  ),
});

const ErrorsView = z.object({
  view: z.literal("errors"),
  ...Page,
  errors: z.array(
    z.object({
      seq: z.number().int(),
      ts: z.string(),
      type: z.enum(["error", "security", "tool_result"]),
      kind: z.string(),
      message: z.string(),
      text: z.string(),
    }),
  ),
});

const DOWNLOADS = {
  txt: "text/plain; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
} as const;

/** A session's log: views of its stored events, and its log files as downloads. */
export const logsRoutes: Routes = (app, deps) => {
  app.get(
    "/api/projects/:id/sessions/:sid/logs",
    {
      schema: {
        tags: ["logs"],
        summary: "A session's log: the human view, the stored events, or only what went wrong",
        params: SessionParams,
        querystring: LogsQuery,
        response: {
          200: z.discriminatedUnion("view", [HumanView, EventsView, ErrorsView]),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const project = await projectOf(deps, request.params.id);
      const session = await sessionOf(deps, project, request.params.sid);
      const { view, after, limit } = request.query;
      const base = { session_id: session.id, session_status: session.status };
      if (view === "errors") {
        const { problems, nextAfter, hasMore } = await scanProblems(deps, session, after, limit);
        return { view, ...base, next_after: nextAfter, has_more: hasMore, errors: problems };
      }
      const events = await deps.stores.sessions.listEvents(session.id, { afterSeq: after, limit });
      const page = {
        ...base,
        next_after: events.at(-1)?.seq ?? after,
        has_more: events.length === limit,
      };
      if (view === "events") {
        return {
          view,
          ...page,
          events: events.map((e) => ({
            id: e.id,
            seq: e.seq ?? 0,
            ts: e.ts,
            type: e.type,
            payload: e.payload,
          })),
        };
      }
      const lines = humanLines(events, logStart(session.started_at, events));
      return { view, ...page, lines, text: humanText(lines, events) };
    },
  );

  app.get(
    "/api/projects/:id/sessions/:sid/logs/download",
    {
      schema: {
        tags: ["logs"],
        summary: "Download a session's log file: the text log (txt) or every event (jsonl)",
        params: SessionParams,
        querystring: z.object({ format: z.enum(["txt", "jsonl"]).default("txt") }),
        response: {
          200: {
            description: "the file, as an attachment",
            content: { [DOWNLOADS.txt]: { schema: z.string() }, [DOWNLOADS.jsonl]: { schema: z.string() } },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const project = await projectOf(deps, request.params.id);
      const session = await sessionOf(deps, project, request.params.sid);
      const { format } = request.query;
      const file = sessionLogFile({ home: deps.home, project }, session, format);
      const handle = await openRegularFile(file, session);
      const { size } = await handle.stat();
      const name = basename(file).replace(/[^\w.-]/g, "_");
      reply
        .type(DOWNLOADS[format])
        .header("content-disposition", `attachment; filename="${name}"`)
        .header("x-content-type-options", "nosniff")
        .header("content-length", size);
      if (size === 0) {
        await handle.close();
        return reply.send("");
      }
      // What the file holds now: a running session's log keeps growing.
      // A stream is sent as it is (the schema's string documents the body; nothing is serialized).
      const body: unknown = handle.createReadStream({ start: 0, end: size - 1 });
      return reply.send(body as string);
    },
  );
};

/** Opens a checked log file, never through a symlink, and only when it is a regular file. */
async function openRegularFile(file: string, session: Session): Promise<FileHandle> {
  const missing = () => fail("BATON_LOG_NOT_FOUND", { session: session.number });
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    throw missing();
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw missing();
  }
  return handle;
}

/** The problems after `after`, `limit` at most, scanning the session's events page by page. */
async function scanProblems(
  deps: ServerDeps,
  session: Session,
  after: number,
  limit: number,
): Promise<{ problems: LogProblem[]; nextAfter: number; hasMore: boolean }> {
  const problems: LogProblem[] = [];
  let cursor = after;
  let start: number | undefined;
  for (;;) {
    const events: SessionEvent[] = await deps.stores.sessions.listEvents(session.id, {
      afterSeq: cursor,
      limit: PAGE,
    });
    start ??= logStart(session.started_at, events);
    for (const problem of logProblems(events, start)) {
      if (problems.length === limit) return { problems, nextAfter: cursor, hasMore: true };
      problems.push(problem);
      cursor = problem.seq;
    }
    cursor = events.at(-1)?.seq ?? cursor;
    if (events.length < PAGE) return { problems, nextAfter: cursor, hasMore: false };
  }
}
