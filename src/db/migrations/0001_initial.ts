import { type Kysely, type Migration, sql } from "kysely";
import { EPIC_STATUSES, TASK_STATUSES, TEST_CATEGORIES, TEST_STATUSES } from "../../plan/model.ts";
import { PROJECT_STATUSES } from "../../projects/model.ts";
import {
  ANALYSIS_STATUSES,
  PROMPT_NAMES,
  PROMPT_VERSION_SOURCES,
  PROPOSAL_STATUSES,
  QUALITY_CHECK_KINDS,
} from "../../review/model.ts";
import { SESSION_STATUSES, SESSION_TYPES, USAGE_COUNTERS } from "../../sessions/model.ts";
import { autoId, type Dialect, oneOf } from "../dialect.ts";

// CHECK constraints are built from the domain's closed unions, so each status is spelled once.
// A union that grows after release needs a new migration that widens its constraint.
export function initial(dialect: Dialect): Migration {
  const id = autoId(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("projects")
        .addColumn("id", "integer", id)
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("directory", "text", (c) => c.notNull().unique())
        .addColumn("spec_path", "text")
        .addColumn("spec_sha256", "text")
        .addColumn("status", "text", (c) => c.notNull().defaultTo("created"))
        .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("budget_usd", "double precision")
        .addColumn("total_cost_usd", "double precision", (c) => c.notNull().defaultTo(0))
        .addColumn("init_commit_sha", "text")
        // Session number counters (see SessionStore.create): the row lock of their increment
        // serializes concurrent creators, so numbers are never handed out twice.
        .addColumn("work_sessions_created", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("review_sessions_created", "integer", (c) => c.notNull().defaultTo(0))
        // Orchestration state that must be visible to every process: a person's request to stop
        // once the running session ends, and until when the run waits on a rate limit.
        .addColumn("stop_after_current", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("paused_until", "text")
        .addColumn("completed_at", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addCheckConstraint("projects_status_check", oneOf("status", PROJECT_STATUSES))
        .addCheckConstraint("projects_budget_check", sql`budget_usd is null or budget_usd > 0`)
        .addCheckConstraint("projects_stop_after_current_check", sql`stop_after_current in (0, 1)`)
        .execute();

      await db.schema
        .createTable("prompt_versions")
        .addColumn("id", "integer", id)
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("content", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("active", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("notes", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("activated_at", "text")
        .addUniqueConstraint("prompt_versions_name_version_unique", ["name", "version"])
        .addCheckConstraint("prompt_versions_name_check", oneOf("name", PROMPT_NAMES))
        .addCheckConstraint("prompt_versions_source_check", oneOf("source", PROMPT_VERSION_SOURCES))
        .addCheckConstraint("prompt_versions_active_check", sql`active in (0, 1)`)
        .execute();
      await db.schema
        .createIndex("prompt_versions_one_active_per_name")
        .on("prompt_versions")
        .column("name")
        .unique()
        .where(sql.ref("active"), "=", 1)
        .execute();

      let sessions = db.schema
        .createTable("sessions")
        .addColumn("id", "integer", id)
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("number", "integer", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("model", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("prompt_version_id", "integer", (c) =>
          c.references("prompt_versions.id").onDelete("set null"),
        )
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("started_at", "text")
        .addColumn("ended_at", "text")
        .addColumn("error", "text")
        .addColumn("interruption_reason", "text")
        .addColumn("cost_usd", "double precision", (c) => c.notNull().defaultTo(0));
      for (const counter of USAGE_COUNTERS) {
        sessions = sessions.addColumn(counter, "bigint", (c) => c.notNull().defaultTo(0));
      }
      await sessions
        .addColumn("event_count", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("worker_id", "text")
        .addColumn("heartbeat_at", "text")
        .addColumn("log_path", "text")
        .addCheckConstraint("sessions_type_check", oneOf("type", SESSION_TYPES))
        .addCheckConstraint("sessions_status_check", oneOf("status", SESSION_STATUSES))
        .addCheckConstraint("sessions_number_check", sql`number >= 0`)
        .execute();
      // One running session per project (reviews run beside the work and are exempt).
      await db.schema
        .createIndex("sessions_one_running_per_project")
        .on("sessions")
        .column("project_id")
        .unique()
        .where(sql<boolean>`status = 'running' and type <> 'review'`)
        .execute();
      await db.schema
        .createIndex("sessions_work_number_unique")
        .on("sessions")
        .columns(["project_id", "number"])
        .unique()
        .where(sql<boolean>`type <> 'review'`)
        .execute();
      await db.schema
        .createIndex("sessions_review_number_unique")
        .on("sessions")
        .columns(["project_id", "number"])
        .unique()
        .where(sql<boolean>`type = 'review'`)
        .execute();
      await db.schema
        .createIndex("sessions_status_heartbeat")
        .on("sessions")
        .columns(["status", "heartbeat_at"])
        .execute();

      await db.schema
        .createTable("epics")
        .addColumn("id", "integer", id)
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("priority", "integer", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("completed_at", "text")
        .addUniqueConstraint("epics_project_name_unique", ["project_id", "name"])
        .addCheckConstraint("epics_status_check", oneOf("status", EPIC_STATUSES))
        .execute();
      await db.schema
        .createIndex("epics_project_order")
        .on("epics")
        .columns(["project_id", "priority", "id"])
        .execute();

      await db.schema
        .createTable("tasks")
        .addColumn("id", "integer", id)
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("epic_id", "integer", (c) => c.notNull().references("epics.id").onDelete("cascade"))
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("priority", "integer", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("session_id", "integer", (c) => c.references("sessions.id").onDelete("set null"))
        .addColumn("notes", "text")
        .addColumn("started_at", "text")
        .addColumn("completed_at", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addCheckConstraint("tasks_status_check", oneOf("status", TASK_STATUSES))
        .execute();
      await db.schema
        .createIndex("tasks_project_status")
        .on("tasks")
        .columns(["project_id", "status"])
        .execute();
      await db.schema
        .createIndex("tasks_epic_order")
        .on("tasks")
        .columns(["epic_id", "priority", "id"])
        .execute();

      await db.schema
        .createTable("tests")
        .addColumn("id", "integer", id)
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
        .addColumn("category", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("steps", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("status", "text", (c) => c.notNull().defaultTo("unknown"))
        .addColumn("verified_at", "text")
        .addColumn("session_id", "integer", (c) => c.references("sessions.id").onDelete("set null"))
        .addColumn("evidence", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addCheckConstraint("tests_category_check", oneOf("category", TEST_CATEGORIES))
        .addCheckConstraint("tests_status_check", oneOf("status", TEST_STATUSES))
        .execute();
      await db.schema.createIndex("tests_task").on("tests").columns(["task_id", "id"]).execute();
      await db.schema
        .createIndex("tests_project_status")
        .on("tests")
        .columns(["project_id", "status"])
        .execute();

      await db.schema
        .createTable("session_events")
        .addColumn("id", dialect === "postgres" ? "bigint" : "integer", id)
        // Project-level events (between sessions: countdowns, pauses, completion) have no session
        // and no per-session sequence number; the id orders every event of a project.
        .addColumn("session_id", "integer", (c) => c.references("sessions.id").onDelete("cascade"))
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("seq", "integer")
        .addColumn("ts", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addUniqueConstraint("session_events_session_seq_unique", ["session_id", "seq"])
        .addCheckConstraint("session_events_seq_check", sql`(session_id is null) = (seq is null)`)
        .execute();
      await db.schema
        .createIndex("session_events_project")
        .on("session_events")
        .columns(["project_id", "id"])
        .execute();

      await db.schema
        .createTable("quality_checks")
        .addColumn("id", "integer", id)
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("session_id", "integer", (c) => c.notNull().references("sessions.id").onDelete("cascade"))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("rating", "integer")
        .addColumn("metrics", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("issues", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("recommendations", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("report_markdown", "text")
        .addColumn("model", "text")
        .addColumn("cost_usd", "double precision", (c) => c.notNull().defaultTo(0))
        .addColumn("prompt_version_id", "integer", (c) =>
          c.references("prompt_versions.id").onDelete("set null"),
        )
        .addColumn("created_at", "text", (c) => c.notNull())
        .addCheckConstraint("quality_checks_kind_check", oneOf("kind", QUALITY_CHECK_KINDS))
        .addCheckConstraint(
          "quality_checks_rating_check",
          sql`rating is null or (rating >= 1 and rating <= 10)`,
        )
        .execute();
      await db.schema
        .createIndex("quality_checks_session")
        .on("quality_checks")
        .columns(["session_id", "kind"])
        .execute();
      await db.schema
        .createIndex("quality_checks_project")
        .on("quality_checks")
        .columns(["project_id", "created_at"])
        .execute();

      await db.schema
        .createTable("prompt_analyses")
        .addColumn("id", "integer", id)
        .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("project_ids", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("date_from", "text")
        .addColumn("date_to", "text")
        .addColumn("sessions_analyzed", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("themes", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("summary_markdown", "text")
        .addColumn("model", "text")
        .addColumn("cost_usd", "double precision", (c) => c.notNull().defaultTo(0))
        .addColumn("error", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("completed_at", "text")
        .addCheckConstraint("prompt_analyses_status_check", oneOf("status", ANALYSIS_STATUSES))
        .execute();

      await db.schema
        .createTable("prompt_proposals")
        .addColumn("id", "integer", id)
        .addColumn("analysis_id", "integer", (c) =>
          c.notNull().references("prompt_analyses.id").onDelete("cascade"),
        )
        .addColumn("prompt_name", "text", (c) => c.notNull())
        .addColumn("prompt_version_id", "integer", (c) =>
          c.references("prompt_versions.id").onDelete("set null"),
        )
        .addColumn("theme", "text", (c) => c.notNull())
        .addColumn("before_text", "text", (c) => c.notNull())
        .addColumn("after_text", "text", (c) => c.notNull())
        .addColumn("rationale", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("evidence", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("confidence", "double precision")
        .addColumn("status", "text", (c) => c.notNull().defaultTo("proposed"))
        .addColumn("applied_version_id", "integer", (c) =>
          c.references("prompt_versions.id").onDelete("set null"),
        )
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addCheckConstraint("prompt_proposals_name_check", oneOf("prompt_name", PROMPT_NAMES))
        .addCheckConstraint("prompt_proposals_status_check", oneOf("status", PROPOSAL_STATUSES))
        .addCheckConstraint(
          "prompt_proposals_confidence_check",
          sql`confidence is null or (confidence >= 0 and confidence <= 1)`,
        )
        .execute();
      await db.schema
        .createIndex("prompt_proposals_analysis")
        .on("prompt_proposals")
        .column("analysis_id")
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of [
        "prompt_proposals",
        "prompt_analyses",
        "quality_checks",
        "session_events",
        "tests",
        "tasks",
        "epics",
        "sessions",
        "prompt_versions",
        "projects",
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
