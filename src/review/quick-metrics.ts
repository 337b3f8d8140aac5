/**
 * What a finished coding session did, read from its stored events and its counters: the inputs
 * of the quick check's rules (quick-rules.ts). Pure: the caller loads the events and the tasks.
 */
import { BROWSER_TOOL_PREFIX } from "../agent/browser.ts";
import type { EventPayload } from "../events/catalog.ts";
import type { Session, SessionEvent } from "../sessions/model.ts";
import { TASK_SERVER_NAME } from "../tasks/tool.ts";
import type { QuickMetrics } from "./quick-rules.ts";

const TASK_TOOL = (name: string) => `mcp__${TASK_SERVER_NAME}__${name}`;

/** Task tools that read the plan: calling one before changing anything is orienting. */
const ORIENTING_TOOLS = new Set(
  [
    "get_next_task",
    "task_status",
    "list_tasks",
    "get_task",
    "list_epics",
    "get_epic",
    "list_tests",
    "get_session_history",
  ].map(TASK_TOOL),
);
/** Calls that change the project or the plan: work. */
const WORK_TOOLS = new Set([
  "Write",
  "Edit",
  "NotebookEdit",
  TASK_TOOL("start_task"),
  TASK_TOOL("update_test_result"),
  TASK_TOOL("update_task_status"),
]);
const TEST_RESULT = TASK_TOOL("update_test_result");
const TASK_STATUS = TASK_TOOL("update_task_status");
const START_TASK = TASK_TOOL("start_task");
const NEXT_TASK = TASK_TOOL("get_next_task");

/** Evidence shorter than this (trimmed) counts as none. */
export const MIN_EVIDENCE_CHARS = 10;

/** `git commit` as a command of a shell line (not `git log --grep commit`). */
const GIT_COMMIT = /(^|[;&|(\s])git(\s+-[cC]\s+\S+)*\s+commit\b/;

type ToolUse = EventPayload<"tool_use">;
type ToolResult = EventPayload<"tool_result">;

function json(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const field = (input: unknown, key: string): unknown =>
  typeof input === "object" && input !== null ? (input as Record<string, unknown>)[key] : undefined;

const idOf = (value: unknown): number | null =>
  typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null;

/** The ids of the tasks a session worked on: started, given tests results, marked done, or was handed. */
export function tasksWorkedOn(events: readonly SessionEvent[]): number[] {
  const ids = new Set<number>();
  for (const event of events) {
    if (event.type === "tool_use") {
      const p = event.payload as ToolUse;
      if (p.name === START_TASK || p.name === TASK_STATUS) {
        const id = idOf(field(p.input, "task_id"));
        if (id !== null) ids.add(id);
      }
    } else if (event.type === "tool_result") {
      const p = event.payload as ToolResult;
      if (p.is_error) continue;
      if (p.name === TEST_RESULT) {
        const id = idOf(json(p.content).task_id);
        if (id !== null) ids.add(id);
      } else if (p.name === NEXT_TASK) {
        const id = idOf(field(json(p.content).task, "id"));
        if (id !== null) ids.add(id);
      }
    }
  }
  return [...ids].sort((a, b) => a - b);
}

export interface MetricsInput {
  session: Session;
  events: readonly SessionEvent[];
  /** Whether any task worked on is UI work (isUiTask over tasksWorkedOn). */
  uiTask: boolean;
  /** How many tests each task worked on has (a task without tests needs no results before done). */
  testsPerTask: ReadonlyMap<number, number>;
}

export function quickMetrics({ session, events, uiTask, testsPerTask }: MetricsInput): QuickMetrics {
  const calls = new Map<string, ToolUse>();
  let browserCalls = 0;
  let navigations = 0;
  let screenshots = 0;
  let browserAvailable = true;
  let passing = 0;
  let withEvidence = 0;
  let failing = 0;
  let commits = 0;
  let oriented = false;
  let working = false;
  let doneWithoutResults = 0;
  const tasksWithResults = new Set<number>();

  for (const event of events) {
    if (event.type === "system" && (event.payload as EventPayload<"system">).subtype === "browser") {
      browserAvailable = false;
    } else if (event.type === "tool_use") {
      const p = event.payload as ToolUse;
      calls.set(p.tool_use_id, p);
      if (!working && ORIENTING_TOOLS.has(p.name)) oriented = true;
      if (WORK_TOOLS.has(p.name)) working = true;
    } else if (event.type === "tool_result") {
      const p = event.payload as ToolResult;
      const input = calls.get(p.tool_use_id)?.input;
      if (p.is_error) continue;
      if (p.name.startsWith(BROWSER_TOOL_PREFIX)) {
        browserCalls++;
        if (p.name === `${BROWSER_TOOL_PREFIX}navigate`) navigations++;
        if (p.name === `${BROWSER_TOOL_PREFIX}take_screenshot`) screenshots++;
      } else if (p.name === "Bash" && GIT_COMMIT.test(String(field(input, "command") ?? ""))) {
        commits++;
      } else if (p.name === TEST_RESULT) {
        const taskId = idOf(json(p.content).task_id);
        if (taskId !== null) tasksWithResults.add(taskId);
        if (field(input, "passes") === true) {
          passing++;
          const evidence = field(input, "evidence");
          if (typeof evidence === "string" && evidence.trim().length >= MIN_EVIDENCE_CHARS) withEvidence++;
        } else {
          failing++;
        }
      } else if (
        p.name === TASK_STATUS &&
        field(input, "done") === true &&
        json(p.content).status === "done"
      ) {
        const taskId = idOf(field(input, "task_id"));
        if (taskId !== null && (testsPerTask.get(taskId) ?? 0) > 0 && !tasksWithResults.has(taskId)) {
          doneWithoutResults++;
        }
      }
    }
  }

  return {
    status: session.status,
    tool_calls: session.tool_calls,
    tool_errors: session.tool_errors,
    tool_error_rate: session.tool_calls > 0 ? session.tool_errors / session.tool_calls : 0,
    browser_calls: browserCalls,
    browser_navigations: navigations,
    browser_screenshots: screenshots,
    browser_available: browserAvailable,
    ui_task: uiTask,
    tests_marked_passing: passing,
    tests_passing_with_evidence: withEvidence,
    tests_passing_without_evidence: passing - withEvidence,
    tests_marked_failing: failing,
    tasks_completed: session.tasks_completed,
    commits,
    oriented,
    tasks_done_without_test_results: doneWithoutResults,
    denied_commands: session.denied_commands,
    cost_usd: session.cost_usd,
    cost_per_passing_test_usd: session.tests_passed > 0 ? session.cost_usd / session.tests_passed : null,
  };
}
