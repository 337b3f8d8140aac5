/**
 * A session's Claude Code, started ahead of the session: its runtime (processes, guard, dev
 * servers, the browser's opener), its MCP servers and hooks, and the Claude Code process itself,
 * initialized and waiting for its prompt. The orchestrator prepares the next coding session while
 * the delay between sessions runs, so the session's first model request follows its start within
 * about 100 ms instead of after Claude Code's start (about half a second with the OS sandbox).
 * A session that was not prepared ahead prepares itself as it begins, the same way.
 *
 * Who the session is (its id, events, log) is filled in when it begins (SessionSlot): nothing of
 * the session runs before, since tools and hooks run only after the prompt.
 */
import { type Query, query, type SDKUserMessage } from "@anthropic-ai/claude-agent-sdk";
import type { Project } from "../projects/model.ts";
import { TASK_SERVER_NAME } from "../tasks/tools.ts";
import { BROWSER_WITHHELD_TOOLS } from "./browser.ts";
import { sessionOptions } from "./options.ts";
import { readBuiltinPrompt } from "./prompts.ts";
import type { AgentDeps } from "./run-session.ts";
import { SessionRuntime } from "./session-runtime.ts";
import { SessionSlot } from "./session-slot.ts";
import { taskServer } from "./task-server.ts";
import { UsageBuffer } from "./usage-buffer.ts";

/** What a session is prepared for; it serves only a session of the same project, model and limits. */
export interface PreparedFor {
  project: Project;
  model: string;
  maxTurns?: number;
}

/** Ends a session prepared ahead that no session will use (nothing when it did not start). */
export async function discardPrepared(prepared: Promise<PreparedSession> | undefined): Promise<void> {
  await prepared?.then(
    (p) => p.discard(),
    () => undefined,
  );
}

export class PreparedSession {
  readonly slot = new SessionSlot();
  /** Aborting it ends Claude Code (and the session, once begun). */
  readonly abort = new AbortController();
  readonly usage: UsageBuffer;
  readonly runtime: SessionRuntime;
  private running: Query | undefined;
  /** Hands Claude Code its prompt; null: it never gets one (discarded). */
  private deliver: (prompt: string | null) => void = () => {};
  private begun = false;

  /** The sandbox it was started in (a project's sandbox setting may change during the delay). */
  private readonly sandbox: string;

  private constructor(
    deps: AgentDeps,
    readonly preparedFor: PreparedFor,
  ) {
    this.sandbox = JSON.stringify(deps.security.sandbox);
    this.usage = new UsageBuffer(
      (delta) => deps.stores.sessions.addUsage(this.slot.get().id, delta),
      (err) => deps.log.warn({ err, session_id: this.slot.get().id }, "session usage not stored"),
    );
    this.runtime = new SessionRuntime(deps, preparedFor.project, this.slot, this.usage);
  }

  /** Starts Claude Code for a session of `preparedFor`; rejects (having ended everything) when it cannot. */
  static async prepare(deps: AgentDeps, preparedFor: PreparedFor): Promise<PreparedSession> {
    const prepared = new PreparedSession(deps, preparedFor);
    try {
      await prepared.start(deps);
      return prepared;
    } catch (error) {
      await prepared.discard();
      throw error;
    }
  }

  /** Whether a session has been given this Claude Code. */
  get used(): boolean {
    return this.begun;
  }

  /** Whether it can serve a session of `request` run with `deps` (settings may have changed while it waited). */
  serves(request: PreparedFor, deps: AgentDeps): boolean {
    const p = this.preparedFor;
    return (
      !this.begun &&
      this.sandbox === JSON.stringify(deps.security.sandbox) &&
      !this.abort.signal.aborted &&
      p.project.id === request.project.id &&
      p.project.directory === request.project.directory &&
      p.model === request.model &&
      p.maxTurns === request.maxTurns
    );
  }

  private async start(deps: AgentDeps): Promise<void> {
    const { project } = this.preparedFor;
    const slot = this.slot;
    // Before Claude Code starts: it runs git in the project as it starts, on this machine.
    await this.runtime.guard.prepare();
    const tools = this.runtime.toolServers(
      {
        [TASK_SERVER_NAME]: taskServer({
          stores: deps.stores,
          projectId: project.id,
          get sessionId() {
            return slot.get().id;
          },
        }),
      },
      (servers) => {
        if (this.running === undefined) throw new Error("the session has not started");
        return this.running.setMcpServers(servers);
      },
    );
    const options = sessionOptions({
      cwd: project.directory,
      model: this.preparedFor.model,
      systemPrompt: readBuiltinPrompt("system"),
      env: this.runtime.environment.env,
      mcpServers: tools.servers,
      extraAllowedTools: tools.allowedTools,
      withheldTools: BROWSER_WITHHELD_TOOLS,
      abortController: this.abort,
      ...(this.preparedFor.maxTurns === undefined ? {} : { maxTurns: this.preparedFor.maxTurns }),
      spawn: this.runtime.processes.spawn,
      hooks: this.runtime.guard.hooks(),
      sandbox: this.runtime.guard.sandboxSettings(),
    });
    const prompt = new Promise<string | null>((resolve) => {
      this.deliver = resolve;
    });
    // Streaming input: Claude Code starts now and waits for this one message.
    async function* firstMessage(): AsyncGenerator<SDKUserMessage> {
      const text = await prompt;
      if (text === null) return;
      yield { type: "user", message: { role: "user", content: text }, parent_tool_use_id: null };
    }
    this.running = query({ prompt: firstMessage(), options });
  }

  /** Claude Code gets the session's prompt (once its slot is filled); its messages come from the answer. */
  send(prompt: string): Query {
    if (this.begun || this.running === undefined) throw new Error("a prepared session serves one session");
    this.slot.get();
    this.begun = true;
    this.deliver(prompt);
    return this.running;
  }

  /** Ends Claude Code and every process of the runtime (a session it prepared that never begun, or one that ended). */
  async discard(): Promise<void> {
    this.deliver(null);
    this.abort.abort();
    await this.runtime.close();
  }
}
