/**
 * A planning or coding session from start to end: refused before anything exists when the
 * credentials or the project's folder are missing; started through the session lifecycle; its
 * SDK query run by the agent (runSession); finished with what the query ended with; and, after an
 * initializer, the project's init commit and status. The orchestrator runs every work session
 * through here; tests and the demo call it directly.
 */
import { describeCredentials, detectCredentials } from "../agent/credentials.ts";
import { discardPrepared } from "../agent/prepared-session.ts";
import { activePrompt } from "../agent/prompts.ts";
import {
  type AgentDeps,
  runSession,
  type SessionOutcome,
  type SessionRequest,
} from "../agent/run-session.ts";
import type { Stores } from "../db/stores/index.ts";
import type { Project } from "../projects/model.ts";
import type { PromptVersion } from "../review/model.ts";
import { sessionMetrics, type TerminalSessionStatus } from "../sessions/model.ts";
import { headCommit } from "../util/git.ts";
import { assertProjectDirectory, assertWritable } from "../util/host-files.ts";
import { beginSession, type LiveSession } from "./session-lifecycle.ts";

export async function runWorkSession(deps: AgentDeps, request: SessionRequest): Promise<SessionOutcome> {
  const { stores } = deps;
  const { project } = request;
  const credentials = detectCredentials(deps.env);
  let live: LiveSession;
  let prompt: PromptVersion;
  try {
    assertProjectDirectory(project);
    // A session that could not write its work would only fail later, having cost tokens.
    assertWritable(project.directory);
    prompt = await activePrompt(stores.prompts, request.type);
    live = await beginSession(deps, project, {
      type: request.type,
      model: request.model,
      prompt,
      credentials: credentials.kind,
      cwd: project.directory,
      title: (session, startedAt) =>
        `Baton session ${session.number} (${session.type}) of ${project.name}\nmodel ${session.model}, ${describeCredentials(credentials.kind)}, started ${startedAt.toISOString()}`,
      ...(request.onStarted ? { onStarted: request.onStarted } : {}),
    });
  } catch (error) {
    // Refused before it began: the Claude Code prepared for it ends too.
    await discardPrepared(request.prepared);
    throw error;
  }
  const run = await runSession(deps, { live, credentials, prompt }, request);
  const ended = await live.finish({ ...run, errorKind: "session", metrics: sessionMetrics });
  if (request.type === "initializer") await recordInitCommit(stores, project, run.status);
  return {
    session: ended,
    status: run.status,
    error: run.error,
    stop: run.stop,
    credentials,
    logs: { jsonl: live.log.jsonlPath, txt: live.log.txtPath },
  };
}

/**
 * After the initializer: the commit it left is the project's init commit (what a reset goes back
 * to), recorded whenever it wrote a plan, even when the session then failed, so that it is never
 * lost. A completed initializer makes the project ready.
 */
async function recordInitCommit(
  stores: Stores,
  project: Project,
  status: TerminalSessionStatus,
): Promise<void> {
  const current = await stores.projects.get(project.id);
  const worthKeeping = status === "completed" || (await stores.plan.hasPlan(project.id));
  const sha = current.init_commit_sha === null && worthKeeping ? await headCommit(project.directory) : null;
  if (status !== "completed" && sha === null) return;
  await stores.projects.update(project.id, {
    ...(status === "completed" ? { status: "ready" as const } : {}),
    ...(sha ? { init_commit_sha: sha } : {}),
  });
}
