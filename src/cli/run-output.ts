import type { Stores } from "../db/stores/index.ts";
import type { BatonEvent } from "../events/catalog.ts";
import { formatDuration } from "../util/duration.ts";
import type { CliIo } from "./io.ts";

/** What `baton run` shows while it works. */
export interface RunOutputOptions {
  verbose: boolean;
}

const short = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

/**
 * Turns a run's events into terminal output. Quiet by default: a line per session and per run
 * event. On a terminal a status line (session, task, tests passing, cost, elapsed) is redrawn in
 * place; `verbose` adds every tool call and the model's text.
 */
export class RunOutput {
  private readonly started = Date.now();
  private session: number | null = null;
  private task = "";
  private tests = "";
  private cost = 0;
  private statusShown = false;
  private timer: NodeJS.Timeout | undefined;
  /** Deep reviews run beside the sessions: their events are not the run's. */
  private readonly reviewSessions = new Set<number>();

  constructor(
    private readonly io: CliIo,
    private readonly stores: Stores,
    private readonly projectId: number,
    private readonly options: RunOutputOptions,
  ) {
    if (io.isTTY) {
      this.timer = setInterval(() => this.drawStatus(), 1_000);
      this.timer.unref();
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.clearStatus();
  }

  /** Prints a line above the status line. */
  line(text: string): void {
    this.clearStatus();
    this.io.out(`${text}\n`);
    this.drawStatus();
  }

  async handle(event: BatonEvent): Promise<void> {
    if (event.project_id !== this.projectId) return;
    const p = event.payload as Record<string, unknown>;
    if (event.type === "session_start" && p.session_type === "review" && event.session_id !== null) {
      this.reviewSessions.add(event.session_id);
    }
    if (event.session_id !== null && this.reviewSessions.has(event.session_id)) return;
    switch (event.type) {
      case "session_start":
        this.session = Number(p.session_number);
        this.task = "";
        this.line(`session ${this.session} (${String(p.session_type)}) started, model ${String(p.model)}`);
        break;
      case "session_end": {
        const m = p.metrics as Record<string, number>;
        this.cost = (await this.stores.projects.get(this.projectId)).total_cost_usd;
        this.line(
          `session ${this.session} ${String(p.status)} in ${formatDuration(Number(p.duration_ms))}: ` +
            `${m.tasks_completed ?? 0} tasks done, ${m.tests_passed ?? 0} tests passed, ${m.tool_calls ?? 0} tool calls, ` +
            `$${(m.cost_usd ?? 0).toFixed(2)}${p.reason ? ` (${String(p.reason)})` : ""}`,
        );
        this.session = null;
        break;
      }
      case "tool_use":
        if (p.name === "mcp__tasks__start_task") await this.noteTask(p.input);
        if (this.options.verbose) this.line(`  → ${String(p.name)} ${short(JSON.stringify(p.input), 120)}`);
        break;
      case "tool_result":
        if (String(p.name).startsWith("mcp__tasks__update_test_result")) await this.noteTests();
        if (this.options.verbose && p.is_error) this.line(`  ✗ ${short(String(p.content), 160)}`);
        break;
      case "assistant_text":
        if (this.options.verbose) this.line(`  ${short(String(p.text), 160)}`);
        break;
      case "error":
        this.line(`  error: ${String(p.message)}`);
        break;
      case "auto_continue":
        this.line(`next session (${String(p.next_session)}) in ${String(p.delay_s)}s`);
        break;
      case "paused":
        this.line(`paused until ${String(p.until)}: ${String(p.reason)}`);
        break;
      case "resumed":
        this.line(`resumed: ${String(p.reason)}`);
        break;
      case "recovered":
        this.line(
          `session ${String(p.session_number)} was left running by a dead worker; marked interrupted`,
        );
        break;
      case "review_complete":
        this.line(
          `session ${String(p.session_number)} ${p.kind === "deep" ? "deep review" : "quick check"}: ${p.rating === null ? "no rating" : `${String(p.rating)}/10`}`,
        );
        break;
      case "review_failed":
        this.line(
          `session ${String(p.session_number)} ${String(p.kind)} review failed: ${String(p.message)}`,
        );
        break;
      case "project_complete":
        this.line(`project complete after ${String(p.sessions)} sessions, $${Number(p.cost_usd).toFixed(2)}`);
        break;
      default:
        break;
    }
  }

  private async noteTask(input: unknown): Promise<void> {
    const id = (input as { task_id?: unknown } | undefined)?.task_id;
    try {
      const task = await this.stores.plan.getTask(this.projectId, String(id));
      this.task = `task ${task.id} "${short(task.description, 40)}"`;
    } catch {
      this.task = `task ${String(id)}`;
    }
    if (!this.io.isTTY && !this.options.verbose) this.line(`  working on ${this.task}`);
  }

  private async noteTests(): Promise<void> {
    const p = await this.stores.plan.progress(this.projectId);
    this.tests = `tests ${p.tests_passing}/${p.tests_total}`;
  }

  private drawStatus(): void {
    if (!this.io.isTTY || this.session === null) return;
    const parts = [
      `session ${this.session}`,
      this.task,
      this.tests,
      `$${this.cost.toFixed(2)}`,
      formatDuration(Date.now() - this.started),
    ];
    this.io.out(`\r\x1b[K${parts.filter(Boolean).join(" · ")}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (this.statusShown) this.io.out("\r\x1b[K");
    this.statusShown = false;
  }
}
