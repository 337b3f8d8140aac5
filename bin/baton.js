#!/usr/bin/env node
// Entry point of the `baton` command: the compiled JavaScript in lib/ when it is current (the
// install builds it), else the TypeScript sources through tsx. BATON_FROM_SOURCE=1 forces the latter.
import { libIsCurrent } from "./lib-freshness.js";

let main;
if (process.env.BATON_FROM_SOURCE !== "1" && libIsCurrent()) {
  ({ main } = await import("../lib/cli/main.js"));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv);
