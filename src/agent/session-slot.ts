import type { SessionRecorder } from "../events/recorder.ts";
import type { SecurityRecord } from "./session-security.ts";

/** Who a session is once it has begun: its id, its events, its log's name. */
export interface SessionIdentity {
  id: number;
  recorder: SessionRecorder;
  stem: string;
}

/**
 * Where a session's runtime finds who the session is. Claude Code may start before the session
 * begins (prepared during the delay between sessions): the slot is empty then, and filled when it
 * begins. The session's tools and hooks run only after its prompt, so after that; what was refused
 * before (the project's git config, defused before Claude Code starts) is recorded as it begins.
 */
export class SessionSlot {
  private identity: SessionIdentity | null = null;
  private readonly early: { record: SecurityRecord; count: () => void }[] = [];

  get(): SessionIdentity {
    if (this.identity === null) throw new Error("the session has not begun");
    return this.identity;
  }

  /** Records a refusal (`count` counts it on the session) now, or as the session begins. */
  async refused(record: SecurityRecord, count: () => void): Promise<void> {
    if (this.identity === null) {
      this.early.push({ record, count });
      return;
    }
    count();
    await this.identity.recorder.record("security", record);
  }

  async fill(identity: SessionIdentity): Promise<void> {
    if (this.identity !== null) throw new Error("the session has begun already");
    this.identity = identity;
    for (const { record, count } of this.early.splice(0)) await this.refused(record, count);
  }
}
