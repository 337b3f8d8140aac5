import type {
  EpicLine,
  NextTask,
  SessionLine,
  StatusReport,
  StatusSummary,
  TaskLine,
} from "../projects/status-report.ts";
import { formatDuration } from "../util/duration.ts";
import { clip, plural, progressBar, table, usd, utc } from "./text.ts";

/** `baton status` as text: the sections of the report, in a fixed order, a blank line apart. */
export function formatStatusText(report: StatusReport): string {
  const p = report.project;
  const blocks = [`${p.name} · ${p.status} · ${p.directory}\n`];
  if (report.summary) blocks.push(formatSummary(report, report.summary));
  if (report.epics) blocks.push(formatEpics(report.epics));
  if (report.epic) blocks.push(formatEpic(report.epic, report.epic_tasks ?? []));
  if (report.pending) blocks.push(formatPending(report.pending));
  if (report.recent) blocks.push(formatRecent(report.recent));
  if (report.next) blocks.push(formatNext(report.next));
  return blocks.join("\n");
}

function formatSummary(report: StatusReport, s: StatusSummary): string {
  const p = report.project;
  const rows: [string, string][] = [];
  if (s.tasks.total === 0) {
    rows.push(["Plan", "no plan yet: the initializer session writes it"]);
  } else {
    rows.push([
      "Tasks",
      `${progressBar(s.tasks.done, s.tasks.total)} ${s.tasks.percent}%  ${s.tasks.done}/${s.tasks.total} done · ${s.tasks.in_progress} in progress · ${s.tasks.blocked} blocked`,
    ]);
    rows.push([
      "Tests",
      `${progressBar(s.tests.passing, s.tests.total)} ${s.tests.percent}%  ${s.tests.passing}/${s.tests.total} passing · ${s.tests.failing} failing`,
    ]);
    rows.push(["Epics", `${s.epics.done}/${s.epics.total} done`]);
  }
  const budget = p.budget_usd === null ? "" : ` of a ${usd(p.budget_usd)} budget`;
  rows.push([
    "Cost",
    `${usd(s.cost.total_usd)}${budget} · ${usd(s.cost.per_session_usd)} a session on average (${plural(s.cost.sessions, "session")})` +
      (s.cost.per_task_usd === null ? "" : ` · ${usd(s.cost.per_task_usd)} a finished task`) +
      (s.cost.per_passing_test_usd === null ? "" : ` · ${usd(s.cost.per_passing_test_usd)} a passing test`),
  ]);
  const r = s.running;
  rows.push([
    "Session",
    r === null
      ? "idle"
      : `${r.number} (${r.type}, ${r.model}) running` +
        (r.started_at === null
          ? ""
          : ` since ${utc(r.started_at)} (${formatDuration((r.running_s ?? 0) * 1000)})`) +
        (r.worker_id === null ? "" : ` on ${r.worker_id}`) +
        (r.heartbeat_age_s === null ? "" : `, heartbeat ${formatDuration(r.heartbeat_age_s * 1000)} ago`),
  ]);
  rows.push([
    "Next",
    s.next_task === null
      ? s.finished
        ? "nothing: every task is done and every test passes"
        : "nothing to start"
      : `#${s.next_task.id} ${clip(s.next_task.description, 90)}${s.next_task.status === "in_progress" ? " (in progress)" : ""}`,
  ]);
  if (p.stop_after_current) rows.push(["Stopping", "after the current session (stop-after-current is set)"]);
  if (p.paused_until !== null) rows.push(["Paused", `until ${utc(p.paused_until)}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}\n`).join("");
}

const ratio = (part: number, whole: number) => `${part}/${whole}`;

function formatEpics(epics: EpicLine[]): string {
  if (epics.length === 0) return "No epics yet.\n";
  return table(
    ["ID", "STATUS", "TASKS", "TESTS", "PROGRESS (tests)", "EPIC"],
    epics.map((e) => [
      String(e.id),
      e.status,
      ratio(e.tasks.done, e.tasks.total),
      ratio(e.tests.passing, e.tests.total),
      `${progressBar(e.tests.passing, e.tests.total, 10)} ${e.tests.percent}%`,
      clip(e.name, 60),
    ]),
    [0],
  );
}

function taskTable(tasks: TaskLine[]): string {
  return table(
    ["ID", "EPIC", "STATUS", "TESTS", "TASK"],
    tasks.map((t) => [
      String(t.id),
      String(t.epic_id),
      t.status,
      ratio(t.tests.passing, t.tests.total),
      clip(t.description, 80),
    ]),
    [0, 1],
  );
}

function formatEpic(epic: NonNullable<StatusReport["epic"]>, tasks: TaskLine[]): string {
  const head =
    `Epic ${epic.id}: ${epic.name} · ${epic.status} · tasks ${ratio(epic.tasks.done, epic.tasks.total)}` +
    ` · tests ${ratio(epic.tests.passing, epic.tests.total)} passing\n`;
  const description = epic.description ? `  ${clip(epic.description, 200)}\n` : "";
  return `${head}${description}\n${tasks.length === 0 ? "No tasks yet.\n" : taskTable(tasks)}`;
}

function formatPending(tasks: TaskLine[]): string {
  if (tasks.length === 0) return "No open tasks.\n";
  return `${plural(tasks.length, "open task")}:\n${taskTable(tasks)}`;
}

function formatRecent(sessions: SessionLine[]): string {
  if (sessions.length === 0) return "No sessions yet.\n";
  return table(
    ["#", "TYPE", "STATUS", "MODEL", "DURATION", "TASKS", "TESTS", "TOKENS IN/OUT", "COST", "REASON"],
    sessions.map((s) => [
      String(s.number),
      s.type,
      s.status,
      s.model,
      s.duration_ms === null ? "-" : formatDuration(s.duration_ms),
      String(s.tasks_completed),
      String(s.tests_passed),
      `${s.input_tokens.toLocaleString("en-US")}/${s.output_tokens.toLocaleString("en-US")}`,
      usd(s.cost_usd),
      s.reason === null ? "" : clip(s.reason, 80),
    ]),
    [0, 4, 5, 6, 7, 8],
  );
}

function formatNext(next: NextTask): string {
  const t = next.task;
  if (t === null) return `No next task: ${next.reason ?? "nothing is open"}.\n`;
  const lines = [
    `Next task #${t.id} (epic ${t.epic_id}) · ${t.status} · priority ${t.priority}`,
    `  ${t.description}`,
  ];
  if (t.action) lines.push("", "  Action:", ...t.action.split("\n").map((l) => `    ${l}`));
  if (t.notes) lines.push("", "  Notes:", ...t.notes.split("\n").map((l) => `    ${l}`));
  lines.push("", `  Tests (${ratio(t.tests.passing, t.tests.total)} passing):`);
  if (next.tests.length === 0) lines.push("    none yet");
  for (const test of next.tests) {
    lines.push(`    #${test.id} ${test.status} · ${test.category}: ${test.description}`);
    test.steps.forEach((step, i) => {
      lines.push(`        ${i + 1}. ${step}`);
    });
  }
  return `${lines.join("\n")}\n`;
}
