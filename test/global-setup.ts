import pg from "pg";
import { maskUrl } from "../src/util/mask.ts";

/** Says once, up front, whether the PostgreSQL half of the suite runs, and fails fast if it cannot. */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url) {
    console.log(
      "\nPostgreSQL suite skipped: TEST_DATABASE_URL is not set (to run it: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test)\n",
    );
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL=${maskUrl(url)} is set but PostgreSQL cannot be reached: ${(error as Error).message}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  console.log(`\nPostgreSQL suite enabled against ${maskUrl(url)}\n`);
}
