import { query, type SDKResultMessage } from "@anthropic-ai/claude-agent-sdk";
import { fail } from "../errors.ts";
import { type MappedEvent, MessageMapper } from "./message-mapper.ts";
import { spawnClaudeCode } from "./process-group.ts";
import { sessionEnvironment } from "./session-env.ts";

export interface TextQueryRequest {
  /** A model alias or id (`sonnet`, `claude-sonnet-4-5`, …). */
  model: string;
  /** The whole system prompt (not appended to Claude Code's: a text query is not a coding agent). */
  systemPrompt: string;
  /** The one user message. */
  prompt: string;
  /** Baton's environment: Claude Code's is made from it as a session's is (session-env.ts). */
  env: Record<string, string | undefined>;
  /** Where Claude Code runs; nothing is read or written there (no tools, no settings). */
  cwd: string;
  /** Aborts the call; it then rejects. */
  signal?: AbortSignal;
  /** Each event of the call as it happens (assistant text, the result, errors): for a session's logs. */
  onEvent?: (event: MappedEvent) => void | Promise<void>;
}

export interface TextQueryResult {
  /** The model's reply: its text blocks, joined. */
  text: string;
  cost_usd: number;
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_tokens: number;
    cache_write_tokens: number;
  };
  /** The model that answered, as Claude Code resolved it (the requested one when it did not say). */
  model: string;
  duration_ms: number;
}

const STDERR_LINES_KEPT = 20;

/**
 * Asks the model one question and returns its text reply: one turn, no tools (`tools: []`), no
 * settings or CLAUDE.md read, no session persisted. It runs the same Claude Code binary with the
 * same credentials and environment as sessions (so the scripted model answers it in tests). For
 * reviews and prompt analyses. Refuses before calling when credentials are missing
 * (BATON_CREDENTIALS_MISSING); a failed or empty call rejects with BATON_SESSION_FAILED.
 */
export async function runTextQuery(request: TextQueryRequest): Promise<TextQueryResult> {
  const environment = sessionEnvironment(request.env);
  const abort = new AbortController();
  const onAbort = () => abort.abort(request.signal?.reason);
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener("abort", onAbort, { once: true });
  const stderr: string[] = [];
  const mapper = new MessageMapper();
  const texts: string[] = [];
  let model = request.model;
  let final: SDKResultMessage | undefined;
  try {
    const messages = query({
      prompt: request.prompt,
      options: {
        cwd: request.cwd,
        model: request.model,
        systemPrompt: request.systemPrompt,
        tools: [],
        allowedTools: [],
        permissionMode: "dontAsk",
        maxTurns: 1,
        settingSources: [],
        persistSession: false,
        env: environment.env,
        spawnClaudeCodeProcess: (options) => spawnClaudeCode(options, { credential: environment.credential }),
        abortController: abort,
        stderr: (text) => {
          stderr.push(...text.split("\n").filter(Boolean));
          stderr.splice(0, Math.max(0, stderr.length - STDERR_LINES_KEPT));
        },
      },
    });
    for await (const message of messages) {
      if (message.type === "system" && message.subtype === "init") model = message.model || model;
      const mapped = mapper.map(message);
      for (const event of mapped.events) {
        if (event.type === "assistant_text") texts.push(event.payload.text);
        await request.onEvent?.(event);
      }
      if (mapped.result) final = mapped.result;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail(
      "BATON_SESSION_FAILED",
      {
        model: request.model,
        reason: abort.signal.aborted
          ? "the model call was stopped"
          : `the model call failed: ${reason}${stderr.length ? `\n${stderr.join("\n")}` : ""}`,
      },
      { cause: error },
    );
  } finally {
    request.signal?.removeEventListener("abort", onAbort);
  }
  if (final === undefined || final.is_error) {
    const why =
      final === undefined
        ? "it ended without a result"
        : final.subtype === "success"
          ? final.result
          : `${final.subtype}: ${final.errors.join("; ")}`;
    throw fail("BATON_SESSION_FAILED", { model: request.model, reason: `the model call failed: ${why}` });
  }
  const text = texts.join("\n\n").trim() || (final.subtype === "success" ? final.result.trim() : "");
  if (text === "") {
    throw fail("BATON_SESSION_FAILED", { model: request.model, reason: "the model answered with no text" });
  }
  return {
    text,
    cost_usd: final.total_cost_usd,
    usage: { ...mapper.counted },
    model,
    duration_ms: final.duration_ms,
  };
}
