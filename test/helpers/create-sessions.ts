// Run as a separate process by the SQLite multi-process test: opens the database file given in
// argv and creates sessions for a project as fast as it can.
import { openDatabase } from "../../src/db/database.ts";
import { createStores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";

const [, , path, projectId, count] = process.argv;
const database = await openDatabase(resolveDatabaseTarget(`sqlite:${path}`, { home: "/", cwd: "/" }));
const stores = createStores(database.db);
for (let i = 0; i < Number(count); i++) {
  const s = await stores.sessions.create(Number(projectId), { type: "coding", model: "sonnet" });
  await stores.sessions.appendEvent(s.id, { type: "session_start", payload: { i } });
}
await database.close();
