import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { fail } from "../../errors.ts";
import { fileLogger, processLogPath } from "../../logs/process-log.ts";
import { type ReviewSelection, reviewEntries } from "../../review/review-entries.ts";
import { finalMarkdown, sessionReviewMarkdown, trendsMarkdown } from "../../review/review-report.ts";
import { SessionReviews } from "../../review/session-reviews.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { wholeNumber } from "../parse-args.ts";
import { withProject } from "../project-arg.ts";

export const REVIEW_TYPES = ["session", "trends", "final"] as const;
type ReviewType = (typeof REVIEW_TYPES)[number];

/** Sessions a trend covers when `--last-n` is not given. */
export const DEFAULT_TREND_SESSIONS = 10;

interface ReviewOptions {
  project: string;
  session?: string;
  lastN?: string;
  deep?: boolean;
  type: string;
  output?: string;
}

interface ReviewRequest {
  type: ReviewType;
  selection: ReviewSelection;
  deep: boolean;
}

/** Checks the flags together before anything is opened; every problem names the flag. */
function parseOptions(options: ReviewOptions): ReviewRequest {
  if (!(REVIEW_TYPES as readonly string[]).includes(options.type)) {
    throw fail("BATON_USAGE", {
      reason: `--type: expected one of ${REVIEW_TYPES.join(", ")}, got "${options.type}"`,
    });
  }
  const type = options.type as ReviewType;
  if (options.session !== undefined && options.lastN !== undefined) {
    throw fail("BATON_USAGE", {
      reason: "--session and --last-n cannot be given together: pick one session or the last N",
    });
  }
  if (type !== "session" && (options.session !== undefined || options.deep)) {
    throw fail("BATON_USAGE", {
      reason: `--type ${type} covers many sessions: ${options.deep ? "--deep" : "--session"} only goes with --type session`,
    });
  }
  const session = options.session === undefined ? undefined : wholeNumber("--session", options.session, 1);
  const lastN = options.lastN === undefined ? undefined : wholeNumber("--last-n", options.lastN, 1);
  const selection: ReviewSelection =
    session !== undefined
      ? { session }
      : lastN !== undefined
        ? { lastN }
        : type === "trends"
          ? { lastN: DEFAULT_TREND_SESSIONS }
          : type === "session"
            ? { lastN: 1 }
            : {};
  return { type, selection, deep: options.deep === true };
}

export function registerReviewCommand(program: Command, io: CliIo): void {
  program
    .command("review")
    .description(SUMMARY.review)
    .requiredOption(
      "--project <project>",
      "the project: a directory, a name under project.generations_dir, or a project name or id",
    )
    .option("--session <n>", "one coding session (default: the newest)")
    .option("--last-n <n>", `the newest N coding sessions (--type trends: default ${DEFAULT_TREND_SESSIONS})`)
    .option("--deep", "run a deep review of the session(s) now with models.review, and wait for it")
    .option("--type <type>", `the report: ${REVIEW_TYPES.join(", ")}`, "session")
    .option("--output <file>", "write the report (markdown) to this file instead of printing it")
    .action(async (options: ReviewOptions) => {
      const request = parseOptions(options);
      await withProject(program, io, options.project, async ({ stores, project, config, home }) => {
        const bus = stores.bus;
        const deps = { stores, bus, rules: config.review.rules };
        let entries = await reviewEntries(deps, project.id, request.selection);
        if (request.deep) {
          if (entries.length === 0) {
            throw fail("BATON_SESSION_NOT_FOUND", {
              project_id: project.id,
              reason: `project ${project.name} has no finished coding session to review`,
            });
          }
          const reviews = new SessionReviews({
            stores,
            bus,
            log: fileLogger(processLogPath(home, "review")),
            config,
            env: io.env,
            workerId: `cli:${hostname()}:${process.pid}`,
            home,
          });
          const failures: string[] = [];
          for (const entry of entries) {
            io.err(`deep review of session ${entry.session.number} with ${config.models.review}…\n`);
            const outcome = await reviews.deepNow(entry.session);
            if (outcome.error !== null) failures.push(`session ${entry.session.number}: ${outcome.error}`);
          }
          entries = await reviewEntries(deps, project.id, request.selection);
          if (failures.length > 0) {
            io.out(sessionReviewMarkdown(project, entries));
            throw fail("BATON_SESSION_FAILED", { reason: `the deep review failed: ${failures.join("; ")}` });
          }
        }
        const markdown =
          request.type === "session"
            ? sessionReviewMarkdown(project, entries)
            : request.type === "trends"
              ? trendsMarkdown(project, entries)
              : finalMarkdown(project, await stores.plan.progress(project.id), entries);
        if (options.output === undefined) {
          io.out(markdown);
          return;
        }
        const file = resolve(io.cwd, options.output);
        try {
          writeFileSync(file, markdown);
        } catch (error) {
          throw fail("BATON_USAGE", {
            reason: `--output: cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
        io.out(`wrote the ${request.type} review of ${project.name} to ${file}\n`);
      });
    });
}
