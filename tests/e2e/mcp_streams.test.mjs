// Streams with the official MCP TypeScript SDK v1 against the real `events-api serve` (run by
// run_with_server.sh: EA_BASE_URL, EA_USERNAME, EA_PASSWORD):
//   - Streamable HTTP: a client subscribes to a record (resources/subscribe); a REST update of
//     that record reaches it as notifications/resources/updated on its GET stream; after the
//     client disconnected and two more updates happened, a new transport on the same session
//     resumes with Last-Event-ID and gets exactly the two it missed;
//   - the legacy HTTP+SSE transport (2024-11-05, SSEClientTransport): lists the 42 tools and
//     calls one; 401 without a bearer token, 403 for a foreign Origin;
//   - a legacy client that stops reading is dropped (its session's POSTs become 404) while an
//     SDK client on the same server keeps being served.
//
// Usage: run_with_server.sh BINARY SCHEMA node mcp_streams.test.mjs
import net from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { check, finish } from "./checks.mjs";

const kTimeoutMs = 20_000;
const base = process.env.EA_BASE_URL;
function withTimeout(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: no answer within ${kTimeoutMs} ms`)), kTimeoutMs))]);
}
// Resolves once `probe()` is true; rejects after the deadline.
async function waitFor(probe, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (!base) {
  check(false, "EA_BASE_URL is set (run through run_with_server.sh)");
  finish();
}

async function login() {
  const response = await fetch(`${base}/api/user/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: process.env.EA_USERNAME, password: process.env.EA_PASSWORD }),
  });
  return (await response.json()).token;
}

async function rest(token, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function streamable(token, sessionId) {
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    sessionId,
  });
  const client = new Client({ name: "events-api-e2e-streams", version: "1.0.0" });
  const updates = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params.uri));
  return { client, transport, updates };
}

function legacy(token, headers = {}, endpoint = "/sse") {
  const auth = token ? { Authorization: `Bearer ${token}` } : {};
  const transport = new SSEClientTransport(new URL(`${base}${endpoint}`), {
    requestInit: { headers: { ...auth, ...headers } },
    eventSourceInit: {
      fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, ...auth, ...headers } }),
    },
  });
  return { client: new Client({ name: "events-api-e2e-legacy", version: "1.0.0" }), transport };
}

try {
  const token = await login();
  const { body: events } = await rest(token, "GET", "/api/event?pageSize=1");
  const eventId = events.data[0].id;
  const uri = `events://events/${eventId}`;

  // --- Streamable HTTP: subscription over the GET stream, then resume with Last-Event-ID.
  {
    const a = streamable(token);
    await withTimeout(a.client.connect(a.transport), "connect");
    check(a.client.getServerCapabilities()?.resources?.subscribe === true,
      "the server offers resource subscriptions", JSON.stringify(a.client.getServerCapabilities()));
    const sessionId = a.transport.sessionId;
    await withTimeout(a.client.subscribeResource({ uri }), "resources/subscribe");
    const patched = await rest(token, "PATCH", `/api/event/${eventId}`, { title: "Streams 1" });
    check(patched.status === 200, "REST PATCH of the subscribed record", JSON.stringify(patched.body));
    await waitFor(() => a.updates.length >= 1, "resources/updated on the GET stream")
      .then(() => check(a.updates[0] === uri,
        "the GET stream receives notifications/resources/updated for the record", a.updates.join(",")))
      .catch((e) => check(false, "the GET stream receives notifications/resources/updated", String(e)));

    // The client goes away without ending its session; two updates happen while it is gone.
    await a.transport.close();
    await rest(token, "PATCH", `/api/event/${eventId}`, { title: "Streams 2" });
    await rest(token, "PATCH", `/api/event/${eventId}`, { cost: 7 });

    const b = streamable(token, sessionId);
    await withTimeout(b.client.connect(b.transport), "reconnect with the session id");
    // Event 1 was the one update the first client saw (the session's first server message).
    await b.transport.resumeStream("1");
    await waitFor(() => b.updates.length >= 2, "replayed updates")
      .then(() => check(b.updates.length === 2 && b.updates.every((u) => u === uri),
        "resuming with Last-Event-ID replays exactly the two missed updates", b.updates.join(",")))
      .catch((e) => check(false, "resuming with Last-Event-ID replays the missed updates", String(e)));
    await b.transport.terminateSession();
    await b.client.close();
  }

  // --- Legacy HTTP+SSE with the SDK's SSEClientTransport.
  const served = legacy(token);
  await withTimeout(served.client.connect(served.transport), "legacy connect");
  const { tools } = await withTimeout(served.client.listTools(), "legacy tools/list");
  check(tools.length === 42, "the legacy SSE client lists the 42 tools", tools.length);
  const { body: users } = await rest(token, "GET", "/api/user?pageSize=1");
  const got = await withTimeout(served.client.callTool({ name: "get_user",
    arguments: { id: users.data[0].id } }), "legacy get_user");
  check(!got.isError && got.content?.[0]?.text?.includes(users.data[0].id),
    "the legacy SSE client calls get_user and gets the record", JSON.stringify(got).slice(0, 300));

  // Compact mode on the legacy transport: GET /sse?tools=compact.
  {
    const compact = legacy(token, {}, "/sse?tools=compact");
    await withTimeout(compact.client.connect(compact.transport), "legacy compact connect");
    const listed = await withTimeout(compact.client.listTools(), "legacy compact tools/list");
    check(listed.tools.length === 11 && listed.tools[0].name === "describe_entities",
      "the legacy SSE client at /sse?tools=compact lists the 11 compact tools",
      listed.tools.map((t) => t.name).join(","));
    const one = await withTimeout(compact.client.callTool({ name: "get",
      arguments: { entity: "User", id: users.data[0].id } }), "legacy compact get");
    check(!one.isError && one.structuredContent?.id === users.data[0].id,
      "the legacy SSE client calls compact get", JSON.stringify(one).slice(0, 300));
    await compact.client.close().catch(() => {});
  }

  {
    const anonymous = legacy("");
    let error;
    try {
      await withTimeout(anonymous.client.connect(anonymous.transport), "legacy connect without token");
    } catch (e) {
      error = e;
    }
    check(error && /401/.test(String(error?.code ?? error)), "GET /sse without a bearer token is 401",
      String(error));
    await anonymous.client.close().catch(() => {});
    const foreign = await fetch(`${base}/sse`, {
      headers: { Accept: "text/event-stream", Authorization: `Bearer ${token}`,
        Origin: "http://evil.example" } });
    check(foreign.status === 403, "GET /sse from a foreign Origin is 403 (DNS rebinding)", foreign.status);
    await foreign.body?.cancel();
    const noSession = await fetch(`${base}/messages?sessionId=nope`, { method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) });
    check(noSession.status === 404, "POST /messages for an unknown session is 404", noSession.status);
  }

  // --- A legacy client that stops reading: a raw socket that never reads its stream.
  {
    const url = new URL(base);
    const socket = net.connect(Number(url.port), url.hostname);
    let head = "";
    await new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.on("data", (chunk) => {
        head += chunk.toString();
        if (head.includes("event: endpoint")) {
          socket.pause();  // from now on nothing is read
          resolve();
        }
      });
      socket.write(`GET /sse HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n` +
        `Authorization: Bearer ${token}\r\n\r\n`);
    });
    const endpoint = /data: (\/messages\?sessionId=[^\r\n]+)/.exec(head)?.[1];
    check(Boolean(endpoint), "the raw legacy client got its endpoint event", head.slice(0, 300));
    const post = (id, method) => fetch(`${base}${endpoint}`, { method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id, method, params: method === "initialize"
        ? { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
        : {} }) });
    await post(0, "initialize");
    // Each tools/list answer (~40 KB) goes to the stream nobody reads: the kernel buffers fill,
    // then the server's bounded queue, and the stream is dropped; its session's POSTs become 404.
    let dropped = false;
    for (let i = 1; i <= 2000 && !dropped; i += 1) {
      const response = await post(i, "tools/list");
      dropped = response.status === 404;
      await response.body?.cancel();
    }
    check(dropped, "a legacy client that stops reading is dropped (its POSTs become 404)");
    const again = await withTimeout(served.client.listTools(), "tools/list after the drop");
    check(again.tools.length === 42, "the other legacy client is still served", again.tools.length);
    socket.destroy();
  }
  await served.client.close();
} catch (error) {
  check(false, "the streams e2e test ran to the end", error?.stack ?? String(error));
}
finish();
