import { withoutCredentials } from "../../src/agent/credentials.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import type { ScriptedModel } from "../../src/scripted-model/index.ts";
import type { TestDatabase } from "./databases.ts";

/** Runs `baton ...args` in-process with buffered output. */
export async function baton(args: string[], io: Pick<CliIo, "env" | "cwd">) {
  let out = "";
  let err = "";
  const code = await main(["node", "baton", ...args], {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    ...io,
  });
  return { code, out, err };
}

/**
 * The environment of a `baton` process (in this one or a child) that works on the test database
 * `t`, talks to `model` (when there is one), keeps its data in `home` and starts each next session at once.
 */
export function batonEnv(
  t: TestDatabase,
  model: ScriptedModel | null,
  home: string,
): Record<string, string | undefined> {
  const { target } = t.database;
  return {
    ...withoutCredentials(process.env),
    ...model?.env(),
    BATON_HOME: home,
    DATABASE_URL: target.dialect === "sqlite" ? `sqlite:${target.path}` : target.url,
    BATON_TIMING_AUTO_CONTINUE_DELAY_S: "0",
  };
}
