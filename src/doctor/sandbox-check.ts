import type { LoadedConfig } from "../config/load.ts";
import { dockerAvailability, dockerCli } from "../security/docker-sandbox.ts";
import { findOnPath, osSandboxAvailability } from "../security/sandbox.ts";
import { assertNever } from "../util/assert-never.ts";
import { type CheckResult, type DoctorContext, fail, ok, splitProblem, warn } from "./result.ts";

const NAME = "sandbox";

/** Whether sessions' commands can run in the sandbox `sandbox.type` asks for. */
export async function checkSandbox(ctx: DoctorContext, loaded: LoadedConfig): Promise<CheckResult> {
  const type = loaded.config.sandbox.type;
  switch (type) {
    case "os":
      return osSandbox(ctx);
    case "docker":
      return dockerSandbox(ctx);
    case "none":
      return warn(
        NAME,
        "none: sessions' commands run unconfined",
        "set sandbox.type: os (in ~/.baton/config.yaml, or BATON_SANDBOX_TYPE=os)",
      );
    default:
      return assertNever(type, "sandbox.type");
  }
}

function osSandbox(ctx: DoctorContext): CheckResult {
  const envPath = ctx.env.PATH ?? "";
  const { available, problems } = osSandboxAvailability(ctx.platform, envPath);
  if (!available) {
    const split = problems.map(splitProblem);
    return fail(NAME, split.map((p) => p.detail).join("; "), ...split.map((p) => p.fix));
  }
  if (ctx.platform !== "linux") return ok(NAME, "os (Seatbelt)");
  return ok(NAME, `os (bubblewrap ${findOnPath("bwrap", envPath)}, socat ${findOnPath("socat", envPath)})`);
}

/** The docker CLI on PATH and an engine that answers (`dockerAvailability`, as sessions use it). */
async function dockerSandbox(ctx: DoctorContext): Promise<CheckResult> {
  const docker = findOnPath("docker", ctx.env.PATH ?? "");
  if (docker === null) {
    return fail(
      NAME,
      "docker: the docker command is not on PATH",
      "install Docker (https://docs.docker.com/engine/install/), or set sandbox.type: os",
    );
  }
  const { available, problems } = await dockerAvailability(dockerCli(docker));
  if (!available) {
    const split = problems.map(splitProblem);
    return fail(NAME, `docker: ${split.map((p) => p.detail).join("; ")}`, ...split.map((p) => p.fix));
  }
  return ok(NAME, `docker (${docker}, engine reachable)`);
}
