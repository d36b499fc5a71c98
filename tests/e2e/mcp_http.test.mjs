// The official MCP TypeScript SDK (v1, session era) drives the real `events-api serve` over
// Streamable HTTP at /mcp (run by run_with_server.sh: EA_BASE_URL, EA_USERNAME, EA_PASSWORD).
//
// It signs in through REST, then uses that session token as the MCP bearer token: the SDK's
// StreamableHTTPClientTransport connects (initialize, Mcp-Session-Id, Accept: application/json,
// text/event-stream; the server answers JSON), lists the 42 tools, runs create -> get -> list ->
// delete, gets a validation error as an isError result and an unknown tool as a JSON-RPC error,
// ends its session (DELETE) after which the old session id is 404; and without a token the SDK
// sees the 401.
//
// Usage: run_with_server.sh BINARY SCHEMA node mcp_http.test.mjs
// Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 1 on any failure.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { checkCompactMode } from "./compact_checks.mjs";
import { check, finish } from "./checks.mjs";

const kTimeoutMs = 20_000;
const base = process.env.EA_BASE_URL;
function withTimeout(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: no answer within ${kTimeoutMs} ms`)), kTimeoutMs))]);
}
const textOf = (result) => result?.content?.[0]?.text ?? JSON.stringify(result);

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
  const body = await response.json();
  return body.token;
}

function connectClient(token, endpoint = "/mcp") {
  const transport = new StreamableHTTPClientTransport(new URL(`${base}${endpoint}`), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  const client = new Client({ name: "events-api-e2e-http", version: "1.0.0" });
  return { client, transport };
}

try {
  // Without a token: the SDK surfaces the 401.
  {
    const { client, transport } = connectClient("");
    let error;
    try {
      await withTimeout(client.connect(transport), "connect without a token");
    } catch (e) {
      error = e;
    }
    check(error?.code === 401 && /Authorization: Bearer/.test(error.message),
      "without a bearer token the SDK's connect fails with 401", String(error));
    await client.close().catch(() => {});
  }

  const token = await login();
  check(typeof token === "string" && token.length > 20, "REST login gives a token");
  const { client, transport } = connectClient(token);
  await withTimeout(client.connect(transport), "connect");
  check(typeof transport.sessionId === "string" && transport.sessionId.length === 43,
    "initialize over HTTP gives an Mcp-Session-Id", transport.sessionId);
  check(client.getServerVersion()?.name === "events-api", "serverInfo names events-api",
    JSON.stringify(client.getServerVersion()));
  check(transport.protocolVersion === "2025-11-25" && client.getServerCapabilities()?.tools,
    "the session negotiated 2025-11-25 (sent as MCP-Protocol-Version from then on) and offers tools",
    `${transport.protocolVersion} ${JSON.stringify(client.getServerCapabilities())}`);

  const { tools } = await withTimeout(client.listTools(), "tools/list");
  check(tools.length === 42, "tools/list gives the 42 tools", tools.map((t) => t.name).join(","));
  check(tools.every((t) => t.inputSchema?.type === "object"), "every tool has an object inputSchema");

  const call = (name, args) => withTimeout(client.callTool({ name, arguments: args }), name);
  const title = `MCP http e2e gala ${process.pid}`;
  const created = await call("create_event", { title, url: "https://example.com/gala",
    dateTime: "2027-03-04T19:30:00Z", location: "Oakland", cost: 15.5, tags: ["e2e"] });
  const eventId = created.structuredContent?.id;
  check(!created.isError && typeof eventId === "string" && created.structuredContent.title === title,
    "create_event returns the stored record", textOf(created));
  const got = await call("get_event", { id: eventId });
  check(!got.isError && got.structuredContent?.location === "Oakland", "get_event finds it",
    textOf(got));
  const listed = await call("list_events", { filter: { title } });
  const rows = listed.structuredContent?.data ?? [];
  check(!listed.isError && rows.length === 1 && rows[0].id === eventId,
    "list_events with the exact title finds exactly it", textOf(listed));
  const deleted = await call("delete_event", { id: eventId });
  check(!deleted.isError && deleted.structuredContent?.id === eventId, "delete_event",
    textOf(deleted));
  const gone = await call("get_event", { id: eventId });
  check(gone.isError === true && textOf(gone) === `Event ${eventId} not found`,
    "get_event after delete says not found", textOf(gone));

  const invalid = await call("create_event", { title: "", url: "not a url",
    dateTime: "2027-03-04T19:30:00Z", location: "Oakland", cost: 1, tags: [] });
  check(invalid.isError === true && textOf(invalid).startsWith("Validation failed:"),
    "a bad create_event is an isError result starting 'Validation failed:'", textOf(invalid));

  let unknown;
  try {
    await call("no_such_tool", {});
  } catch (e) {
    unknown = e;
  }
  check(unknown instanceof McpError && unknown.code === -32602,
    "an unknown tool is a JSON-RPC error -32602", String(unknown));

  // Ending the session: DELETE /mcp, after which the old id is unknown (404).
  const oldSession = transport.sessionId;
  await withTimeout(transport.terminateSession(), "terminateSession");
  const after = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
      Authorization: `Bearer ${token}`, "Mcp-Session-Id": oldSession },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  check(after.status === 404, "after terminateSession the old session id is 404",
    `${after.status}`);
  await client.close();
} catch (e) {
  check(false, "the HTTP session ran without an exception", e?.stack ?? String(e));
}

// Compact mode: a session opened at /mcp?tools=compact keeps the compact tools.
try {
  const { client, transport } = connectClient(await login(), "/mcp?tools=compact");
  await withTimeout(client.connect(transport), "compact: connect");
  await checkCompactMode(client, "v1 HTTP session compact", withTimeout);
  await client.close();
} catch (e) {
  check(false, "v1 HTTP session compact: ran without an exception", e?.stack ?? String(e));
}
finish();
