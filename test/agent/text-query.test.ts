import { afterAll, beforeAll, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { runTextQuery } from "../../src/agent/text-query.ts";
import {
  lastUserText,
  type ScriptedModel,
  startScriptedModel,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";
import { makeWorld } from "../helpers/world.ts";

let model: ScriptedModel;
beforeAll(async () => {
  model = await startScriptedModel((request) =>
    lastUserText(request).includes("use a tool")
      ? toolUseReply({ name: "Bash", input: { command: "ls" } })
      : textReply(`You asked: ${lastUserText(request).trim()}`),
  );
});
afterAll(() => model.close());

const env = () => ({ ...withoutCredentials(process.env), ...model.env() });

it("asks one question with no tools through the real binary and returns the text, cost, usage and model", async () => {
  const before = model.requests.length;
  const events: string[] = [];
  const result = await runTextQuery({
    model: "sonnet",
    systemPrompt: "You answer briefly.",
    prompt: "What is two and two?",
    env: env(),
    cwd: makeWorld().cwd,
    onEvent: (event) => {
      events.push(event.type);
    },
  });
  expect(result.text).toBe("You asked: What is two and two?");
  expect(result.cost_usd).toBeGreaterThanOrEqual(0);
  expect(result.usage.output_tokens).toBeGreaterThan(0);
  expect(result.model).toMatch(/sonnet/);
  expect(events).toContain("assistant_text");
  expect(events.at(-1)).toBe("result");
  const main = model.requests.slice(before).filter((r) => r.kind === "main");
  expect(main).toHaveLength(1);
  expect(main[0]?.toolNames).toEqual([]);
  expect(JSON.stringify(main[0]?.request?.system)).toContain("You answer briefly.");
});

it("fails with BATON_SESSION_FAILED when the model answers with a tool call instead of text", async () => {
  await expect(
    runTextQuery({
      model: "sonnet",
      systemPrompt: "x",
      prompt: "use a tool",
      env: env(),
      cwd: makeWorld().cwd,
    }),
  ).rejects.toMatchObject({ code: "BATON_SESSION_FAILED" });
});

it("refuses before calling anything when there are no credentials", async () => {
  const before = model.requests.length;
  await expect(
    runTextQuery({
      model: "sonnet",
      systemPrompt: "x",
      prompt: "hello",
      env: withoutCredentials(process.env),
      cwd: makeWorld().cwd,
    }),
  ).rejects.toMatchObject({ code: "BATON_CREDENTIALS_MISSING" });
  expect(model.requests.length).toBe(before);
});

it("stops when its signal is aborted", async () => {
  const abort = new AbortController();
  abort.abort("no time");
  await expect(
    runTextQuery({
      model: "sonnet",
      systemPrompt: "x",
      prompt: "hi",
      env: env(),
      cwd: makeWorld().cwd,
      signal: abort.signal,
    }),
  ).rejects.toThrow("the model call was stopped");
});
