import { createHash } from "node:crypto";
import type { Selectable } from "kysely";
import { BatonError } from "../../errors.ts";
import type {
  AnalysisStatus,
  PromptAnalysis,
  PromptName,
  PromptProposal,
  PromptVersion,
  PromptVersionSource,
  ProposalStatus,
} from "../../review/model.ts";
import { type Clock, isoNow } from "../clock.ts";
import type { Db } from "../database.ts";
import type { PromptAnalysesTable, PromptProposalsTable, PromptVersionsTable } from "../schema.ts";

function toVersion(row: Selectable<PromptVersionsTable>): PromptVersion {
  return { ...row, active: row.active === 1 };
}

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
export class PromptStore {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  /** Stores a new version of a prompt (numbered 1, 2, …); `activate` makes it the one sessions use. */
  async createVersion(input: {
    name: PromptName;
    content: string;
    source: PromptVersionSource;
    notes?: string | null;
    activate?: boolean;
  }): Promise<PromptVersion> {
    const created = await this.deps.db.transaction().execute(async (trx) => {
      const { max } = await trx
        .selectFrom("prompt_versions")
        .select((eb) => eb.fn.max<number | null>("version").as("max"))
        .where("name", "=", input.name)
        .executeTakeFirstOrThrow();
      return trx
        .insertInto("prompt_versions")
        .values({
          name: input.name,
          version: max === null ? 1 : Number(max) + 1,
          content: input.content,
          sha256: createHash("sha256").update(input.content).digest("hex"),
          source: input.source,
          notes: input.notes ?? null,
          created_at: isoNow(this.deps.clock),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return input.activate ? this.activate(created.id) : toVersion(created);
  }

  /** Makes one version the active one for its prompt (rolling back is activating an older one). */
  async activate(versionId: number): Promise<PromptVersion> {
    return this.deps.db.transaction().execute(async (trx) => {
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
    });
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

  async listVersions(name?: PromptName): Promise<PromptVersion[]> {
    let query = this.deps.db.selectFrom("prompt_versions").selectAll().orderBy("name").orderBy("version");
    if (name !== undefined) query = query.where("name", "=", name);
    return (await query.execute()).map(toVersion);
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
    const row = await this.deps.db
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
    return toAnalysis(row);
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

  async listProposals(analysisId: number): Promise<PromptProposal[]> {
    const rows = await this.deps.db
      .selectFrom("prompt_proposals")
      .selectAll()
      .where("analysis_id", "=", analysisId)
      .orderBy("id")
      .execute();
    return rows.map(toProposal);
  }

  async setProposalStatus(
    proposalId: number,
    status: ProposalStatus,
    appliedVersionId: number | null = null,
  ): Promise<PromptProposal> {
    const row = await this.deps.db
      .updateTable("prompt_proposals")
      .set({
        status,
        updated_at: isoNow(this.deps.clock),
        ...(status === "applied" ? { applied_version_id: appliedVersionId } : {}),
      })
      .where("id", "=", proposalId)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      throw new BatonError("BATON_PROPOSAL_NOT_FOUND", `no prompt proposal with the id ${proposalId}`, {
        proposal_id: proposalId,
      });
    }
    return toProposal(row);
  }
}

function versionNotFound(id: number): BatonError {
  return new BatonError("BATON_PROMPT_VERSION_NOT_FOUND", `no prompt version with the id ${id}`, {
    version_id: id,
  });
}

function analysisNotFound(id: number): BatonError {
  return new BatonError("BATON_ANALYSIS_NOT_FOUND", `no prompt analysis with the id ${id}`, {
    analysis_id: id,
  });
}
