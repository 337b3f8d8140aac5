import type { UsageDelta } from "../sessions/model.ts";

/** Counters are written at most this often while a session runs (live views stay current). */
const FLUSH_EVERY_MS = 500;

/**
 * Adds up a session's usage deltas and writes them in one update every half second and at the
 * end, instead of one database transaction per model response and tool call.
 */
export class UsageBuffer {
  private pending: UsageDelta = {};
  private lastFlush = 0;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly write: (delta: UsageDelta) => Promise<unknown>,
    /** Told of a write that failed (the counters it carried are lost; later ones are still written). */
    private readonly failed: (error: unknown) => void,
  ) {}

  add(delta: UsageDelta): void {
    for (const [key, value] of Object.entries(delta) as [keyof UsageDelta, number | undefined][]) {
      if (value) this.pending[key] = (this.pending[key] ?? 0) + value;
    }
    if (Date.now() - this.lastFlush >= FLUSH_EVERY_MS) void this.flush();
  }

  /** Writes what is pending; resolves when every write so far is done. */
  flush(): Promise<unknown> {
    const delta = this.pending;
    this.pending = {};
    this.lastFlush = Date.now();
    // A failed write is reported and must not stop the later ones.
    if (Object.keys(delta).length > 0)
      this.writing = this.writing.then(() => this.write(delta)).catch((error: unknown) => this.failed(error));
    return this.writing;
  }
}
