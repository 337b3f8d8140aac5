import type { Reply, Script } from "./reply.ts";
import { textReply } from "./reply.ts";

/** One step of a sequence: a reply, or a function of the request (and its context) returning one. */
export type Step = Reply | Script;

/**
 * A script made of steps, taken one per request it is asked (the server asks it main requests
 * only, so: one step per agent turn; an error reply also uses up its step, so a retried request
 * gets the next one). When the steps run out it answers `final` (default: a short text reply).
 * It keeps its own position: build a new sequence for each run.
 */
export function sequence(steps: Step[], final: Step = textReply("Done.")): Script {
  let next = 0;
  return (request, context) => {
    const step = steps[next] ?? final;
    next += 1;
    return typeof step === "function" ? step(request, context) : step;
  };
}
