// Streamable HTTP mode (docs/mcp.md#http): binds 127.0.0.1 by default; checks Host and Origin against
// DNS rebinding before anything else, then the bearer token when one is configured; one MCP session
// (and run) per client, over shared database handles. Plan and execute are refused on a non-loopback
// address unless writes are allowed explicitly (and then only with a token).
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InputError, UsageError, loadTokenCounter } from "@catalytic/core";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "./defaults.js";
import { resolveOptions, type McpServerOptions } from "./options.js";
import { SectionTokens } from "./sections.js";
import { createMcpServer } from "./server.js";
import { Session } from "./session.js";
import { Workspace } from "./workspace.js";

const MCP_PATH = "/mcp";
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export interface HttpServerOptions extends McpServerOptions {
  host?: string;
  port?: number;
  /** File holding the bearer token clients must send (Authorization: Bearer <token>). */
  tokenFile?: string;
  /** On a non-loopback address plan and execute are refused unless this is set (and a token file is given). */
  allowWrites?: boolean;
  /** Extra host names clients may use in Host and Origin (besides localhost, 127.0.0.1, [::1] and the bound host). */
  allowedHosts?: string[];
  /**
   * A session with no POST in flight and none for this long is closed (default 30 minutes), so clients that vanish
   * leave nothing behind; the client's next request gets 404 and it initializes a new session.
   */
  sessionIdleMs?: number;
}

export interface HttpServerHandle {
  url: string;
  host: string;
  port: number;
  readOnly: boolean;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function readToken(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new InputError("CAT_FILE_UNREADABLE", `cannot read the token file ${file}: ${(error as Error).message}`, { hint: "pass --token-file with a file holding the bearer token" });
  }
  if (text.length < 16) throw new UsageError("CAT_USAGE", `the token in ${file} is shorter than 16 characters`, { hint: "write a long random token, e.g. openssl rand -hex 32 > token" });
  return createHash("sha256").update(text).digest();
}

/** Host name of a Host header or an Origin URL, lowercased, IPv6 in brackets; undefined when unparsable. */
function hostnameOf(value: string, isOrigin: boolean): string | undefined {
  try {
    return new URL(isOrigin ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function reject(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        rejectBody(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined);
      } catch {
        rejectBody(new Error("the request body is not JSON"));
      }
    });
    req.on("error", rejectBody);
  });
}

export async function serveHttp(options: HttpServerOptions): Promise<HttpServerHandle> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  const loopback = isLoopback(host);
  const token = options.tokenFile !== undefined ? readToken(options.tokenFile) : undefined;
  if (!loopback && options.allowWrites && !token) {
    throw new UsageError("CAT_USAGE", `writes on the non-loopback address ${host} need a bearer token`, { hint: "pass --token-file F, or leave the server read-only" });
  }
  const readOnly = (options.readOnly ?? false) || (!loopback && !options.allowWrites);
  const resolved = resolveOptions({ ...options, readOnly });
  const { logger } = resolved;
  const workspace = new Workspace(resolved.root);
  const memo = new SectionTokens();
  const allowed = new Set(["localhost", "127.0.0.1", "[::1]", ...(options.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  if (!["0.0.0.0", "::"].includes(host)) allowed.add(host.includes(":") && !host.startsWith("[") ? `[${host.toLowerCase()}]` : host.toLowerCase());
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const lastSeen = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const idleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const [id, seen] of lastSeen) {
        if (now - seen < idleMs || (inFlight.get(id) ?? 0) > 0) continue;
        lastSeen.delete(id);
        logger.info(`session ${id} idle for ${Math.round((now - seen) / 1000)} s: closed`);
        void transports.get(id)?.close();
      }
    },
    Math.max(50, Math.min(60_000, Math.floor(idleMs / 2))),
  );
  sweeper.unref();
  void loadTokenCounter();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on another site may reach this port through a name that resolves to us.
    const hostName = hostnameOf(req.headers.host ?? "", false);
    if (!hostName || !allowed.has(hostName)) return reject(res, 403, `Host ${JSON.stringify(req.headers.host ?? "")} is not allowed`);
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const originHost = hostnameOf(origin, true);
      if (!originHost || !allowed.has(originHost)) return reject(res, 403, `Origin ${JSON.stringify(origin)} is not allowed`);
    }
    if (token) {
      const header = req.headers.authorization ?? "";
      const presented = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
      const auth = { "www-authenticate": 'Bearer realm="catalytic"' };
      if (!presented) return reject(res, 401, "missing bearer token", auth);
      if (!timingSafeEqual(createHash("sha256").update(presented).digest(), token)) return reject(res, 401, "invalid bearer token", auth);
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== MCP_PATH) return reject(res, 404, `not found: the MCP endpoint is ${MCP_PATH}`);
    const sessionId = req.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? transports.get(sessionId) : undefined;

    if (req.method === "POST") {
      let body: unknown;
      try {
        body = await readBody(req);
      } catch (error) {
        return reject(res, 400, (error as Error).message);
      }
      if (existing) {
        const id = sessionId as string;
        inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
        res.once("close", () => {
          if (!transports.has(id)) return;
          inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
          lastSeen.set(id, Date.now());
        });
        return existing.handleRequest(req, res, body);
      }
      if (sessionId !== undefined) return reject(res, 404, "unknown session: initialize a new one");
      if (!isInitializeRequest(body)) return reject(res, 400, "no session: the first request must be initialize");
      const session = new Session(resolved, workspace);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          transports.set(id, transport);
          lastSeen.set(id, Date.now());
        },
      });
      transport.onclose = () => {
        if (!transport.sessionId) return;
        transports.delete(transport.sessionId);
        lastSeen.delete(transport.sessionId);
        inFlight.delete(transport.sessionId);
      };
      const server = createMcpServer(session, memo);
      await server.connect(transport);
      logger.info(`session started (run ${session.runId})`);
      return transport.handleRequest(req, res, body);
    }
    if (req.method === "GET" || req.method === "DELETE") {
      if (!existing) return reject(res, sessionId === undefined ? 400 : 404, "unknown or missing mcp-session-id");
      return existing.handleRequest(req, res);
    }
    return reject(res, 405, `method ${req.method ?? "?"} not allowed`, { allow: "GET, POST, DELETE" });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(`http: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) reject(res, 500, "internal error");
      else res.end();
    });
  });
  await new Promise<void>((resolve, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(port, host, () => {
      server.off("error", rejectListen);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const handleResult: HttpServerHandle = {
    url: `http://${shownHost}:${address.port}${MCP_PATH}`,
    host: address.address,
    port: address.port,
    readOnly,
    async close() {
      clearInterval(sweeper);
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      transports.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() waits for keep-alive connections; nothing is in flight once the transports are closed
      server.closeAllConnections();
      await closed;
      workspace.close();
    },
  };
  logger.info(`catalytic mcp: serving ${resolved.root} at ${handleResult.url}${readOnly ? " (read-only)" : ""}${token ? " (bearer token required)" : ""}`);
  if (!loopback && !token) logger.warn(`listening on ${host} without a token: anyone who can reach it can read this workspace`);
  return handleResult;
}
