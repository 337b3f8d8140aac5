import { afterAll, beforeAll } from "vitest";
import { batonScript, type ScriptedModel, startScriptedModel } from "../../src/scripted-model/index.ts";

/** A spec the scripted planner turns into 2 epics, 3 tasks and 3 tests ("Say hello" first). */
export const GREETER_SPEC = `# Greeter

A tiny command-line app.

## Greetings
- Say hello
- Say goodbye

## Help
- Print usage
`;

/** Runs one scripted model server for the tests of the calling file; the getter works inside tests. */
export function useScriptedModel(script = batonScript): () => ScriptedModel {
  let model: ScriptedModel | undefined;
  beforeAll(async () => {
    model = await startScriptedModel(script);
  });
  afterAll(async () => {
    await model?.close();
  });
  return () => {
    if (!model) throw new Error("the scripted model is only available inside a test");
    return model;
  };
}
