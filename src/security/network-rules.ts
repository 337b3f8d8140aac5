/**
 * Network rules of the command policy: no listeners or command servers (`nc -l`, `nc -e`,
 * `socat … EXEC:`), and nothing aimed at Baton's own API or database server on this machine
 * (its port on a local address, or a PostgreSQL client pointed at it).
 */
import { type Decision, deny } from "./decision.ts";
import type { Word } from "./steps.ts";

/** A port of Baton's own on this machine: its API, or its database server. */
export interface ProtectedPort {
  port: number;
  /** What it is, for the refusal: "Baton's API (server.port)". */
  what: string;
  /** A PostgreSQL server: its clients (`psql`, `pg_dump`, …) default to it. */
  postgres?: boolean;
}

const LOCAL_HOST = String.raw`(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[?::1?\]?|::ffff:127\.0\.0\.1|host\.docker\.internal)`;

const LOCAL_ONLY = new RegExp(`^${LOCAL_HOST}$|^/`, "i");
const LOCAL_URL = new RegExp(`@${LOCAL_HOST}(?::(\\d+))?`, "i");

const NETCAT = new Set(["nc", "ncat", "netcat", "nc.openbsd", "nc.traditional"]);
const NETCAT_REFUSED = /^(?:-[a-zA-Z]*[lec]|--listen|--exec|--sh-exec|--lua-exec|--keep-open|-k)$/;
const SOCAT_REFUSED = /^(?:EXEC|SYSTEM|[A-Z0-9-]*LISTEN|ABSTRACT-LISTEN|UNIX-LISTEN)[:,]?/i;
const POSTGRES_CLIENTS = new Set([
  "psql",
  "pg_dump",
  "pg_dumpall",
  "pg_restore",
  "pgcli",
  "createdb",
  "dropdb",
  "createuser",
  "dropuser",
  "pg_isready",
]);

/** Listeners and command servers: `nc -l`, `nc -e`, `ncat --exec`, `socat TCP-LISTEN:… EXEC:…`. */
export function networkTool(name: string, args: readonly Word[], text: string): Decision | null {
  if (NETCAT.has(name)) {
    const refused = args.find((w) => w.value !== null && NETCAT_REFUSED.test(w.value));
    if (refused) {
      return deny(
        `\`${name} ${refused.value}\` would listen for connections or run a command for them; sessions do not open servers of their own (use start_dev_server for the app)`,
        text,
      );
    }
  }
  if (name === "socat") {
    const refused = args.find(
      (w) => w.value !== null && !w.value.startsWith("-") && SOCAT_REFUSED.test(w.value),
    );
    if (refused) {
      return deny(
        `\`socat ${refused.value}\` would listen for connections or run a command for them; sessions do not open servers of their own`,
        text,
      );
    }
  }
  return null;
}

/** Words that reach one of Baton's own ports on this machine; or a PostgreSQL client aimed at its database server. */
export function protectedEndpoint(
  name: string,
  args: readonly Word[],
  ports: readonly ProtectedPort[],
  text: string,
): Decision | null {
  if (ports.length === 0) return null;
  for (const target of ports) {
    const digits = String(target.port);
    const word = args.find(
      (w) => (w.value ?? w.text).includes(digits) && addressOf(target.port).test(w.value ?? w.text),
    );
    if (word) return refused(word.value ?? word.text, target, text);
    if (target.postgres && POSTGRES_CLIENTS.has(name) && postgresPort(args) === target.port) {
      return refused(`${name} (port ${target.port})`, target, text);
    }
  }
  return null;
}

const addresses = new Map<number, RegExp>();

/** `localhost:PORT` and the other local spellings of a port, as a word may hold them. */
function addressOf(port: number): RegExp {
  let re = addresses.get(port);
  if (re === undefined) {
    re = new RegExp(`(?:^|[/@=\\s'"])${LOCAL_HOST}:${port}(?![0-9])`, "i");
    addresses.set(port, re);
  }
  return re;
}

function refused(what: string, target: ProtectedPort, text: string): Decision {
  return deny(
    `\`${what}\` reaches ${target.what} on this machine, which sessions may not use; give your app its own port or database (SQLite, or a server of its own)`,
    text,
  );
}

/** The port a PostgreSQL client connects to on a local host: `-p N`, `--port=N`, else 5432; null for another host. */
function postgresPort(args: readonly Word[]): number | null {
  let port = 5432;
  for (let i = 0; i < args.length; i++) {
    const v = args[i]?.value ?? "";
    const value = (flag: string, long: string): string | undefined =>
      v === flag || v === long
        ? (args[i + 1]?.value ?? undefined)
        : v.startsWith(`${long}=`)
          ? v.slice(long.length + 1)
          : v.startsWith(flag) && v.length > 2
            ? v.slice(2)
            : undefined;
    const p = value("-p", "--port");
    if (p !== undefined && /^\d+$/.test(p)) port = Number(p);
    const h = value("-h", "--host");
    if (h !== undefined && !LOCAL_ONLY.test(h)) return null;
    if (/^postgres(?:ql)?:\/\//.test(v)) {
      const m = LOCAL_URL.exec(v);
      if (m === null) return null;
      port = m[1] ? Number(m[1]) : 5432;
    }
  }
  return port;
}
