import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";

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
