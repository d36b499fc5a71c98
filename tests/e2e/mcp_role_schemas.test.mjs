// tools/list as each role of schema.yaml sees it, over Streamable HTTP (2026-07-28) against the
// real server: every inputSchema compiles with ajv (2020-12, strict); the list is cacheScope
// private; and the pruned schemas and the server agree both ways. For each list tool, each filter
// field and sort key the role's schema offers is valid for ajv and answered by the server; each one
// the unpruned (admin) schema offers but the role's leaves out is invalid for ajv and refused by the
// server with the message REST gives for the same query. A field left out of create_user (the
// agent's read-only `role`) likewise.
//
// Usage (run_with_server.sh sets EA_BASE_URL, EA_USERNAME, EA_PASSWORD): node mcp_role_schemas.test.mjs
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { check, finish, restLogin } from "./checks.mjs";

const base = process.env.EA_BASE_URL;
const kVersion = "2026-07-28";
const kMeta = {
  "io.modelcontextprotocol/protocolVersion": kVersion,
  "io.modelcontextprotocol/clientCapabilities": {},
};

async function readAnswer(response) {
  const type = response.headers.get("content-type") ?? "";
  const text = await response.text();
  if (!type.includes("text/event-stream")) return JSON.parse(text);
  const data = text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim());
  return data.filter(Boolean).map((d) => JSON.parse(d)).find((m) => m.id !== undefined);
}

let nextId = 1;
async function mcp(token, method, params = {}) {
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/json, text/event-stream",
    Authorization: `Bearer ${token}`,
    "MCP-Protocol-Version": kVersion,
    "Mcp-Method": method,
  };
  if (method === "tools/call") headers["Mcp-Name"] = params.name;
  const response = await fetch(`${base}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params: { ...params, _meta: kMeta } }),
  });
  return readAnswer(response);
}
const callTool = async (token, name, args) =>
  (await mcp(token, "tools/call", { name, arguments: args })).result;
const textOf = (result) => result?.content?.[0]?.text ?? "";

async function rest(token, method, target, body = undefined) {
  const response = await fetch(`${base}${target}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  return { status: response.status, message: json?.notifications?.errors?.[0]?.message ?? "" };
}

// The MCP refusal carries REST's message for the same request.
function sameRefusal(mcpResult, restAnswer) {
  return mcpResult?.isError === true && restAnswer.status >= 400 && restAnswer.message !== "" &&
    textOf(mcpResult).includes(restAnswer.message);
}

const filterFields = (schema) =>
  Object.keys(schema.$defs.filter.properties).filter((k) => !k.startsWith("$"));
const sortFields = (schema) => schema.properties.sort?.items.properties.field.enum ?? [];

// ---- set-up: a read user and an ai_agent user, created by the administrator -----------------
const adminToken = await restLogin(base, process.env.EA_USERNAME, process.env.EA_PASSWORD);
check(adminToken !== null, "the administrator logs in");
const accounts = await fetch(`${base}/api/account?pageSize=1`,
  { headers: { Authorization: `Bearer ${adminToken}` } }).then((r) => r.json());
const accountId = accounts.data[0].id;
const tokens = { admin: adminToken };
for (const role of ["read", "ai_agent"]) {
  const username = `schemas_${role}_${process.pid}`;
  const password = `pw-${role}-${process.pid}-long`;
  const created = await rest(adminToken, "POST", "/api/user", {
    username, email: `${username}@example.com`, password, firstName: "Role", lastName: "Schemas",
    isAccountOwner: false, accountId, role,
  });
  check(created.status === 201, `the ${role} user is created`, created.message);
  tokens[role] = await restLogin(base, username, password);
  check(tokens[role] !== null, `the ${role} user logs in`);
}

// ---- each role's list ------------------------------------------------------------------------
const listings = {};
for (const role of ["admin", "read", "ai_agent"]) {
  const answer = await mcp(tokens[role], "tools/list");
  listings[role] = answer.result?.tools ?? [];
  check(answer.result?.cacheScope === "private", `${role}: tools/list is cacheScope private`,
    JSON.stringify(answer).slice(0, 200));
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  let compiled = 0;
  for (const tool of listings[role]) {
    try {
      ajv.compile(tool.inputSchema);
      compiled += 1;
    } catch (e) {
      check(false, `${role}: ajv compiles ${tool.name}`, e.message);
    }
  }
  check(compiled > 0 && compiled === listings[role].length,
    `${role}: ajv (2020-12, strict) compiles all ${listings[role].length} inputSchemas`);
}
check(listings.ai_agent.length < listings.admin.length, "ai_agent is listed fewer tools than admin");

const adminSchema = (name) => listings.admin.find((t) => t.name === name)?.inputSchema;
for (const role of ["admin", "read", "ai_agent"]) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  let accepted = 0;
  let refused = 0;
  for (const tool of listings[role].filter((t) => t.name.startsWith("list_"))) {
    const validate = ajv.compile(tool.inputSchema);
    const restPath = `/api/${tool.name.slice("list_".length)}`;
    const offered = new Set(filterFields(tool.inputSchema));
    const offeredSorts = new Set(sortFields(tool.inputSchema));
    for (const field of filterFields(adminSchema(tool.name))) {
      const args = { filter: { [field]: { $exists: true } }, pageSize: 1 };
      const answer = await callTool(tokens[role], tool.name, args);
      if (offered.has(field)) {
        accepted += 1;
        check(validate(args) && answer?.isError === false,
          `${role} ${tool.name}: filter on ${field} is valid and answered`,
          `${JSON.stringify(validate.errors)} ${textOf(answer).slice(0, 200)}`);
      } else {
        refused += 1;
        const restAnswer = await rest(tokens[role], "GET",
          `${restPath}?filter=${encodeURIComponent(JSON.stringify(args.filter))}`);
        check(!validate(args) && sameRefusal(answer, restAnswer),
          `${role} ${tool.name}: filter on ${field} is invalid and refused as REST refuses it`,
          `ajv ${validate(args)}; mcp: ${textOf(answer)}; rest ${restAnswer.status}: ${restAnswer.message}`);
      }
    }
    for (const field of sortFields(adminSchema(tool.name))) {
      const args = { sort: [{ field, direction: "desc" }], pageSize: 1 };
      const answer = await callTool(tokens[role], tool.name, args);
      if (offeredSorts.has(field)) {
        check(validate(args) && answer?.isError === false,
          `${role} ${tool.name}: sort on ${field} is valid and answered`, textOf(answer).slice(0, 200));
      } else {
        const restAnswer = await rest(tokens[role], "GET", `${restPath}?sort=${field}:desc`);
        check(!validate(args) && sameRefusal(answer, restAnswer),
          `${role} ${tool.name}: sort on ${field} is invalid and refused as REST refuses it`,
          `ajv ${validate(args)}; mcp: ${textOf(answer)}; rest ${restAnswer.status}: ${restAnswer.message}`);
      }
    }
  }
  check(accepted > 0, `${role}: some filters are offered and answered`);
  if (role === "ai_agent") {
    check(refused > 0, "ai_agent: filters outside its rules are refused");
  } else {
    check(refused === 0, `${role}: every filter admin is offered is offered too`, `${refused}`);
  }
}

// ---- a field the agent may not set ------------------------------------------------------------
{
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const createUser = ajv.compile(listings.ai_agent.find((t) => t.name === "create_user").inputSchema);
  const body = { username: `agent_made_${process.pid}`, email: `agent_made_${process.pid}@example.com`,
    password: "a-long-password", firstName: "Agent", lastName: "Made", isAccountOwner: false,
    accountId };
  check(createUser(body), "ai_agent create_user: a body without role is valid (password settable)",
    JSON.stringify(createUser.errors));
  const withRole = { ...body, role: "admin" };
  const answer = await callTool(tokens.ai_agent, "create_user", withRole);
  const restAnswer = await rest(tokens.ai_agent, "POST", "/api/user", withRole);
  // REST's envelope lists the field error, which adds why: "(read_only for ai_agent)".
  const message = "ai_agent role cannot set User.role";
  check(!createUser(withRole) && textOf(answer) === `Permission denied: ${message}` &&
      restAnswer.status === 403 && restAnswer.message.startsWith(message),
    "ai_agent create_user with role: invalid for ajv, refused by MCP as by REST",
    `mcp: ${textOf(answer)}; rest ${restAnswer.status}: ${restAnswer.message}`);
}
finish();
