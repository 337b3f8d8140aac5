/** A PostgreSQL schema of its own for one bench run (and the job queue's beside it), and its removal. */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export async function freshSchema(): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const schema = `baton_bench_${randomBytes(5).toString("hex")}`;
  await admin(`create schema ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    drop: () =>
      admin(
        `drop schema if exists ${schema} cascade`,
        `drop schema if exists "${`baton_jobs_${schema}`.slice(0, 50)}" cascade`,
      ),
  };
}

async function admin(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}
