import { describe, expect, it } from "vitest";
import { SessionWatch } from "../../src/agent/session-watch.ts";

const credentials = { kind: "api_key" as const, base_url: null, warnings: [] };

describe("the session watch", () => {
  it("calls a session idle when no task or test changed for the limit, and plan progress resets the clock", () => {
    let now = 0;
    const watch = new SessionWatch({ noProgressMs: 30 * 60_000 }, credentials, "sonnet", () => now);
    now = 29 * 60_000;
    expect(watch.tick()).toBeNull();
    expect(watch.toolOutcome("Bash", { command: "npm test" }, false)).toBeNull();
    now = 31 * 60_000;
    expect(watch.tick()).toEqual({
      kind: "no_progress",
      message: "no task or test changed for 31 minutes (the limit is stuck.no_progress_minutes)",
    });
    // A plan change of the session's project (run-session.ts follows them on the bus).
    watch.progressed();
    expect(watch.tick()).toBeNull();
  });

  it("counts only identical failing calls in a row", () => {
    const watch = new SessionWatch({ repeatedFailures: 3 }, credentials, "sonnet", () => 0);
    expect(watch.toolOutcome("Bash", { command: "npm test" }, true)).toBeNull();
    expect(watch.toolOutcome("Bash", { command: "npm test" }, true)).toBeNull();
    expect(watch.toolOutcome("Bash", { command: "npm run build" }, true)).toBeNull();
    expect(watch.toolOutcome("Bash", { command: "npm run build" }, true)).toBeNull();
    expect(watch.toolOutcome("Bash", { command: "npm run build" }, true)?.kind).toBe("stuck");
    expect(watch.toolOutcome("Read", { file_path: "/x" }, false)).toBeNull();
    expect(watch.toolOutcome("Bash", { command: "npm run build" }, true)).toBeNull();
  });
});
