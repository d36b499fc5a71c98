// Every message the server sends validates against the official schema of the revision it speaks.
//
// The schemas are the official TypeScript SDKs' own (zod) definitions of the spec's types: the v1
// SDK's (`@modelcontextprotocol/sdk/types.js`, session era up to 2025-11-25) and the v2 core's
// (`@modelcontextprotocol/core`, revision 2026-07-28). The test speaks raw JSON-RPC (no SDK
// client in between, so nothing is repaired or dropped before it is checked) over both transports:
// stdio (`events-api mcp`) and Streamable HTTP (`/mcp` of the server run_with_server.sh started),
// in the session era (initialize, then requests) and in the stateless era (per-request `_meta`).
// Each response is checked as a JSON-RPC message, then its result against the schema of the
// method's result, and, for 2026-07-28, against the rules its schema leaves to prose: `resultType`
// on every result, `ttlMs`/`cacheScope` on list and read results. Compact mode (/mcp?tools=compact)
// is checked on HTTP in both eras too.
//
// Usage: run_with_server.sh BINARY SCHEMA node mcp_spec_messages.test.mjs BINARY
// Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 1 on any failure.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import * as v1 from "@modelcontextprotocol/sdk/types.js";
import * as v2 from "@modelcontextprotocol/core";
import { check, finish, restLogin } from "./checks.mjs";

const kTimeoutMs = 20_000;
const binary = process.argv[2];
const base = process.env.EA_BASE_URL;
const username = process.env.EA_USERNAME;
const password = process.env.EA_PASSWORD;
if (!binary || !base) {
  check(false, "usage: run_with_server.sh BINARY SCHEMA node mcp_spec_messages.test.mjs BINARY");
  finish();
}

const kSessionVersions = ["2025-11-25", "2025-06-18", "2025-03-26"];
const kStatelessVersion = "2026-07-28";
const kStatelessMeta = {
  "io.modelcontextprotocol/protocolVersion": kStatelessVersion,
  "io.modelcontextprotocol/clientCapabilities": {},
};

// The result schema of each method we call, per era.
function resultSchemas(sdk) {
  return {
    initialize: sdk.InitializeResultSchema,
    "server/discover": sdk.DiscoverResultSchema,
    ping: sdk.EmptyResultSchema,
    "logging/setLevel": sdk.EmptyResultSchema,
    "tools/list": sdk.ListToolsResultSchema,
    "tools/call": sdk.CallToolResultSchema,
    "resources/list": sdk.ListResourcesResultSchema,
    "resources/templates/list": sdk.ListResourceTemplatesResultSchema,
    "resources/read": sdk.ReadResourceResultSchema,
    "prompts/list": sdk.ListPromptsResultSchema,
    "prompts/get": sdk.GetPromptResultSchema,
    "completion/complete": sdk.CompleteResultSchema,
  };
}
const kListOrRead = new Set(["tools/list", "resources/list", "resources/templates/list",
  "resources/read", "prompts/list"]);

// The requests each era sends, in order. Each is [label, method, params, expect], where expect is
// "result" or "error" (the error then checked as a JSON-RPC error response with that code).
function requests(era, capabilities = {}, compact = false) {
  const compactCalls = [
    ["compact tools/list", "tools/list", {}],
    ["compact describe_entities", "tools/call", { name: "describe_entities", arguments: {} }],
    ["compact describe_entities of one entity", "tools/call",
      { name: "describe_entities", arguments: { entity: "User", samples: 1 } }],
    ["compact query", "tools/call", { name: "query", arguments: { entity: "User", pageSize: 2 } }],
    ["compact get that finds nothing", "tools/call",
      { name: "get", arguments: { entity: "User", id: "usr_does_not_exist" } }],
    ["compact query with a bad argument", "tools/call",
      { name: "query", arguments: { entity: "User", pageSize: "many" } }],
    ["a per-entity tool in compact mode", "tools/call", { name: "list_users", arguments: {} }, -32602],
  ];
  const calls = compact ? compactCalls : [
    ["tools/list", "tools/list", {}],
    ["a list tool", "tools/call", { name: "list_users", arguments: { pageSize: 2 } }],
    ["a get tool that finds nothing", "tools/call",
      { name: "get_user", arguments: { id: "usr_does_not_exist" } }],
    ["a tool with a bad argument", "tools/call",
      { name: "list_users", arguments: { pageSize: "many" } }],
    ["resources/list", "resources/list", {}],
    ["resources/templates/list", "resources/templates/list", {}],
    ["resources/read of a schema", "resources/read", { uri: "events://schema/User" }],
    ["prompts/list", "prompts/list", {}],
    ["prompts/get", "prompts/get",
      { name: "find_records", arguments: { entity: "User", text: "mark" } }],
    ["completion/complete", "completion/complete",
      { ref: { type: "ref/resource", uri: "events://users/{id}" },
        argument: { name: "id", value: "usr_demo_1" } }],
    ["an unknown method", "no/such/method", {}, -32601],
    ["an unknown tool", "tools/call", { name: "no_such_tool", arguments: {} }, "any"],
  ];
  if (era === "session") {
    // logging/setLevel exists only where the server offers the logging capability.
    const logging = capabilities.logging
      ? ["logging/setLevel", "logging/setLevel", { level: "info" }]
      : ["logging/setLevel without the capability", "logging/setLevel", { level: "info" }, -32601];
    return [["ping", "ping", {}], logging, ...calls];
  }
  return [["server/discover", "server/discover", {}], ...calls];
}

// Checks one response `message` to `method` in `era`.
function checkResponse(where, label, method, message, expectedError) {
  const sdk = where.era === "session" ? v1 : v2;
  const what = `${where.name}: ${label}`;
  const envelope = sdk.JSONRPCMessageSchema.safeParse(message);
  check(envelope.success, `${what}: is a valid JSON-RPC message`,
    JSON.stringify(envelope.error?.issues ?? message).slice(0, 400));
  if (expectedError !== undefined && expectedError !== "any") {
    check(message.error?.code === expectedError, `${what}: error ${expectedError}`,
      JSON.stringify(message));
    const parsed = (sdk.JSONRPCErrorResponseSchema ?? sdk.JSONRPCErrorSchema).safeParse(message);
    check(parsed.success, `${what}: error response matches the schema`,
      JSON.stringify(parsed.error?.issues));
    return;
  }
  if (message.error) {
    check(expectedError === "any", `${what}: answers with a result`, JSON.stringify(message.error));
    return;
  }
  const schema = resultSchemas(sdk)[method];
  const parsed = schema.safeParse(message.result);
  check(parsed.success, `${what}: result matches ${method}'s result schema`,
    JSON.stringify(parsed.error?.issues ?? "").slice(0, 400));
  if (where.era === "stateless") {
    check(typeof message.result?.resultType === "string", `${what}: carries resultType`,
      JSON.stringify(message.result).slice(0, 200));
    if (kListOrRead.has(method)) {
      const { ttlMs, cacheScope } = message.result;
      check(Number.isInteger(ttlMs) && ttlMs >= 0 && ["public", "private"].includes(cacheScope),
        `${what}: carries ttlMs and cacheScope`, JSON.stringify({ ttlMs, cacheScope }));
    }
  }
  if (method === "tools/call" && message.result?.structuredContent !== undefined) {
    check(typeof message.result.structuredContent === "object" &&
      !Array.isArray(message.result.structuredContent),
    `${what}: structuredContent is an object`);
  }
}

function withTimeout(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: no answer within ${kTimeoutMs} ms`)), kTimeoutMs))]);
}

// stdio: one `events-api mcp` process; responses matched to requests by id.
function startStdio() {
  const child = spawn(binary, ["mcp"], {
    env: { ...process.env, MCP_USER: username, MCP_PASSWORD: password },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const waiting = new Map();
  const stray = [];
  const notifications = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      stray.push(line);
      return;
    }
    if (message.id === undefined && typeof message.method === "string") {
      notifications.push(message);  // e.g. notifications/message after logging/setLevel
      return;
    }
    const resolve = waiting.get(message.id);
    if (resolve) {
      waiting.delete(message.id);
      resolve(message);
    } else {
      stray.push(line);
    }
  });
  child.stderr.resume();
  let nextId = 1;
  return {
    stray,
    notifications,
    send(method, params) {
      const id = nextId++;
      const answer = new Promise((resolve) => waiting.set(id, resolve));
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      return withTimeout(answer, `stdio ${method}`);
    },
    notify(method) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`);
    },
    close() {
      child.stdin.end();
      return withTimeout(new Promise((resolve) => child.on("exit", resolve)), "stdio exit");
    },
  };
}

// Streamable HTTP: POST /mcp with the bearer; a JSON or an SSE answer.
async function readAnswer(response) {
  const type = response.headers.get("content-type") ?? "";
  const text = await response.text();
  if (!type.includes("text/event-stream")) {
    return JSON.parse(text);
  }
  const data = text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim());
  const messages = data.filter(Boolean).map((d) => JSON.parse(d));
  return messages.find((m) => m.id !== undefined) ?? messages[messages.length - 1];
}

function startHttp(token, endpoint = "/mcp") {
  let sessionId = null;
  let version = null;
  let nextId = 1;
  return {
    async send(method, params) {
      const headers = {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        Authorization: `Bearer ${token}`,
      };
      if (params?._meta) {
        headers["MCP-Protocol-Version"] = kStatelessVersion;
        headers["Mcp-Method"] = method;
        // Mcp-Name names the tool, resource or prompt the request is about.
        const name = method === "resources/read" ? params.uri : params.name;
        if (name && ["tools/call", "resources/read", "prompts/get"].includes(method)) {
          headers["Mcp-Name"] = name;
        }
      } else if (version) {
        headers["MCP-Protocol-Version"] = version;
      }
      if (sessionId) headers["Mcp-Session-Id"] = sessionId;
      const response = await withTimeout(fetch(`${base}${endpoint}`, {
        method: "POST",
        headers,
        body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      }), `http ${method}`);
      if (method === "initialize") {
        sessionId = response.headers.get("mcp-session-id");
      }
      const message = await readAnswer(response);
      if (method === "initialize") version = message.result?.protocolVersion ?? null;
      return message;
    },
    async notify(method) {
      await fetch(`${base}${endpoint}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          Authorization: `Bearer ${token}`,
          "Mcp-Session-Id": sessionId,
          "MCP-Protocol-Version": version,
        },
        body: JSON.stringify({ jsonrpc: "2.0", method }),
      });
    },
    close() {},
  };
}

async function runEra(where, transport) {
  let capabilities = {};
  if (where.era === "session") {
    const init = await transport.send("initialize", {
      protocolVersion: where.version,
      capabilities: {},
      clientInfo: { name: "events-api-spec-check", version: "1.0.0" },
    });
    checkResponse(where, "initialize", "initialize", init);
    check(init.result?.protocolVersion === where.version,
      `${where.name}: initialize agrees on ${where.version}`, JSON.stringify(init.result));
    capabilities = init.result?.capabilities ?? {};
    await transport.notify("notifications/initialized");
  }
  for (const [label, method, params, expectedError] of
    requests(where.era, capabilities, where.compact === true)) {
    const withMeta = where.era === "stateless" ? { ...params, _meta: kStatelessMeta } : params;
    const message = await transport.send(method, withMeta);
    checkResponse(where, label, method, message, expectedError);
  }
}

try {
  const token = await restLogin(base, username, password);
  check(typeof token === "string", "REST login gives a token for /mcp");

  for (const version of kSessionVersions) {
    await runEra({ name: `http ${version}`, era: "session", version }, startHttp(token));
  }
  await runEra({ name: `http ${kStatelessVersion}`, era: "stateless" }, startHttp(token));
  // Compact mode's tools and answers, in both eras.
  await runEra({ name: "http 2025-11-25 compact", era: "session", version: "2025-11-25",
    compact: true }, startHttp(token, "/mcp?tools=compact"));
  await runEra({ name: `http ${kStatelessVersion} compact`, era: "stateless", compact: true },
    startHttp(token, "/mcp?tools=compact"));

  for (const version of kSessionVersions) {
    const stdio = startStdio();
    await runEra({ name: `stdio ${version}`, era: "session", version }, stdio);
    check(stdio.stray.length === 0, `stdio ${version}: stdout carries only answers and notifications`,
      stdio.stray.join(" | "));
    // After logging/setLevel info, each tool call sent a log message first.
    check(stdio.notifications.length > 0, `stdio ${version}: log messages arrive after setLevel`);
    for (const note of stdio.notifications) {
      const parsed = v1.ServerNotificationSchema.safeParse(note);
      check(parsed.success, `stdio ${version}: ${note.method} matches the notification schema`,
        JSON.stringify(parsed.error?.issues ?? note).slice(0, 300));
    }
    await stdio.close();
  }
  const stdio = startStdio();
  await runEra({ name: `stdio ${kStatelessVersion}`, era: "stateless" }, stdio);
  check(stdio.stray.length === 0, `stdio ${kStatelessVersion}: stdout carries only answers`,
    stdio.stray.join(" | "));
  await stdio.close();
} catch (error) {
  check(false, "the run completes", error?.stack ?? String(error));
}
finish();
