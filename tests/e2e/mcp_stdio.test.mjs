// The official MCP TypeScript SDK (v1, session era) drives the real `events-api mcp` over stdio.
//
// On a fresh SQLite file with demo data and a real service user (created with `events-api user
// add ... --password-stdin`), it checks that start-up fails clearly without or with wrong
// credentials; that the SDK client connects (initialize + version negotiation) and lists the 40
// tools, each with an inputSchema a real JSON Schema validator (ajv, 2020-12) compiles; a create ->
// get -> update -> list with a filter -> delete round trip; a validation error (isError with the
// field message); an unknown tool (a JSON-RPC error); and that the process writes only JSON-RPC
// lines on stdout and exits 0 on end of input and on SIGTERM; and that its session follows the
// service user (changing the user ends it, and the next call says so).
//
// Usage: node mcp_stdio.test.mjs /path/to/events-api /path/to/schema.yaml
// Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 1 on any failure.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { check, finish, untrustedJson } from "./checks.mjs";
import { checkCompactMode } from "./compact_checks.mjs";

const kTimeoutMs = 20_000;
const [binary, schemaFile] = process.argv.slice(2);

if (!binary || !schemaFile) {
  check(false, "usage: mcp_stdio.test.mjs EVENTS_API_BINARY SCHEMA_YAML");
  finish();
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "events-api-mcp-e2e-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
const baseEnv = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  EVENTS_API_SCHEMA: schemaFile,
  // EA_TEST_DB_URL and EA_TEST_SESSIONS_URL (with_postgres.sh): the same run on PostgreSQL.
  EVENTS_API_DB: process.env.EA_TEST_DB_URL ?? `sqlite://${path.join(work, "mcp.db")}`,
  ...(process.env.EA_TEST_SESSIONS_URL ? { EVENTS_API_SESSIONS: process.env.EA_TEST_SESSIONS_URL } : {}),
};
const user = "mcp_e2e_agent";
const password = `e2e-${process.pid}-${Date.now()}`;

function run(args, input = undefined, env = baseEnv) {
  return spawnSync(binary, args, { env, input, encoding: "utf8", timeout: 120_000 });
}

// ---- set-up: demo data and the service user ----------------------------------------------
const seeded = run(["seed-demo"]);
check(seeded.status === 0, "seed-demo", seeded.stderr);
const added = run(["user", "add", user, "--role", "admin", "--password-stdin"], password);
check(added.status === 0, "user add --password-stdin", added.stderr);

// ---- start-up failures ---------------------------------------------------------------------
{
  const missing = run(["mcp"], "");
  check(missing.status !== 0 && /MCP_USER/.test(missing.stderr) && missing.stdout === "",
    "no MCP_USER/MCP_PASSWORD: non-zero exit naming them, nothing on stdout",
    `status ${missing.status}: ${missing.stderr}`);
  const wrong = run(["mcp"], "", { ...baseEnv, MCP_USER: user, MCP_PASSWORD: "not-the-password" });
  check(wrong.status !== 0 && /invalid username or password/.test(wrong.stderr) &&
      !wrong.stderr.includes("not-the-password"),
    "wrong MCP_PASSWORD: non-zero exit, clear message, no secret echoed",
    `status ${wrong.status}: ${wrong.stderr}`);
}

const mcpEnv = { ...baseEnv, MCP_USER: user, MCP_PASSWORD: password };

// ---- the SDK client --------------------------------------------------------------------------
const transport = new StdioClientTransport({ command: binary, args: ["mcp"], env: mcpEnv,
  stderr: "pipe" });
let stderrText = "";
transport.stderr?.on("data", (chunk) => { stderrText += chunk.toString(); });
const client = new Client({ name: "events-api-e2e", version: "1.0.0" });

function withTimeout(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: no answer within ${kTimeoutMs} ms`)), kTimeoutMs).unref())]);
}
async function call(name, args) {
  return withTimeout(client.callTool({ name, arguments: args }), name);
}
function textOf(result) {
  return result?.content?.[0]?.type === "text" ? result.content[0].text : "";
}

try {
  await withTimeout(client.connect(transport), "connect");
  check(true, "SDK client connects (initialize, notifications/initialized)");
  const version = client.getServerVersion();
  check(version?.name === "events-api", "serverInfo names events-api", JSON.stringify(version));

  // tools/list: the 42 tools with valid input schemas.
  const { tools } = await withTimeout(client.listTools(), "tools/list");
  const names = tools.map((t) => t.name);
  check(tools.length === 42, "tools/list has the 42 tools of the default schema",
    `${tools.length}: ${names.join(" ")}`);
  for (const expected of ["list_users", "get_user", "create_user", "update_user",
    "list_tag_affinities", "get_user_event", "delete_crawl", "user_auth_login",
    "user_auth_logout", "user_auth_refresh"]) {
    check(names.includes(expected), `tool ${expected} is listed`);
  }
  for (const absent of ["delete_user", "create_crawl", "update_crawl"]) {
    check(!names.includes(absent), `tool ${absent} is not listed (operations forbid it)`);
  }
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  let compiled = 0;
  for (const tool of tools) {
    try {
      ajv.compile(tool.inputSchema);
      compiled += 1;
    } catch (e) {
      check(false, `ajv compiles the inputSchema of ${tool.name}`, e.message);
    }
  }
  check(compiled === tools.length, `ajv (2020-12, strict) compiles all ${tools.length} inputSchemas`);
  const listUsers = ajv.compile(tools.find((t) => t.name === "list_users").inputSchema);
  check(listUsers({ filter: { username: { $in: ["a", "b"] }, $or: [{ role: "admin" }, { gender: "male" }] },
    sort: [{ field: "createdAt", direction: "desc" }], page: 1, pageSize: 10,
    view: { account: ["id", "createdAt"] } }),
    "list_users schema accepts a filter with operators, $or, sort and view",
    JSON.stringify(listUsers.errors));
  check(!listUsers({ filter: { password: "x" } }) && !listUsers({ pageSize: 0 }) &&
      !listUsers({ sort: [{ field: "password" }] }),
    "list_users schema refuses a password filter or sort and pageSize 0");

  // A record to hang things on.
  const accounts = await call("list_accounts", { pageSize: 1 });
  const accountId = accounts.structuredContent?.data?.[0]?.id;
  check(typeof accountId === "string", "list_accounts gives an account", textOf(accounts));

  // create -> get -> update -> list with a filter -> delete (Event allows every operation).
  const title = `MCP e2e gala ${process.pid}`;
  const created = await call("create_event", { title, url: "https://example.com/gala",
    dateTime: "2027-03-04T19:30:00Z", location: "Oakland", cost: 15.5, tags: ["e2e"] });
  const eventId = created.structuredContent?.id;
  check(!created.isError && typeof eventId === "string" && created.structuredContent.title === title,
    "create_event returns the stored record", textOf(created));
  check(JSON.stringify(JSON.parse(untrustedJson(textOf(created)) ?? "null")) ===
      JSON.stringify(created.structuredContent),
    "the text block frames the same JSON as structuredContent", textOf(created));
  const got = await call("get_event", { id: eventId });
  check(!got.isError && got.structuredContent?.location === "Oakland", "get_event finds it",
    textOf(got));
  const updated = await call("update_event", { id: eventId, cost: 9.99 });
  check(!updated.isError && updated.structuredContent?.cost === 9.99 &&
      updated.structuredContent?.title === title, "update_event changes only cost", textOf(updated));
  const listed = await call("list_events", { filter: { title, cost: { $lt: 10 } },
    sort: [{ field: "dateTime", direction: "desc" }] });
  const rows = listed.structuredContent?.data ?? [];
  check(!listed.isError && rows.length === 1 && rows[0].id === eventId &&
      listed.structuredContent.pagination?.total === 1,
    "list_events with an exact title and $lt finds exactly it", textOf(listed));
  const contains = await call("list_events", { filter: { title: "e2e GALA" }, filter_matching: "contains" });
  check((contains.structuredContent?.data ?? []).some((r) => r.id === eventId),
    "filter_matching contains finds it case-insensitively", textOf(contains));
  const deleted = await call("delete_event", { id: eventId });
  check(!deleted.isError && deleted.structuredContent?.id === eventId, "delete_event", textOf(deleted));
  const gone = await call("get_event", { id: eventId });
  check(gone.isError === true && textOf(gone) === `Event ${eventId} not found`,
    "get_event after delete is an isError result saying not found", textOf(gone));

  // A user, created and found through a filter (users cannot be deleted).
  const username = `mcp_e2e_${process.pid}`;
  const newUser = await call("create_user", { username, email: `${username}@example.com`,
    password: "a-long-password", firstName: "Johnny", lastName: "Doelittle",
    isAccountOwner: false, accountId });
  check(!newUser.isError && !("password" in (newUser.structuredContent ?? {})) &&
      !textOf(newUser).includes("a-long-password"),
    "create_user returns the user without its password", textOf(newUser));
  const found = await call("list_users", { filter: { username } });
  check(found.structuredContent?.data?.length === 1, "list_users filters by username exactly",
    textOf(found));

  // A validation error: an isError result naming the field.
  const invalid = await call("create_user", { username: "ok_name", email: "not-an-email",
    password: "a-long-password", isAccountOwner: false, accountId });
  check(invalid.isError === true && textOf(invalid).startsWith("Validation failed:") &&
      textOf(invalid).includes("email: Bad email address format"),
    "a bad email is isError with 'email: Bad email address format'", textOf(invalid));

  // The input schemas and the server agree: what ajv accepts the server accepts, and each input
  // ajv refuses the server refuses too, naming the same field.
  const schemaOf = (name) => ajv.compile(tools.find((t) => t.name === name).inputSchema);
  const createUser = schemaOf("create_user");
  const good = (suffix) => ({ username: `agree_${process.pid}_${suffix}`,
    email: `agree_${process.pid}_${suffix}@example.com`, password: "a-long-password",
    firstName: "Agnes", lastName: "Agreeable", isAccountOwner: false, accountId });
  const goodUser = good("ok");
  const accepted = await call("create_user", goodUser);
  check(createUser(goodUser) && !accepted.isError,
    "a valid create_user: the schema and the server both accept it",
    `${JSON.stringify(createUser.errors)} ${textOf(accepted)}`);
  const badUsers = [
    ["username", { username: "ab" }],
    ["email", { email: "not-an-email" }],
    ["gender", { gender: "robot" }],
    ["netWorth", { netWorth: -5 }],
    ["dob", { dob: "2020-13-45" }],
    ["isAccountOwner", { isAccountOwner: "true" }],
    ["nickname", { nickname: "x" }],
  ];
  for (const [i, [field, change]] of badUsers.entries()) {
    const args = { ...good(`bad${i}`), ...change };
    const refused = await call("create_user", args);
    check(!createUser(args) && refused.isError === true && textOf(refused).includes(`${field}:`),
      `create_user with a bad ${field}: the schema and the server both refuse it`,
      `ajv valid=${createUser(args)}; server: ${textOf(refused)}`);
  }
  {
    const args = good("missing");
    delete args.email;
    const refused = await call("create_user", args);
    check(!createUser(args) && refused.isError === true && textOf(refused).includes("email:"),
      "create_user without a required email: both refuse it", textOf(refused));
  }
  const listArgs = [
    [true, { filter: { username: { $in: ["a", "b"] }, isAccountOwner: false },
      sort: [{ field: "username" }], pageSize: 5 }],
    [true, { filter: { $and: [{ createdAt: { $gte: "2020-01-01T00:00:00Z" } }, { gender: { $ne: null } }] } }],
    [false, { filter: { nosuch: 1 } }],
    [false, { filter: { isAccountOwner: { $gt: true } } }],
    [false, { sort: [{ field: "password" }] }],
    [false, { pageSize: 0 }],
    [false, { filter_matching: "regex" }],
  ];
  for (const [ok, args] of listArgs) {
    const answer = await call("list_users", args);
    check(listUsers(args) === ok && (answer.isError !== true) === ok,
      `list_users ${JSON.stringify(args)}: the schema and the server both ${ok ? "accept" : "refuse"} it`,
      `ajv ${listUsers(args)}; server: ${textOf(answer).slice(0, 200)}`);
  }

  // An unknown tool: a JSON-RPC error, not a result.
  try {
    const r = await call("no_such_tool", {});
    check(false, "an unknown tool is a JSON-RPC error", JSON.stringify(r));
  } catch (e) {
    check(e instanceof McpError && e.code === -32602 && /Unknown tool: no_such_tool/.test(e.message),
      "an unknown tool is a JSON-RPC -32602 error", `${e.code} ${e.message}`);
  }
} catch (e) {
  check(false, "the SDK session", e?.stack ?? String(e));
} finally {
  await client.close().catch(() => {});
}
check(/"msg":"tool call"/.test(stderrText) && !stderrText.includes(password),
  "tool calls are logged on stderr, without the password");

// ---- compact mode: EVENTS_API_MCP_TOOLS=compact ------------------------------------------------
{
  const t = new StdioClientTransport({ command: binary, args: ["mcp"],
    env: { ...mcpEnv, EVENTS_API_MCP_TOOLS: "compact" }, stderr: "pipe" });
  const c = new Client({ name: "events-api-e2e-compact", version: "1.0.0" });
  try {
    await withTimeout(c.connect(t), "compact: connect");
    await checkCompactMode(c, "stdio compact", withTimeout);
  } catch (e) {
    check(false, "stdio compact: ran without an exception", e?.stack ?? String(e));
  } finally {
    await c.close().catch(() => {});
  }
}

// ---- raw stdio: only JSON-RPC on stdout; exit 0 on end of input and on SIGTERM -------------
function rawSession(stop) {
  return new Promise((resolve) => {
    const child = spawn(binary, ["mcp"], { env: mcpEnv, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let stopped = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), kTimeoutMs);
    child.stdout.on("data", (chunk) => {
      out += chunk.toString();
      if (!stopped && out.includes("\n")) {
        stopped = true;
        if (stop === "eof") child.stdin.end();
        else child.kill("SIGTERM");
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: "raw-1", method: "server/discover",
      params: { _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {} } } })}\n`);
  });
}
for (const stop of ["eof", "SIGTERM"]) {
  const { code, signal, out } = await rawSession(stop);
  const lines = out.split("\n").filter((l) => l !== "");
  let allJson = lines.length > 0;
  for (const line of lines) {
    try { JSON.parse(line); } catch { allJson = false; }
  }
  const first = allJson ? JSON.parse(lines[0]) : {};
  check(code === 0 && signal === null, `exits 0 on ${stop}`, `code ${code} signal ${signal}`);
  check(allJson && first.id === "raw-1" && first.result?.resultType === "complete" &&
      first.result?.supportedVersions?.includes("2026-07-28"),
    `stdout holds only JSON-RPC lines (server/discover answered) before ${stop}`, out);
}
// ---- the session follows its user ------------------------------------------------------------
// `user add --update` ends the user's sessions; the running server notices before its next call.
{
  const t = new StdioClientTransport({ command: binary, args: ["mcp"], env: mcpEnv, stderr: "pipe" });
  const c = new Client({ name: "events-api-e2e-revoke", version: "1.0.0" });
  try {
    await withTimeout(c.connect(t), "connect");
    const before = await withTimeout(c.callTool({ name: "list_accounts", arguments: { pageSize: 1 } }), "before");
    check(!before.isError, "a tool call works before the service user changes", textOf(before));
    const updated = run(["user", "add", user, "--role", "admin", "--update", "--password-stdin"],
      `${password}-new`);
    check(updated.status === 0, "user add --update for the service user", updated.stderr);
    const after = await withTimeout(c.callTool({ name: "list_accounts", arguments: { pageSize: 1 } }), "after");
    check(after.isError === true && /^Not authenticated: the session of the service user/.test(textOf(after)),
      "after the update the next call is refused as not authenticated", textOf(after));
  } catch (e) {
    check(false, "the revocation session", e?.stack ?? String(e));
  } finally {
    await c.close().catch(() => {});
  }
}
finish();
