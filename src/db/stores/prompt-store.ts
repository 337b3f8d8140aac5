import { createHash } from "node:crypto";
import type { Selectable, Transaction } from "kysely";
import { type BatonError, fail } from "../../errors.ts";
import type {
  AnalysisStatus,
  PromptAnalysis,
  PromptName,
  PromptProposal,
  PromptVersion,
  PromptVersionSource,
  ProposalStatus,
} from "../../review/model.ts";
import { applyEdit, checkEdit, EDIT_PROBLEM_TEXT } from "../../review/prompt-edit.ts";
import { assertProposalTransition } from "../../review/proposal-rules.ts";
import { isoNow } from "../clock.ts";
import type { DatabaseSchema, PromptAnalysesTable, PromptProposalsTable } from "../schema.ts";
import { PromptReader, toVersion } from "./prompt-reader.ts";

type Executor = Transaction<DatabaseSchema>;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function toAnalysis(row: Selectable<PromptAnalysesTable>): PromptAnalysis {
  return {
    ...row,
    project_ids: JSON.parse(row.project_ids) as number[],
    themes: JSON.parse(row.themes) as unknown[],
  };
}

function toProposal(row: Selectable<PromptProposalsTable>): PromptProposal {
  return { ...row, evidence: JSON.parse(row.evidence) as unknown[] };
}

export interface NewVersion {
  name: PromptName;
  content: string;
  source: PromptVersionSource;
  notes?: string | null;
}

export interface NewProposal {
  prompt_name: PromptName;
  prompt_version_id?: number | null;
  theme: string;
  before_text: string;
  after_text: string;
  rationale?: string;
  evidence?: unknown[];
  confidence?: number | null;
}

/**
 * Prompt versions (at most one active per prompt name, enforced by a partial unique index),
 * prompt-improvement analyses and their proposals.
 */
import { withEvents } from "./event-log.ts";

export class PromptStore extends PromptReader {
  /** Stores a new version of a prompt (numbered 1, 2, …); `activate` makes it the one sessions use. */
  async createVersion(input: NewVersion & { activate?: boolean }): Promise<PromptVersion> {
    return this.deps.db.transaction().execute(async (trx) => {
      const created = await this.insertVersion(trx, input);
      return input.activate ? this.activateIn(trx, created.id) : created;
    });
  }

  /**
   * Stores a built-in prompt's text as its new active version — unless the newest version is this
   * text, active (another process stored it a moment ago): then that one. The newest version is
   * read once, and the new one numbered after it: a process that stored one in between makes
   * this insert a unique violation, never a second copy.
   */
  async activateBuiltin(name: PromptName, content: string): Promise<PromptVersion> {
    return this.deps.db.transaction().execute(async (trx) => {
      const newest = await trx
        .selectFrom("prompt_versions")
        .selectAll()
        .where("name", "=", name)
        .orderBy("version", "desc")
        .limit(1)
        .executeTakeFirst();
      if (newest && newest.active === 1 && newest.sha256 === sha256(content)) return toVersion(newest);
      const input = { name, content, source: "builtin" as const };
      const created = await this.insertVersion(trx, input, newest?.version ?? 0);
      return this.activateIn(trx, created.id);
    });
  }

  /** Makes one version the active one for its prompt (rolling back is activating an older one). */
  async activate(versionId: number): Promise<PromptVersion> {
    return this.deps.db.transaction().execute((trx) => this.activateIn(trx, versionId));
  }

  /** Inserts `input` as the version after `after` (by default, after the newest one). */
  private async insertVersion(trx: Executor, input: NewVersion, after?: number): Promise<PromptVersion> {
    const max =
      after ??
      (
        await trx
          .selectFrom("prompt_versions")
          .select((eb) => eb.fn.max<number | null>("version").as("max"))
          .where("name", "=", input.name)
          .executeTakeFirstOrThrow()
      ).max;
    const row = await trx
      .insertInto("prompt_versions")
      .values({
        name: input.name,
        version: max === null ? 1 : Number(max) + 1,
        content: input.content,
        sha256: sha256(input.content),
        source: input.source,
        notes: input.notes ?? null,
        created_at: isoNow(this.deps.clock),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVersion(row);
  }

  private async activateIn(trx: Executor, versionId: number): Promise<PromptVersion> {
    const version = await trx
      .selectFrom("prompt_versions")
      .selectAll()
      .where("id", "=", versionId)
      .executeTakeFirst();
    if (!version) throw versionNotFound(versionId);
    await trx
      .updateTable("prompt_versions")
      .set({ active: 0 })
      .where("name", "=", version.name)
      .where("active", "=", 1)
      .execute();
    const row = await trx
      .updateTable("prompt_versions")
      .set({ active: 1, activated_at: isoNow(this.deps.clock) })
      .where("id", "=", versionId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVersion(row);
  }

  async active(name: PromptName): Promise<PromptVersion | null> {
    const row = await this.deps.db
      .selectFrom("prompt_versions")
      .selectAll()
      .where("name", "=", name)
      .where("active", "=", 1)
      .executeTakeFirst();
    return row ? toVersion(row) : null;
  }

  async getVersion(versionId: number): Promise<PromptVersion> {
    const row = await this.deps.db
      .selectFrom("prompt_versions")
      .selectAll()
      .where("id", "=", versionId)
      .executeTakeFirst();
    if (!row) throw versionNotFound(versionId);
    return toVersion(row);
  }

  /** A prompt's version by its number (`coding` version 3). */
  async getVersionByNumber(name: PromptName, version: number): Promise<PromptVersion> {
    const row = await this.deps.db
      .selectFrom("prompt_versions")
      .selectAll()
      .where("name", "=", name)
      .where("version", "=", version)
      .executeTakeFirst();
    if (!row) {
      throw fail("BATON_PROMPT_VERSION_NOT_FOUND", { name, version });
    }
    return toVersion(row);
  }

  async createAnalysis(input: {
    project_ids: number[];
    date_from?: string | null;
    date_to?: string | null;
  }): Promise<PromptAnalysis> {
    const row = await this.deps.db
      .insertInto("prompt_analyses")
      .values({
        status: "pending",
        project_ids: JSON.stringify(input.project_ids),
        themes: "[]",
        date_from: input.date_from ?? null,
        date_to: input.date_to ?? null,
        created_at: isoNow(this.deps.clock),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAnalysis(row);
  }

  async updateAnalysis(
    analysisId: number,
    patch: {
      status?: AnalysisStatus;
      sessions_analyzed?: number;
      themes?: unknown[];
      summary_markdown?: string | null;
      model?: string | null;
      cost_usd?: number;
      error?: string | null;
    },
  ): Promise<PromptAnalysis> {
    const { themes, ...rest } = patch;
    const finished = patch.status === "completed" || patch.status === "error";
    return withEvents(this.deps, async (trx, emit) => {
      const row = await trx
        .updateTable("prompt_analyses")
        .set({
          ...rest,
          ...(themes === undefined ? {} : { themes: JSON.stringify(themes) }),
          ...(finished ? { completed_at: isoNow(this.deps.clock) } : {}),
        })
        .where("id", "=", analysisId)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw analysisNotFound(analysisId);
      if (patch.status === "completed" || patch.status === "error") {
        const { n } = await trx
          .selectFrom("prompt_proposals")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("analysis_id", "=", analysisId)
          .executeTakeFirstOrThrow();
        await emit({ project_id: null }, "analysis_complete", {
          analysis_id: analysisId,
          status: patch.status,
          proposals: Number(n),
        });
      }
      return toAnalysis(row);
    });
  }

  async getAnalysis(analysisId: number): Promise<PromptAnalysis> {
    const row = await this.deps.db
      .selectFrom("prompt_analyses")
      .selectAll()
      .where("id", "=", analysisId)
      .executeTakeFirst();
    if (!row) throw analysisNotFound(analysisId);
    return toAnalysis(row);
  }

  async listAnalyses(): Promise<PromptAnalysis[]> {
    const rows = await this.deps.db.selectFrom("prompt_analyses").selectAll().orderBy("id", "desc").execute();
    return rows.map(toAnalysis);
  }

  /** Deletes an analysis and its proposals. */
  async deleteAnalysis(analysisId: number): Promise<void> {
    const result = await this.deps.db
      .deleteFrom("prompt_analyses")
      .where("id", "=", analysisId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw analysisNotFound(analysisId);
  }

  async addProposals(analysisId: number, proposals: NewProposal[]): Promise<PromptProposal[]> {
    if (proposals.length === 0) return [];
    await this.getAnalysis(analysisId);
    const now = isoNow(this.deps.clock);
    const rows = await this.deps.db
      .insertInto("prompt_proposals")
      .values(
        proposals.map((p) => ({
          analysis_id: analysisId,
          prompt_name: p.prompt_name,
          prompt_version_id: p.prompt_version_id ?? null,
          theme: p.theme,
          before_text: p.before_text,
          after_text: p.after_text,
          rationale: p.rationale ?? "",
          evidence: JSON.stringify(p.evidence ?? []),
          confidence: p.confidence ?? null,
          status: "proposed" as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .returningAll()
      .execute();
    return rows.map(toProposal).sort((a, b) => a.id - b.id);
  }

  /** The proposals of one analysis, or of all (newest analysis first), optionally of one status. */
  async listProposals(
    analysisId?: number,
    options: { status?: ProposalStatus } = {},
  ): Promise<PromptProposal[]> {
    let query = this.deps.db.selectFrom("prompt_proposals").selectAll();
    query =
      analysisId === undefined
        ? query.orderBy("analysis_id", "desc").orderBy("id")
        : query.where("analysis_id", "=", analysisId).orderBy("id");
    if (options.status !== undefined) query = query.where("status", "=", options.status);
    return (await query.execute()).map(toProposal);
  }

  async getProposal(proposalId: number): Promise<PromptProposal> {
    const row = await this.deps.db
      .selectFrom("prompt_proposals")
      .selectAll()
      .where("id", "=", proposalId)
      .executeTakeFirst();
    if (!row) throw proposalNotFound(proposalId);
    return toProposal(row);
  }

  /**
   * Moves a proposal to `accepted` or `rejected` (see proposal-rules.ts); `applied` only comes
   * from applyProposal, which writes the new version with it.
   */
  async setProposalStatus(proposalId: number, status: "accepted" | "rejected"): Promise<PromptProposal> {
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await proposalIn(trx, proposalId);
      assertProposalTransition(proposalId, current.status, status);
      return this.updateProposal(trx, current, { status });
    });
  }

  /**
   * Applies a proposal in one transaction: the active version of its prompt with the proposal's
   * before text replaced by its after text becomes a new, active version (source `proposal`), and
   * the proposal is marked applied with that version. When the before text is no longer in the
   * active version (exactly once), nothing is written and BATON_PROPOSAL_STALE says why.
   */
  async applyProposal(
    proposalId: number,
  ): Promise<{ proposal: PromptProposal; version: PromptVersion; previous: PromptVersion }> {
    return this.deps.db.transaction().execute(async (trx) => {
      const proposal = await proposalIn(trx, proposalId);
      assertProposalTransition(proposalId, proposal.status, "applied");
      const active = await trx
        .selectFrom("prompt_versions")
        .selectAll()
        .where("name", "=", proposal.prompt_name)
        .where("active", "=", 1)
        .executeTakeFirst();
      const content = active ? applyEdit(active.content, proposal.before_text, proposal.after_text) : null;
      if (!active || content === null) {
        const problem = active ? checkEdit(active.content, proposal.before_text, proposal.after_text) : null;
        const where = active
          ? `version ${active.version} of the ${active.name} prompt`
          : `the ${proposal.prompt_name} prompt (no active version)`;
        throw fail("BATON_PROPOSAL_STALE", {
          proposal_id: proposalId,
          where,
          prompt: proposal.prompt_name,
          version: active?.version ?? null,
          problem,
          reason: problem ? EDIT_PROBLEM_TEXT[problem] : "there is nothing to edit",
        });
      }
      const created = await this.insertVersion(trx, {
        name: proposal.prompt_name,
        content,
        source: "proposal",
        notes: `proposal ${proposal.id} (analysis ${proposal.analysis_id}, ${proposal.theme}) applied to version ${active.version}`,
      });
      const version = await this.activateIn(trx, created.id);
      const applied = await this.updateProposal(trx, proposal, {
        status: "applied",
        applied_version_id: version.id,
      });
      return { proposal: applied, version, previous: toVersion(active) };
    });
  }

  /**
   * Writes a proposal's new status, only if it still has the status it was read with: of two
   * people deciding at once, the second gets a conflict (and its transaction rolls back).
   */
  private async updateProposal(
    trx: Executor,
    current: PromptProposal,
    patch: { status: ProposalStatus; applied_version_id?: number },
  ): Promise<PromptProposal> {
    const row = await trx
      .updateTable("prompt_proposals")
      .set({ ...patch, updated_at: isoNow(this.deps.clock) })
      .where("id", "=", current.id)
      .where("status", "=", current.status)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      throw fail("BATON_PROPOSAL_INVALID_TRANSITION", {
        proposal_id: current.id,
        reason: "was changed meanwhile; look at it again",
      });
    }
    return toProposal(row);
  }
}

async function proposalIn(trx: Executor, proposalId: number): Promise<PromptProposal> {
  const row = await trx
    .selectFrom("prompt_proposals")
    .selectAll()
    .where("id", "=", proposalId)
    .executeTakeFirst();
  if (!row) throw proposalNotFound(proposalId);
  return toProposal(row);
}

function proposalNotFound(id: number): BatonError {
  return fail("BATON_PROPOSAL_NOT_FOUND", { proposal_id: id });
}

function versionNotFound(id: number): BatonError {
  return fail("BATON_PROMPT_VERSION_NOT_FOUND", { version_id: id });
}

function analysisNotFound(id: number): BatonError {
  return fail("BATON_ANALYSIS_NOT_FOUND", { analysis_id: id });
}
