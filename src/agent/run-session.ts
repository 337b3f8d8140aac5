import { existsSync } from "node:fs";
import { join } from "node:path";
import { query, type SDKMessage, type SDKResultMessage } from "@anthropic-ai/claude-agent-sdk";
import { type Clock, systemClock } from "../db/clock.ts";
import type { Stores } from "../db/stores/index.ts";
import { BatonError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { SessionRecorder } from "../events/recorder.ts";
import { LOGS_DIR, SessionLog, sessionLogStem } from "../logs/session-log.ts";
import type { Project } from "../projects/model.ts";
import { SPEC_DIR } from "../projects/spec.ts";
import type { Session, TerminalSessionStatus } from "../sessions/model.ts";
import { TASK_SERVER_NAME } from "../tasks/tools.ts";
import { headCommit } from "../util/git.ts";
import { BROWSER_ALLOWED_TOOLS, BROWSER_SERVER, browserServer } from "./browser.ts";
import { type Credentials, describeCredentials, detectCredentials } from "./credentials.ts";
import { MessageMapper } from "./message-mapper.ts";
import {
  classifyModelError,
  fatalModelErrorMessage,
  UNREACHABLE_AFTER_ATTEMPTS,
  unreachableMessage,
} from "./model-errors.ts";
import { sessionOptions } from "./options.ts";
import { boundProgressNote } from "./progress-note.ts";
import { activePrompt, readBuiltinPrompt, renderPrompt } from "./prompts.ts";
import { taskServer } from "./task-server.ts";

export interface AgentDeps {
  stores: Stores;
  bus: EventBus;
  /** The environment of the Claude Code process: credentials, ANTHROPIC_BASE_URL, PATH, … */
  env: Record<string, string | undefined>;
  /** Who runs the session (recorded on it, for crash recovery across workers). */
  workerId: string;
  clock?: Clock;
  heartbeatMs?: number;
  /** The Chromium sessions verify UI work with; null: no browser (sessions are told so). */
  browser: { executablePath: string } | null;
}

export type WorkSessionType = "initializer" | "coding";

export interface SessionRequest {
  project: Project;
  type: WorkSessionType;
  model: string;
  /** Stops the session; it ends as `interrupted`, with its logs, events and metrics complete. */
  signal?: AbortSignal;
  maxTurns?: number;
}

export interface SessionOutcome {
  session: Session;
  status: TerminalSessionStatus;
  error: string | null;
  credentials: Credentials;
  logs: { jsonl: string; txt: string };
}

const STDERR_LINES_KEPT = 20;

/**
 * Runs one initializer or coding session of a project to its end, recording everything.
 * Refuses before creating anything when credentials are missing or the project directory is gone.
 */
export async function runSession(deps: AgentDeps, request: SessionRequest): Promise<SessionOutcome> {
  const { stores } = deps;
  const clock = deps.clock ?? systemClock;
  const { project } = request;
  const credentials = detectCredentials(deps.env);
  if (!existsSync(project.directory)) {
    throw new BatonError(
      "BATON_PROJECT_NOT_FOUND",
      `the directory of project ${project.name} is missing: ${project.directory}`,
      { project: project.name, directory: project.directory },
    );
  }
  const version = await activePrompt(stores.prompts, request.type);
  const created = await stores.sessions.create(project.id, {
    type: request.type,
    model: request.model,
    prompt_version_id: version.id,
  });
  const session = await stores.sessions.start(created.id, { workerId: deps.workerId });
  const startedAt = clock();
  const stem = sessionLogStem(session.number, startedAt);
  const log = new SessionLog(
    project.directory,
    stem,
    startedAt.getTime(),
    `Baton session ${session.number} (${session.type}) of ${project.name}\nmodel ${session.model}, ${describeCredentials(credentials.kind)}, started ${startedAt.toISOString()}`,
  );
  await stores.sessions.setLogPath(session.id, `${LOGS_DIR}/${stem}`);
  const recorder = new SessionRecorder({ sessions: stores.sessions, bus: deps.bus }, session.id, log);
  const heartbeat = setInterval(
    () => void stores.sessions.heartbeat(session.id).catch(() => {}),
    deps.heartbeatMs ?? 15_000,
  );
  heartbeat.unref();

  const abort = new AbortController();
  const onAbort = () => abort.abort();
  if (request.signal?.aborted) abort.abort();
  request.signal?.addEventListener("abort", onAbort, { once: true });
  const stderr: string[] = [];

  let final: SDKResultMessage | undefined;
  let failure: string | null = null;
  /** Set when Baton itself ends the session because retrying cannot help. */
  let stopped: string | null = null;
  let answered = false;
  try {
    await recorder.record("session_start", {
      session_number: session.number,
      session_type: session.type,
      model: session.model,
      credentials: credentials.kind,
      prompt_version: version.version,
      cwd: project.directory,
    });
    const prompt = renderPrompt(version.content, await promptValues(project, session));
    await recorder.record("prompt", { text: prompt });
    if (deps.browser === null) {
      await recorder.record("system", {
        subtype: "browser",
        message: "no browser: install Chromium (apt-get install chromium) so sessions can verify UI work",
      });
    }
    for (const warning of credentials.warnings) {
      await recorder.record("system", { subtype: "credentials", message: warning });
    }

    const mapper = new MessageMapper(() => clock().getTime());
    const options = sessionOptions({
      cwd: project.directory,
      model: request.model,
      systemPrompt: readBuiltinPrompt("system"),
      env: deps.env,
      mcpServers: {
        [TASK_SERVER_NAME]: taskServer({ stores, projectId: project.id, sessionId: session.id }),
        ...(deps.browser === null
          ? {}
          : {
              [BROWSER_SERVER]: browserServer({
                executablePath: deps.browser.executablePath,
                outputDir: join(project.directory, LOGS_DIR, "browser", stem),
              }),
            }),
      },
      extraAllowedTools: deps.browser === null ? [] : BROWSER_ALLOWED_TOOLS,
      abortController: abort,
      maxTurns: request.maxTurns,
      stderr: (text) => {
        stderr.push(...text.split("\n").filter(Boolean));
        stderr.splice(0, Math.max(0, stderr.length - STDERR_LINES_KEPT));
      },
    });
    for await (const message of query({ prompt, options })) {
      if (message.type === "assistant" && message.error === undefined) answered = true;
      stopped ??= hopeless(message, answered, credentials, request.model);
      if (stopped !== null && !abort.signal.aborted) abort.abort();
      const mapped = mapper.map(message);
      for (const event of mapped.events) await recorder.record(event.type, event.payload);
      if (Object.keys(mapped.usage).length > 0) await stores.sessions.addUsage(session.id, mapped.usage);
      if (mapped.result) final = mapped.result;
    }
  } catch (error) {
    if (!abort.signal.aborted || stopped !== null) {
      failure = `${error instanceof Error ? error.message : String(error)}${stderr.length ? `\n${stderr.join("\n")}` : ""}`;
    }
  } finally {
    clearInterval(heartbeat);
    request.signal?.removeEventListener("abort", onAbort);
  }

  const status: TerminalSessionStatus =
    stopped !== null
      ? "error"
      : abort.signal.aborted
        ? "interrupted"
        : failure !== null || final === undefined || final.is_error
          ? "error"
          : "completed";
  const error =
    status !== "error"
      ? null
      : (stopped ??
        failure ??
        (final === undefined
          ? "the session ended without a result"
          : final.subtype === "success"
            ? final.result
            : `${final.subtype}: ${final.errors.join("; ")}`));
  const reason = status === "interrupted" ? (abortReason(request.signal) ?? "stopped") : null;
  if (error !== null) await recorder.record("error", { kind: "session", message: error }).catch(() => {});
  const ended = await stores.sessions.finish(session.id, { status, error, interruption_reason: reason });
  const metrics = metricsOf(ended);
  const duration = clock().getTime() - startedAt.getTime();
  await recorder.record("session_end", { status, reason: reason ?? error, duration_ms: duration, metrics });
  await recorder.flush();
  log.close({ status, reason: reason ?? error, duration_ms: duration, metrics });

  if (request.type === "coding" && status === "completed") await boundProgressNote(project.directory);
  if (request.type === "initializer" && status === "completed") {
    const sha = await headCommit(project.directory);
    await stores.projects.update(project.id, { status: "ready", ...(sha ? { init_commit_sha: sha } : {}) });
  }
  return { session: ended, status, error, credentials, logs: { jsonl: log.jsonlPath, txt: log.txtPath } };
}

/** A retry the SDK announces that cannot succeed: the reason to end the session now, or null. */
function hopeless(
  message: SDKMessage,
  answered: boolean,
  credentials: Credentials,
  model: string,
): string | null {
  if (message.type !== "system" || message.subtype !== "api_retry") return null;
  if (classifyModelError(message.error) === "fatal")
    return fatalModelErrorMessage(message.error, credentials, model);
  const noAnswer = message.error_status === null && !answered;
  return noAnswer && message.attempt >= UNREACHABLE_AFTER_ATTEMPTS ? unreachableMessage(credentials) : null;
}

async function promptValues(project: Project, session: Session): Promise<Record<string, string | number>> {
  const specFiles = project.spec_path ? await listSpecFiles(project.directory) : [];
  return {
    project_name: project.name,
    session_number: session.number,
    spec_location: `${SPEC_DIR}/`,
    spec_files: specFiles.length > 0 ? specFiles.join(", ") : "no files",
  };
}

async function listSpecFiles(dir: string): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  try {
    return (await readdir(`${dir}/${SPEC_DIR}`)).sort();
  } catch {
    return [];
  }
}

function abortReason(signal: AbortSignal | undefined): string | null {
  const reason: unknown = signal?.reason;
  if (typeof reason === "string") return reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return null;
}

function metricsOf(session: Session): Record<string, number> {
  return {
    input_tokens: session.input_tokens,
    output_tokens: session.output_tokens,
    cache_read_tokens: session.cache_read_tokens,
    cache_write_tokens: session.cache_write_tokens,
    cost_usd: session.cost_usd,
    tool_calls: session.tool_calls,
    tool_errors: session.tool_errors,
    tasks_completed: session.tasks_completed,
    tests_passed: session.tests_passed,
    browser_verifications: session.browser_verifications,
  };
}
