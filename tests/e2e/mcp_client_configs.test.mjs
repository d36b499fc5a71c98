// Every MCP client config that docs/mcp/setup.md shows (Claude Desktop, Claude Code, VS Code,
// Cursor; stdio and HTTP) works as written: the test reads each ```json block with `mcpServers` or
// `servers` and each `claude mcp add` command from the page, puts in only the test's own paths,
// address and `${...}` placeholder values, and connects the official SDK client (v1) the way the
// config says: stdio configs spawn their `command`/`args` with their `env`, HTTP configs connect to
// their `url` with their `headers` (over Streamable HTTP, or the legacy HTTP+SSE transport when the
// config's transport is `sse`). Each must list the tools the service user may call.
//
// The service user is created exactly as the page's step 2 says (`user add claude_mcp --role
// ai_agent --password-stdin`), with the password the page's examples use; stdio configs with
// MCP_TOKEN get an access token of that user from `token create`.
//
// Usage: run_with_server.sh BINARY SCHEMA node mcp_client_configs.test.mjs BINARY SETUP_MD
// Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 1 on any failure.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { check, finish, restLogin } from "./checks.mjs";

const kTimeoutMs = 20_000;
const [binary, setupMd] = process.argv.slice(2);
const base = process.env.EA_BASE_URL;
const kDocPassword = "a-long-random-password";
if (!binary || !setupMd || !base) {
  check(false, "usage: run_with_server.sh BINARY SCHEMA node mcp_client_configs.test.mjs BINARY SETUP_MD");
  finish();
}
function withTimeout(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: no answer within ${kTimeoutMs} ms`)), kTimeoutMs))]);
}

const page = readFileSync(setupMd, "utf8");
// Each fenced block with the heading it sits under ("Claude Desktop", "Cursor", ...).
const blocks = [...page.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => {
  const headings = [...page.slice(0, m.index).matchAll(/^##+ (.+)$/gm)].map((h) => h[1]);
  return { lang: m[1], text: m[2], heading: headings[headings.length - 1] ?? "?" };
});

// Step 2 of the page, as written.
const add = spawnSync(binary, ["user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin"],
  { input: `${kDocPassword}\n`, encoding: "utf8" });
check(add.status === 0, "user add claude_mcp --role ai_agent --password-stdin", add.stderr);
check(page.includes("events-api user add claude_mcp --role ai_agent --password-stdin"),
  "the page's step 2 is the command this test ran");

const sessionToken = await restLogin(base, "claude_mcp", kDocPassword);
check(typeof sessionToken === "string", "the service user logs in with the page's password");
// Remote clients are configured once, with an access token (the page's `token create` step).
const created = spawnSync(binary, ["token", "create", "claude_mcp", "--name", "e2e"],
  { encoding: "utf8" });
const token = created.stdout.trim();
check(created.status === 0 && token.startsWith("eat_"), "token create claude_mcp prints a token",
  created.stderr);
check(page.includes("events-api token create claude_mcp"),
  "the page's set-up creates the service user's access token the same way");

// The page's placeholders, and what the test puts in for them.
function localise(text, { secret }) {
  return text
    .replaceAll("sqlite:///opt/events-api/data/events.db", process.env.EVENTS_API_DB)
    .replaceAll("/opt/events-api/schema.yaml", process.env.EVENTS_API_SCHEMA)
    .replaceAll("/opt/events-api/bin/events-api", binary)
    .replaceAll("http://127.0.0.1:8080", base)
    .replaceAll("eat_4q29...eGQ", token)
    .replaceAll("4q29...eGQ", sessionToken)
    .replace(/\$\{(input|env):[^}]+\}|\$\{[A-Z_]+\}/g, secret);
}

// One server entry of a config: { label, command?, args?, env?, url?, headers? }.
function entriesOf(block) {
  let config;
  try {
    config = JSON.parse(block.text);
  } catch {
    return [];
  }
  const servers = config.mcpServers ?? config.servers;
  if (!servers) return [];
  return Object.entries(servers).map(([name, entry]) => ({ name, ...entry }));
}

// A `claude mcp add ...` command as an entry (quotes and line continuations as a shell reads them).
function entryOfClaudeAdd(text) {
  const words = [...text.replace(/\\\n/g, " ").matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
  const at = words.indexOf("add");
  if (words[0] !== "claude" || words[1] !== "mcp" || at !== 2) return null;
  const entry = { env: {}, headers: {} };
  const positional = [];
  for (let i = 3; i < words.length; i++) {
    const word = words[i];
    if (word === "--") {
      [entry.command, ...entry.args] = words.slice(i + 1);
      break;
    } else if (word === "--env") {
      const [key, ...value] = words[++i].split("=");
      entry.env[key] = value.join("=");
    } else if (word === "--header") {
      const [key, ...value] = words[++i].split(":");
      entry.headers[key.trim()] = value.join(":").trim();
    } else if (word === "--transport") {
      entry.type = words[++i];
    } else {
      positional.push(word);
    }
  }
  [entry.name, entry.url] = positional;
  return entry;
}

const configs = [];
for (const block of blocks) {
  if (block.lang === "json") {
    for (const entry of entriesOf(block)) configs.push({ ...entry, heading: block.heading });
  } else if (block.lang === "sh") {
    for (const command of block.text.split(/\n(?=claude )/)) {
      const entry = entryOfClaudeAdd(command.trim());
      if (entry) configs.push({ ...entry, heading: block.heading });
    }
  }
}
const stdioCount = configs.filter((c) => c.command).length;
const httpCount = configs.filter((c) => c.url).length;
check(stdioCount >= 4 && httpCount >= 4,
  "the page shows stdio and HTTP configs for the four clients", `${stdioCount} stdio, ${httpCount} http`);

for (const [index, config] of configs.entries()) {
  const label = `${config.heading}, ${config.command ? "stdio" : "HTTP"} config ${index + 1}`;
  try {
    let transport;
    if (config.command) {
      // A `${input:...}` placeholder stands for the access token in MCP_TOKEN, else the password.
      const secret = "MCP_TOKEN" in (config.env ?? {}) ? token : kDocPassword;
      const env = Object.fromEntries(Object.entries(config.env ?? {}).map(([k, v]) =>
        [k, localise(v, { secret })]));
      check(env.MCP_USER === "claude_mcp" || env.MCP_TOKEN === token,
        `${label}: runs as the service user (its password or its access token)`, JSON.stringify(env));
      transport = new StdioClientTransport({
        command: localise(config.command, { secret: kDocPassword }),
        args: (config.args ?? []).map((a) => localise(a, { secret: kDocPassword })),
        env: { PATH: process.env.PATH, ...env },
        stderr: "ignore",
      });
    } else {
      const headers = Object.fromEntries(Object.entries(config.headers ?? {}).map(([k, v]) =>
        [k, localise(v, { secret: token })]));
      check(/^Bearer \S+$/.test(headers.Authorization ?? ""), `${label}: sends a bearer`,
        JSON.stringify(config.headers));
      const url = new URL(localise(config.url, { secret: token }));
      // `--transport sse` / "type": "sse": the legacy HTTP+SSE transport (GET /sse).
      transport = config.type === "sse"
        ? new SSEClientTransport(url, { requestInit: { headers }, eventSourceInit: {
          fetch: (u, init) => fetch(u, { ...init, headers: { ...init?.headers, ...headers } }) } })
        : new StreamableHTTPClientTransport(url, { requestInit: { headers } });
    }
    const client = new Client({ name: "events-api-config-check", version: "1.0.0" });
    await withTimeout(client.connect(transport), `${label}: connect`);
    const { tools } = await withTimeout(client.listTools(), `${label}: tools/list`);
    const names = tools.map((t) => t.name);
    // ai_agent may read users but never delete anything (schema.yaml's rbac section).
    check(names.includes("list_users") && !names.some((n) => n.startsWith("delete_")),
      `${label}: lists the ai_agent's tools`, names.join(","));
    const result = await withTimeout(
      client.callTool({ name: "list_users", arguments: { pageSize: 1 } }), `${label}: list_users`);
    check(result.isError !== true, `${label}: a tool call works`, JSON.stringify(result).slice(0, 300));
    await client.close();
  } catch (error) {
    check(false, `${label}: connects and lists tools`, error?.stack ?? String(error));
  }
}
finish();
