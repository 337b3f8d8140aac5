/**
 * The session's browser runs on this machine, outside the OS sandbox, so its network is held
 * here: every request it makes goes through this proxy (Playwright sends loopback through it too),
 * which lets through the internet and, on this machine, only the ports of the session's own dev
 * servers. Baton's API, its database and any other local service are refused, whatever name
 * leads to them: the proxy resolves the name itself and connects to the address it checked (no
 * DNS rebinding).
 */
import { lookup } from "node:dns/promises";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { BlockList, connect, isIP, type Socket } from "node:net";

/** Addresses of this machine and its networks: reachable only on the dev servers' ports. */
const LOCAL = new BlockList();
for (const [net, prefix, type] of [
  ["127.0.0.0", 8, "ipv4"],
  ["0.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["::1", 128, "ipv6"],
  ["::", 128, "ipv6"],
  ["fc00::", 7, "ipv6"],
  ["fe80::", 10, "ipv6"],
  ["::ffff:0:0", 96, "ipv6"],
] as const) {
  LOCAL.addSubnet(net, prefix, type);
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

export interface BrowserProxyOptions {
  /** The ports on this machine the browser may reach (the session's dev servers). */
  localPorts(): ReadonlySet<number>;
  /** Told of each refused destination, to record it. */
  refused(destination: string, why: string): void;
}

/** Where a request may go: an address; or a refusal (`local`: by this rule, to record) or a failure. */
type Destination = { address: string } | { refused: string; local: boolean };

export class BrowserProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Local destinations refused so far: each is recorded once. */
  private readonly reported = new Set<string>();

  constructor(private readonly options: BrowserProxyOptions) {}

  /** Starts on a free loopback port; the proxy's URL, for the browser's `--proxy-server`. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.forward(req, res));
    server.on(
      "connect",
      (req: IncomingMessage, client: Socket, head: Buffer) => void this.tunnel(req, client, head),
    );
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.server = server;
    const address = server.address();
    if (address === null || typeof address === "string")
      throw new Error("the browser proxy is not listening");
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Where `host:port` may be reached, or why not. */
  private async destination(host: string, port: number): Promise<Destination> {
    const name = host.replace(/^\[|\]$/g, "");
    let addresses: string[];
    try {
      addresses = isIP(name) ? [name] : (await lookup(name, { all: true })).map((a) => a.address);
    } catch {
      return { refused: `${host} does not resolve`, local: false };
    }
    for (const address of addresses) {
      const family = isIP(address) === 6 ? "ipv6" : "ipv4";
      if (!LOCAL.check(address, family)) continue;
      const devServer = LOOPBACK.check(address, family) && this.options.localPorts().has(port);
      if (!devServer) {
        return {
          refused: `${host}:${port} is on this machine and is not one of the session's dev servers (start_dev_server); the browser reaches only those, and the internet`,
          local: true,
        };
      }
    }
    const [first] = addresses;
    return first === undefined ? { refused: `${host} has no address`, local: false } : { address: first };
  }

  /** Records a refusal of a local destination, once per destination. */
  private report(destination: string, where: { refused: string; local: boolean }): void {
    if (!where.local || this.reported.has(destination)) return;
    this.reported.add(destination);
    this.options.refused(destination, where.refused);
  }

  /** A plain-HTTP request in absolute form (`GET http://host:port/path`). */
  private async forward(req: IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("Baton's browser proxy takes absolute URLs");
      return;
    }
    const port = Number(url.port || 80);
    const where = await this.destination(url.hostname, port);
    if ("refused" in where) {
      this.report(`${url.hostname}:${port}`, where);
      res
        .writeHead(where.local ? 403 : 502, { "content-type": "text/plain" })
        .end(`Refused by Baton: ${where.refused}`);
      return;
    }
    const upstream = httpRequest(
      {
        host: where.address,
        port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  }

  /** `CONNECT host:port` (HTTPS, WebSockets): a tunnel to the checked address. */
  private async tunnel(req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    const target = req.url ?? "";
    const colon = target.lastIndexOf(":");
    const host = target.slice(0, colon);
    const port = Number(target.slice(colon + 1));
    const where: Destination =
      colon < 0 || !Number.isInteger(port)
        ? { refused: `${target} is not host:port`, local: false }
        : await this.destination(host, port);
    if ("refused" in where) {
      this.report(target, where);
      client.end(where.local ? "HTTP/1.1 403 Forbidden\r\n\r\n" : "HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const upstream = connect(port, where.address, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.on("close", () => this.sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  }
}
