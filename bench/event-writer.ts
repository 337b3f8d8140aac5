/**
 * The second process of bench:events: opens the database and records `count` project events at
 * `rate` per second (as a `baton run` in a terminal records its events), then prints the ids it
 * wrote as JSON. Usage: node --import tsx bench/event-writer.ts <database url> <project id> <count> <rate>
 */
import { openDatabase } from "../src/db/database.ts";
import { createStores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import { recordProjectEvent } from "../src/events/project-events.ts";

const [url = "", project = "", count = "", rate = ""] = process.argv.slice(2);
const database = await openDatabase(resolveDatabaseTarget(url, { home: process.cwd(), cwd: process.cwd() }), {
  migrate: false,
});
const stores = createStores(database.db);
const ids: number[] = [];
const started = performance.now();
const every = 1000 / Number(rate);
for (let i = 0; i < Number(count); i++) {
  // On schedule, not after each write: a slow write does not lower the rate that follows.
  const wait = started + i * every - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const event = await recordProjectEvent(stores, Number(project), "auto_continue", {
    delay_s: 0,
    next_session: i,
  });
  ids.push(event.id);
}
await database.close();
process.stdout.write(JSON.stringify(ids));
