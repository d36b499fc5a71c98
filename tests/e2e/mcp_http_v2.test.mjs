// The official MCP TypeScript SDK v2 client (@modelcontextprotocol/client, revision 2026-07-28)
// drives the real `events-api serve` over Streamable HTTP at /mcp (run by run_with_server.sh).
//
// Two clients, each with a REST login token as bearer: one pinned to 2026-07-28 (stateless: no
// initialize, per-request _meta and the MCP-Protocol-Version / Mcp-Method / Mcp-Name headers the
// server checks), one in `auto` mode (probes with server/discover and must pick the modern era).
// Each lists the 42 tools and runs create -> get -> list -> delete and one validation error.
//
// Usage: run_with_server.sh BINARY SCHEMA node mcp_http_v2.test.mjs
// Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 1 on any failure.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { check, finish } from "./checks.mjs";
import { checkCompactMode } from "./compact_checks.mjs";

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

const login = await fetch(`${base}/api/user/auth/login`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ username: process.env.EA_USERNAME, password: process.env.EA_PASSWORD }),
});
const token = (await login.json()).token;
check(typeof token === "string", "REST login gives a token");

// Every request the client sends, to check the headers it put on them.
const sent = [];
const recordingFetch = (url, init) => {
  sent.push({ method: init?.method, headers: new Headers(init?.headers), body: init?.body });
  return fetch(url, init);
};

for (const [label, mode] of [["pinned 2026-07-28", { pin: "2026-07-28" }], ["auto", "auto"]]) {
  sent.length = 0;
  try {
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      fetch: recordingFetch,
    });
    const client = new Client({ name: "events-api-e2e-v2", version: "1.0.0" },
      { versionNegotiation: { mode } });
    await withTimeout(client.connect(transport), `${label}: connect`);
    check(client.getNegotiatedProtocolVersion() === "2026-07-28",
      `${label}: negotiated 2026-07-28`, client.getNegotiatedProtocolVersion());
    check(!sent.some((r) => typeof r.body === "string" && r.body.includes('"initialize"')),
      `${label}: no initialize was sent`, sent.map((r) => r.body).join(" | "));

    const { tools } = await withTimeout(client.listTools(), `${label}: tools/list`);
    check(tools.length === 42, `${label}: tools/list gives the 42 tools`, `${tools.length}`);

    const call = (name, args) => withTimeout(client.callTool({ name, arguments: args }), name);
    const title = `MCP v2 e2e gala ${process.pid} ${label}`;
    const created = await call("create_event", { title, url: "https://example.com/gala",
      dateTime: "2027-03-04T19:30:00Z", location: "Oakland", cost: 15.5, tags: ["e2e"] });
    const eventId = created.structuredContent?.id;
    check(!created.isError && typeof eventId === "string", `${label}: create_event`,
      textOf(created));
    const toolCall = sent.find((r) => typeof r.body === "string" && r.body.includes('"create_event"'));
    check(toolCall?.headers.get("mcp-method") === "tools/call" &&
        toolCall?.headers.get("mcp-name") === "create_event" &&
        toolCall?.headers.get("mcp-protocol-version") === "2026-07-28" &&
        !toolCall?.headers.has("mcp-session-id"),
      `${label}: tools/call carried Mcp-Method, Mcp-Name and MCP-Protocol-Version, no session`,
      JSON.stringify(toolCall ? [...toolCall.headers] : null));
    const got = await call("get_event", { id: eventId });
    check(!got.isError && got.structuredContent?.title === title, `${label}: get_event`,
      textOf(got));
    const listed = await call("list_events", { filter: { title } });
    check((listed.structuredContent?.data ?? []).length === 1, `${label}: list_events finds it`,
      textOf(listed));
    const deleted = await call("delete_event", { id: eventId });
    check(!deleted.isError, `${label}: delete_event`, textOf(deleted));
    const invalid = await call("create_event", { title: "", url: "not a url",
      dateTime: "2027-03-04T19:30:00Z", location: "Oakland", cost: 1, tags: [] });
    check(invalid.isError === true && textOf(invalid).startsWith("Validation failed:"),
      `${label}: a bad create_event is a 'Validation failed:' isError result`, textOf(invalid));
    await client.close();
  } catch (e) {
    check(false, `${label}: ran without an exception`, e?.stack ?? String(e));
  }
}
// Compact mode: ?tools=compact on the endpoint, chosen per request in this era.
for (const [label, mode] of [["v2 compact pinned", { pin: "2026-07-28" }], ["v2 compact auto", "auto"]]) {
  try {
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp?tools=compact`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: "events-api-e2e-v2-compact", version: "1.0.0" },
      { versionNegotiation: { mode } });
    await withTimeout(client.connect(transport), `${label}: connect`);
    await checkCompactMode(client, label, withTimeout);
    await client.close();
  } catch (e) {
    check(false, `${label}: ran without an exception`, e?.stack ?? String(e));
  }
}
finish();
