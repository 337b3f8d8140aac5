import { afterEach } from "vitest";
import {
  batonScript,
  type Script,
  type ScriptedModel,
  startScriptedModel,
} from "../../src/scripted-model/index.ts";
import { createTestDatabase, type TestDatabase } from "./databases.ts";

/**
 * For tests that each need their own scripted model and SQLite database: `setUp(script)` starts
 * both, and they are closed after every test of the calling file.
 */
export function useScriptedRun(): (script?: Script) => Promise<{ model: ScriptedModel; t: TestDatabase }> {
  const open: { model?: ScriptedModel; db?: TestDatabase } = {};
  afterEach(async () => {
    await open.model?.close();
    await open.db?.cleanup();
    open.model = undefined;
    open.db = undefined;
  });
  return async (script = batonScript) => {
    open.model = await startScriptedModel(script);
    open.db = await createTestDatabase("sqlite");
    return { model: open.model, t: open.db };
  };
}
