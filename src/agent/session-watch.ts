import type { SDKMessage } from "@anthropic-ai/claude-agent-sdk";
import type { Credentials } from "./credentials.ts";
import {
  classifyModelError,
  fatalModelErrorMessage,
  UNREACHABLE_AFTER_ATTEMPTS,
  unreachableMessage,
} from "./model-errors.ts";

/** Why a session was ended before it finished by itself. */
export type StopKind = "fatal" | "unreachable" | "budget" | "stuck" | "no_progress" | "rate_limit" | "user";

export interface StopCause {
  kind: StopKind;
  message: string;
  /** When the service says the rate limit resets (rate_limit only). */
  resetsAt?: Date;
}

export interface WatchLimits {
  /** End the session after this many identical failing tool calls in a row. */
  repeatedFailures?: number;
  /** End the session when no task or test changed for this long. */
  noProgressMs?: number;
}

/**
 * Watches one session's messages for reasons to end it early: errors retrying cannot fix, an
 * endpoint that never answered, the same failing tool call again and again, or no progress.
 * It also remembers what the service said about rate limits, for the orchestrator.
 */
export class SessionWatch {
  private answered = false;
  private lastFailure: { signature: string; count: number } | null = null;
  private lastProgressAt: number;
  /** The latest rate-limit reset time the service announced. */
  rateLimitResetsAt: Date | null = null;
  /** The latest error kind the model service reported. */
  lastModelError: string | null = null;

  constructor(
    private readonly limits: WatchLimits,
    private readonly credentials: Credentials,
    private readonly model: string,
    private readonly now: () => number,
  ) {
    this.lastProgressAt = now();
  }

  observe(message: SDKMessage): StopCause | null {
    switch (message.type) {
      case "assistant":
        if (message.error !== undefined) this.lastModelError = message.error;
        else this.answered = true;
        return null;
      case "rate_limit_event":
        if (message.rate_limit_info.resetsAt)
          this.rateLimitResetsAt = new Date(message.rate_limit_info.resetsAt * 1000);
        return null;
      case "system":
        if (message.subtype !== "api_retry") return null;
        this.lastModelError = message.error;
        if (classifyModelError(message.error) === "fatal") {
          return {
            kind: "fatal",
            message: fatalModelErrorMessage(message.error, this.credentials, this.model),
          };
        }
        if (
          message.error_status === null &&
          !this.answered &&
          message.attempt >= UNREACHABLE_AFTER_ATTEMPTS
        ) {
          return { kind: "unreachable", message: unreachableMessage(this.credentials) };
        }
        return null;
      default:
        return null;
    }
  }

  /** A task or test of the session's project changed (a `plan_changed` event, or completion). */
  progressed(): void {
    this.lastProgressAt = this.now();
  }

  /** Checked on a timer too: a session can hang in one long tool call. */
  tick(): StopCause | null {
    const limit = this.limits.noProgressMs;
    if (limit === undefined) return null;
    const idle = this.now() - this.lastProgressAt;
    return idle >= limit
      ? {
          kind: "no_progress",
          message: `no task or test changed for ${Math.round(idle / 60_000)} minutes (the limit is stuck.no_progress_minutes)`,
        }
      : null;
  }

  /**
   * A tool call finished. Called from Claude Code's PostToolUse / PostToolUseFailure hooks, which
   * it waits on, so a stop takes effect before the next call.
   */
  toolOutcome(name: string, input: unknown, failed: boolean): StopCause | null {
    const signature = `${name} ${JSON.stringify(input ?? {})}`;
    if (!failed) {
      this.lastFailure = null;
      return null;
    }
    this.lastFailure =
      this.lastFailure?.signature === signature
        ? { signature, count: this.lastFailure.count + 1 }
        : { signature, count: 1 };
    const limit = this.limits.repeatedFailures;
    if (limit === undefined || this.lastFailure.count < limit) return null;
    return {
      kind: "stuck",
      message: `the same tool call failed ${this.lastFailure.count} times in a row: ${signature.slice(0, 200)}`,
    };
  }
}
