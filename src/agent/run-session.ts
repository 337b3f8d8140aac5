import type { Query, SDKResultMessage } from "@anthropic-ai/claude-agent-sdk";
import { type Clock, systemClock } from "../db/clock.ts";
import type { Stores } from "../db/stores/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { BatonEvent } from "../events/catalog.ts";
import type { Logger } from "../logs/process-log.ts";
import type { LiveSession } from "../orchestrator/session-lifecycle.ts";
import type { Project } from "../projects/model.ts";
import type { Session, TerminalSessionStatus } from "../sessions/model.ts";
import type { Credentials } from "./credentials.ts";
import { MessageMapper } from "./message-mapper.ts";
import { classifyModelError } from "./model-errors.ts";
import { PreparedSession } from "./prepared-session.ts";
import { estimateCostUsd } from "./pricing.ts";
import { boundProgressNote } from "./progress-note.ts";
import { promptValues, renderPrompt } from "./prompts.ts";
import type { SessionSecurity } from "./session-security.ts";
import { SessionWatch, type StopCause, type WatchLimits } from "./session-watch.ts";

export interface AgentDeps {
  stores: Stores;
  bus: EventBus;
  /** The environment of the Claude Code process: credentials, ANTHROPIC_BASE_URL, PATH, … */
  env: Record<string, string | undefined>;
  /** Who runs the session (recorded on it, for crash recovery across workers). */
  workerId: string;
  /** Where failures the session survives are logged. */
  log: Logger;
  /** Baton's data directory: session logs go there (projectLogDir), out of the session's reach. */
  home: string;
  clock?: Clock;
  heartbeatMs?: number;
  /** The Chromium sessions verify UI work with; null: no browser (sessions are told so). */
  browser: { executablePath: string } | null;
  /** The command policy, file access rules and sandbox every session runs under (always). */
  security: SessionSecurity;
}

export type WorkSessionType = "initializer" | "coding";

export interface SessionRequest {
  project: Project;
  type: WorkSessionType;
  model: string;
  /** Stops the session; it ends as `interrupted`, with its logs, events and metrics complete. */
  signal?: AbortSignal;
  maxTurns?: number;
  /** The most this session may cost (what is left of the project's budget): it is ended there. */
  maxCostUsd?: number | null;
  /** When to call the session stuck. */
  limits?: WatchLimits;
  /** The model service asked to wait (rate limit, overload) until about `until`; and when it answered again. */
  onWait?: (until: Date, reason: string) => void | Promise<void>;
  onResume?: () => void | Promise<void>;
  /** Called once the session exists and is running (its id and number are final). */
  onStarted?: (session: Session) => void;
  /** Claude Code started ahead for this session (during the delay before it); used when it serves it. */
  prepared?: Promise<PreparedSession>;
}

export interface SessionOutcome {
  session: Session;
  status: TerminalSessionStatus;
  error: string | null;
  /** Why the session was ended early, if it was; null when it ended by itself. */
  stop: StopCause | null;
  credentials: Credentials;
  logs: { jsonl: string; txt: string };
}

/** How long a session ended by the watch may take to stop at its next tool call before it is aborted. */
const GRACEFUL_STOP_MS = 30_000;

/** What a run of the SDK query ended with; the lifecycle finishes the session with it. */
export interface SessionRun {
  status: TerminalSessionStatus;
  error: string | null;
  /** Why it was interrupted. */
  reason: string | null;
  /** Why the session was ended early, if it was; null when it ended by itself. */
  stop: StopCause | null;
}

/**
 * Runs the SDK query of a session that has started (orchestrator/work-session.ts starts and
 * finishes it): its tools' runtime, the watch, the budget, the events; then what it ended with.
 */
export async function runSession(
  deps: AgentDeps,
  started: { live: LiveSession; credentials: Credentials; prompt: { content: string } },
  request: SessionRequest,
): Promise<SessionRun> {
  const { stores } = deps;
  const clock = deps.clock ?? systemClock;
  const { project } = request;
  const { live, credentials } = started;
  const { session, recorder } = live;

  const prepared = await preparedFor(deps, request);
  if ("failed" in prepared) return { status: "error", error: prepared.failed, reason: null, stop: null };
  const { runtime, usage, abort } = prepared;

  let final: SDKResultMessage | undefined;
  let failure: string | null = null;
  /** Set when the session is ended early, by Baton's watch or by the caller. */
  let stop: StopCause | null = null;
  let waiting = false;
  let estimatedCost = 0;
  const inputs = new Map<string, unknown>();
  const { guard, environment } = runtime;
  const watch = new SessionWatch(request.limits ?? {}, credentials, request.model, () => clock().getTime());
  // Progress is any change to the plan (or the project's completion), whichever tool made it.
  const unwatchPlan = stores.bus.subscribe((event) => {
    if (event.project_id === project.id && isProgress(event)) watch.progressed();
  });
  /**
   * Ends the session. A stuck, idle or over-budget session is interrupted (Claude Code stops its
   * turn within milliseconds and ends cleanly), with an abort as the fallback after a grace period;
   * anything else (a person's stop, an error retrying cannot fix) aborts at once.
   */
  let fallback: NodeJS.Timeout | undefined;
  let running: Query | undefined;
  const end = (cause: StopCause) => {
    stop ??= cause;
    if (abort.signal.aborted) return;
    if (cause.kind === "stuck" || cause.kind === "no_progress" || cause.kind === "budget") {
      void running
        ?.interrupt()
        .catch((err: unknown) =>
          deps.log.warn({ err, session_id: session.id }, "interrupt failed; aborting"),
        );
      fallback ??= setTimeout(() => abort.abort(), GRACEFUL_STOP_MS);
      fallback.unref();
    } else {
      abort.abort();
    }
  };
  // A stop asked for before this point (even before the session existed) ends it at once.
  const onAbort = () => end({ kind: "user", message: abortReason(request.signal) ?? "stopped" });
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener("abort", onAbort, { once: true });
  const ticker = setInterval(() => {
    const cause = watch.tick();
    if (cause) end(cause);
  }, 1_000);
  ticker.unref();
  try {
    const prompt = renderPrompt(started.prompt.content, promptValues(project, session));
    await recorder.record("prompt", { text: prompt });
    if (runtime.browser === null) {
      await recorder.record("system", {
        subtype: "browser",
        message: runtime.docker
          ? "no browser: sessions in the docker sandbox have none (sandbox.type: docker)"
          : "no browser: install Chromium (apt-get install chromium) so sessions can verify UI work",
      });
    }
    // Who the session is, for its tools and hooks (and what was refused as Claude Code was prepared).
    await prepared.slot.fill({ id: session.id, recorder, stem: live.stem });
    for (const warning of guard.warnings()) {
      await recorder.record("system", { subtype: "sandbox", message: warning });
    }
    for (const warning of [...credentials.warnings, ...environment.warnings]) {
      await recorder.record("system", { subtype: "credentials", message: warning });
    }

    const mapper = new MessageMapper(() => clock().getTime());
    running = prepared.send(prompt);
    for await (const message of running) {
      const cause = watch.observe(message);
      if (cause) end(cause);
      if (
        message.type === "system" &&
        message.subtype === "api_retry" &&
        classifyModelError(message.error) === "wait"
      ) {
        waiting = true;
        await request.onWait?.(
          new Date(clock().getTime() + message.retry_delay_ms),
          `the model service said ${message.error}`,
        );
      } else if (waiting && message.type === "assistant" && message.error === undefined) {
        waiting = false;
        await request.onResume?.();
      }
      const mapped = mapper.map(message);
      for (const event of mapped.events) {
        await recorder.record(event.type, event.payload);
        // The watch learns of tool outcomes from the stream; the pre-tool hook enforces its stops.
        if (event.type === "tool_use") inputs.set(event.payload.tool_use_id, event.payload.input);
        if (event.type === "tool_result") {
          await guard.checkShellResult(
            event.payload.name,
            inputs.get(event.payload.tool_use_id),
            event.payload.content,
          );
          const cause = watch.toolOutcome(
            event.payload.name,
            inputs.get(event.payload.tool_use_id),
            event.payload.is_error,
          );
          if (cause) end(cause);
        }
      }
      usage.add(mapped.usage);
      estimatedCost += estimateCostUsd(request.model, mapped.usage);
      const left = request.maxCostUsd;
      if (left !== undefined && left !== null && estimatedCost >= left) {
        end({ kind: "budget", message: `the session reached the budget left for it ($${left.toFixed(2)})` });
      }
      if (mapped.result) final = mapped.result;
    }
  } catch (error) {
    // After an interrupt or abort that Baton asked for, the SDK's error is expected, not a failure.
    if (!abort.signal.aborted && stop === null) {
      const stderr = runtime.stderr();
      failure = `${error instanceof Error ? error.message : String(error)}${stderr.length ? `\n${stderr.join("\n")}` : ""}`;
    }
  } finally {
    await usage.flush();
    clearInterval(ticker);
    clearTimeout(fallback);
    await prepared.discard();
    request.signal?.removeEventListener("abort", onAbort);
    unwatchPlan();
  }

  if (stop === null && (final?.is_error || final === undefined) && watch.lastModelError === "rate_limit") {
    stop = {
      kind: "rate_limit",
      message: "the model service's rate limit was reached",
      ...(watch.rateLimitResetsAt ? { resetsAt: watch.rateLimitResetsAt } : {}),
    };
  }
  // Baton's own work in the project after a session that completed: what fails there (a folder
  // made read-only, a planted link) ends the session as an error naming it, and loses nothing.
  const afterwards =
    statusOf(stop, failure, final) === "completed" && request.type === "coding"
      ? await projectWork(() => boundProgressNote(project.directory))
      : null;
  const status = afterwards === null ? statusOf(stop, failure, final) : "error";
  const error =
    status !== "error"
      ? null
      : (afterwards ??
        stop?.message ??
        failure ??
        (final === undefined
          ? "the session ended without a result"
          : final.subtype === "success"
            ? final.result
            : `${final.subtype}: ${final.errors.join("; ")}`));
  const reason = status === "interrupted" ? (stop?.message ?? "stopped") : null;
  return { status, error, reason, stop };
}

/**
 * The session's Claude Code: the one prepared ahead when it serves this session (else it is
 * ended), or one started now. `failed` says why none could start.
 */
async function preparedFor(
  deps: AgentDeps,
  request: SessionRequest,
): Promise<PreparedSession | { failed: string }> {
  const wanted = {
    project: request.project,
    model: request.model,
    ...(request.maxTurns === undefined ? {} : { maxTurns: request.maxTurns }),
  };
  const ahead = await request.prepared?.catch((err: unknown) => {
    deps.log.warn(
      { err, project_id: request.project.id },
      "Claude Code prepared ahead did not start; starting it now",
    );
    return undefined;
  });
  if (ahead?.serves(wanted, deps)) return ahead;
  await ahead?.discard();
  try {
    return await PreparedSession.prepare(deps, wanted);
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

/** Runs Baton's own work in the project; null when it went well, else what failed, for the session's error. */
async function projectWork(work: () => Promise<unknown>): Promise<string | null> {
  try {
    await work();
    return null;
  } catch (error) {
    return `Baton could not finish its work in the project after the session: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Errors a person must fix end a session as `error`; a stop by request, budget or watch as `interrupted`. */
function statusOf(
  stop: StopCause | null,
  failure: string | null,
  final: SDKResultMessage | undefined,
): TerminalSessionStatus {
  if (stop !== null)
    return stop.kind === "fatal" || stop.kind === "unreachable" || stop.kind === "rate_limit"
      ? "error"
      : "interrupted";
  return failure !== null || final === undefined || final.is_error ? "error" : "completed";
}

function abortReason(signal: AbortSignal | undefined): string | null {
  const reason: unknown = signal?.reason;
  if (typeof reason === "string") return reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return null;
}

function isProgress(event: BatonEvent): boolean {
  return (
    event.type === "plan_changed" ||
    event.type === "plan_added" ||
    (event.type === "project_changed" &&
      (event as BatonEvent<"project_changed">).payload.change === "completed")
  );
}
