import type { Stores } from "../../src/db/stores/index.ts";
import type { Session, TerminalSessionStatus } from "../../src/sessions/model.ts";
import { callTaskTool } from "../../src/tasks/tools.ts";

/** One step of a played session: a task tool (run for real), any other tool call with its result, or a refused command. */
export type Step =
  | { task: string; args?: Record<string, unknown> }
  | { tool: string; input?: Record<string, unknown>; result?: string; isError?: boolean }
  | { denied: string };

let ids = 0;

/**
 * Records a coding session as the agent runtime would (events and counters through the real
 * stores), without a model: task tools really run against the plan, other tools get the result given.
 */
export async function playSession(
  stores: Stores,
  projectId: number,
  steps: Step[],
  end: { status?: TerminalSessionStatus; cost_usd?: number; browser?: boolean } = {},
): Promise<Session> {
  const { sessions } = stores;
  const created = await sessions.create(projectId, { type: "coding", model: "sonnet" });
  const session = await sessions.start(created.id, { workerId: "test" });
  await sessions.appendEvent(session.id, { type: "prompt", payload: { text: "# Session — build it" } });
  if (end.browser === false) {
    await sessions.appendEvent(session.id, {
      type: "system",
      payload: { subtype: "browser", message: "no browser" },
    });
  }
  for (const step of steps) {
    if ("denied" in step) {
      await sessions.appendEvent(session.id, {
        type: "security",
        payload: {
          tool: "Bash",
          command: step.denied,
          allowed: false,
          reason: "blocked",
          by: "command_policy",
        },
      });
      await sessions.addUsage(session.id, { denied_commands: 1 });
      continue;
    }
    const name = "task" in step ? `mcp__tasks__${step.task}` : step.tool;
    const input = "task" in step ? (step.args ?? {}) : (step.input ?? {});
    const outcome =
      "task" in step
        ? await callTaskTool(step.task, input, { stores, projectId, sessionId: session.id })
        : { isError: step.isError === true, text: step.result ?? "ok" };
    const tool_use_id = `toolu_${++ids}`;
    await sessions.appendEvent(session.id, { type: "tool_use", payload: { tool_use_id, name, input } });
    await sessions.appendEvent(session.id, {
      type: "tool_result",
      payload: { tool_use_id, name, is_error: outcome.isError, content: outcome.text, duration_ms: 5 },
    });
    await sessions.addUsage(session.id, {
      tool_calls: 1,
      tool_errors: outcome.isError ? 1 : 0,
      browser_verifications: name.startsWith("mcp__playwright__browser_") ? 1 : 0,
    });
  }
  await sessions.addUsage(session.id, { cost_usd: end.cost_usd ?? 0.5 });
  await sessions.appendEvent(session.id, {
    type: "assistant_text",
    payload: { text: "Done for this session." },
  });
  return sessions.finish(session.id, { status: end.status ?? "completed" });
}
