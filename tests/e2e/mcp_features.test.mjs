// The official MCP TypeScript SDK (v1, session era) reads resources, gets prompts and completes
// arguments from the real `events-api mcp` over stdio. The SDK parses every result with the
// spec's schemas, so a malformed answer fails the call itself.
//
// On a fresh SQLite file with demo data and a service user: the capabilities the server
// announces; resources/list (one schema resource per entity) and resources/read of a schema
// (what /api/metadata says of the entity) and of a record through the template (no password);
// a missing record (-32002); resources/templates/list; prompts/list and prompts/get (and the
// -32602 naming a missing argument); completion/complete for entity names, enum values and ids
// by prefix.
//
// Usage: node mcp_features.test.mjs /path/to/events-api /path/to/schema.yaml
// Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 1 on any failure.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { check, finish } from "./checks.mjs";

const kTimeoutMs = 20_000;
const [binary, schemaFile] = process.argv.slice(2);

if (!binary || !schemaFile) {
  check(false, "usage: mcp_features.test.mjs EVENTS_API_BINARY SCHEMA_YAML");
  finish();
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "events-api-mcp-features-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
const env = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  EVENTS_API_SCHEMA: schemaFile,
  // EA_TEST_DB_URL and EA_TEST_SESSIONS_URL (with_postgres.sh): the same run on PostgreSQL.
  EVENTS_API_DB: process.env.EA_TEST_DB_URL ?? `sqlite://${path.join(work, "mcp.db")}`,
  ...(process.env.EA_TEST_SESSIONS_URL ? { EVENTS_API_SESSIONS: process.env.EA_TEST_SESSIONS_URL } : {}),
};
const user = "mcp_features_agent";
const password = `e2e-${process.pid}-${Date.now()}`;
function run(args, input = undefined) {
  return spawnSync(binary, args, { env, input, encoding: "utf8", timeout: 120_000 });
}
check(run(["seed-demo"]).status === 0, "seed-demo");
check(run(["user", "add", user, "--role", "admin", "--password-stdin"], password).status === 0,
  "user add --password-stdin");
const dump = JSON.parse(run(["schema", "dump", "--json"]).stdout);
const entityNames = dump.entities.map((e) => e.name);

const transport = new StdioClientTransport({ command: binary, args: ["mcp"],
  env: { ...env, MCP_USER: user, MCP_PASSWORD: password }, stderr: "pipe" });
let stderrText = "";
transport.stderr?.on("data", (chunk) => { stderrText += chunk.toString(); });
const client = new Client({ name: "events-api-features-e2e", version: "1.0.0" });
function withTimeout(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: no answer within ${kTimeoutMs} ms`)),
      kTimeoutMs).unref())]);
}
async function rpcError(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return e instanceof McpError ? e : { code: "not an McpError", message: String(e) };
  }
}

try {
  await withTimeout(client.connect(transport), "connect");
  const caps = client.getServerCapabilities() ?? {};
  check(caps.resources && caps.resources.subscribe === true && caps.prompts && caps.completions,
    "capabilities announce resources (with subscribe, on stdio too), prompts and completions", JSON.stringify(caps));

  // ---- resources ----
  const { resources, nextCursor } = await withTimeout(client.listResources(), "resources/list");
  // An admin also sees the audit trail, first (docs/security.md, "Audit").
  check(resources.length === entityNames.length + 1 && resources[0].uri === "events://audit" &&
      nextCursor === undefined,
    "resources/list: events://audit, then one schema resource per entity, on one page",
    resources.map((r) => r.uri).join(" "));
  check(resources.some((r) => r.uri === "events://schema/User" && r.mimeType === "application/json"),
    "events://schema/User is listed as JSON");
  const schemaRead = await withTimeout(client.readResource({ uri: "events://schema/User" }),
    "resources/read schema");
  const userSchema = JSON.parse(schemaRead.contents[0].text);
  const dumpedUser = dump.entities.find((e) => e.name === "User");
  check(JSON.stringify(userSchema) === JSON.stringify(dumpedUser),
    "events://schema/User is the entity as `schema dump --json` describes it",
    schemaRead.contents[0].text.slice(0, 200));

  const { resourceTemplates } = await withTimeout(client.listResourceTemplates(),
    "resources/templates/list");
  const templates = resourceTemplates.map((t) => t.uriTemplate);
  check(templates.includes("events://users/{id}") &&
      templates.includes("events://tag_affinities/{id}") &&
      templates.includes("events://schema/{Entity}"),
    "resources/templates/list has the record templates with real plurals", templates.join(" "));

  const listed = await withTimeout(client.callTool({ name: "list_users",
    arguments: { pageSize: 1, sort: [{ field: "id" }] } }), "list_users");
  const someUser = listed.structuredContent.data[0];
  const recordRead = await withTimeout(client.readResource({ uri: `events://users/${someUser.id}` }),
    "resources/read record");
  const record = JSON.parse(recordRead.contents[0].text);
  check(record.id === someUser.id && record.username === someUser.username &&
      !("password" in record),
    "events://users/{id} reads the record (as get_user does), without the password",
    recordRead.contents[0].text.slice(0, 200));
  const missing = await rpcError(client.readResource({ uri: "events://users/usr_nobody" }));
  check(missing?.code === -32002 && /not found/i.test(missing.message),
    "a missing record is -32002 Resource not found", JSON.stringify(missing));

  // ---- prompts ----
  const { prompts } = await withTimeout(client.listPrompts(), "prompts/list");
  const promptNames = prompts.map((p) => p.name);
  check(["describe_data_model", "find_records", "summarise_upcoming_events"]
    .every((n) => promptNames.includes(n)), "prompts/list has the three prompts",
    promptNames.join(" "));
  const found = await withTimeout(client.getPrompt({ name: "find_records",
    arguments: { entity: "User", text: "demo" } }), "prompts/get");
  const text = found.messages[0]?.content?.text ?? "";
  check(found.messages[0]?.role === "user" && text.includes("list_users") &&
      text.includes('"filter_matching":"contains"'),
    "prompts/get find_records names the list_users call to make", text);
  const noText = await rpcError(client.getPrompt({ name: "find_records",
    arguments: { entity: "User" } }));
  check(noText?.code === -32602 && /'text'/.test(noText.message),
    "prompts/get without a required argument is -32602 naming it", JSON.stringify(noText));

  // ---- completions ----
  const entities = await withTimeout(client.complete({
    ref: { type: "ref/prompt", name: "find_records" },
    argument: { name: "entity", value: "us" } }), "complete entity");
  check(JSON.stringify(entities.completion.values) === JSON.stringify(["User", "UserEvent"]),
    "completion: entity names by prefix", JSON.stringify(entities));
  const recurrence = await withTimeout(client.complete({
    ref: { type: "ref/prompt", name: "summarise_upcoming_events" },
    argument: { name: "recurrence", value: "m" } }), "complete enum");
  check(JSON.stringify(recurrence.completion.values) === JSON.stringify(["monthly"]),
    "completion: enum values of a field", JSON.stringify(recurrence));
  const prefix = someUser.id.slice(0, someUser.id.length - 1);
  const ids = await withTimeout(client.complete({
    ref: { type: "ref/resource", uri: "events://users/{id}" },
    argument: { name: "id", value: prefix } }), "complete ids");
  check(ids.completion.values.includes(someUser.id) &&
      ids.completion.values.every((v) => v.startsWith(prefix)) &&
      ids.completion.values.length <= 100,
    "completion: record ids by prefix", JSON.stringify(ids).slice(0, 300));
} catch (e) {
  check(false, "unexpected failure", `${e?.stack ?? e} | stderr: ${stderrText.slice(-800)}`);
} finally {
  await client.close().catch(() => {});
}
finish();
