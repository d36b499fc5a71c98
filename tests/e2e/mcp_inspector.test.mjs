// The MCP Inspector's CLI (@modelcontextprotocol/inspector, `--cli` mode) drives the real binary:
// over stdio it starts `events-api mcp` itself, over Streamable HTTP it calls /mcp of the server
// run_with_server.sh started, with a REST login token as bearer. On each it lists the tools,
// calls get_user and list_users, gets a validation error back as a tool error, lists resources,
// reads a schema resource and gets a prompt: what a developer checking a server by hand does.
//
// Usage: run_with_server.sh BINARY SCHEMA node mcp_inspector.test.mjs BINARY
// Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 1 on any failure.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { check, finish } from "./checks.mjs";

const binary = process.argv[2];
const base = process.env.EA_BASE_URL;
if (!binary || !base) {
  check(false, "usage: run_with_server.sh BINARY SCHEMA node mcp_inspector.test.mjs BINARY");
  finish();
}
const require = createRequire(import.meta.url);
const inspector = join(require.resolve("@modelcontextprotocol/inspector/package.json"), "..",
  "clients/launcher/build/index.js");
// The Inspector keeps a catalog of servers in ~/.mcp-inspector; give it a home of its own.
const home = mkdtempSync(join(tmpdir(), "events-api-inspector-"));

const login = await fetch(`${base}/api/user/auth/login`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ username: process.env.EA_USERNAME, password: process.env.EA_PASSWORD }),
});
const token = (await login.json()).token;
check(typeof token === "string", "REST login gives a token");

// Runs the Inspector CLI against `target` (argv) with `args`; the parsed JSON it printed.
function inspect(target, args) {
  const run = spawnSync(process.execPath, [inspector, "--cli", ...target, ...args], {
    env: { ...process.env, HOME: home },
    encoding: "utf8",
    timeout: 60_000,
  });
  try {
    return { status: run.status, json: JSON.parse(run.stdout), stderr: run.stderr };
  } catch {
    return { status: run.status, json: null, stderr: `${run.stderr} | stdout: ${run.stdout}` };
  }
}

const stdioEnv = ["-e", `MCP_USER=${process.env.EA_USERNAME}`, "-e",
  `MCP_PASSWORD=${process.env.EA_PASSWORD}`, "-e", `EVENTS_API_DB=${process.env.EVENTS_API_DB}`,
  "-e", `EVENTS_API_SCHEMA=${process.env.EVENTS_API_SCHEMA}`];
const targets = [
  ["stdio", [binary, "mcp"], stdioEnv],
  ["HTTP", [`${base}/mcp`], ["--transport", "http", "--header", `Authorization: Bearer ${token}`]],
];

for (const [label, target, options] of targets) {
  const run = (...args) => inspect(target, [...args, ...options]);
  const tools = run("--method", "tools/list");
  const names = (tools.json?.tools ?? []).map((t) => t.name);
  check(names.includes("get_user") && names.includes("list_events") && names.length >= 40,
    `${label}: tools/list lists the generated tools`, `${names.length} ${tools.stderr}`);

  const user = run("--method", "tools/call", "--tool-name", "get_user", "--tool-arg", "id=usr_demo_1");
  check(user.json?.structuredContent?.id === "usr_demo_1" && user.json?.isError !== true,
    `${label}: get_user returns the record`, JSON.stringify(user.json ?? user.stderr).slice(0, 300));
  check(!JSON.stringify(user.json ?? "").includes("$argon2"), `${label}: no password hash`);

  const page = run("--method", "tools/call", "--tool-name", "list_users", "--tool-arg", "pageSize=2");
  check(page.json?.structuredContent?.data?.length === 2 &&
    page.json.structuredContent.pagination?.pageSize === 2,
  `${label}: list_users with a page size`, JSON.stringify(page.json ?? page.stderr).slice(0, 300));

  const bad = run("--method", "tools/call", "--tool-name", "get_user", "--tool-arg", "id=usr_nobody");
  check(bad.json?.isError === true && /not found/i.test(bad.json?.content?.[0]?.text ?? ""),
    `${label}: a missing record is a tool error an assistant can act on`,
    JSON.stringify(bad.json ?? bad.stderr).slice(0, 300));

  const resources = run("--method", "resources/list");
  check((resources.json?.resources ?? []).some((r) => r.uri === "events://schema/User"),
    `${label}: resources/list`, JSON.stringify(resources.json ?? resources.stderr).slice(0, 300));
  const schema = run("--method", "resources/read", "--uri", "events://schema/Event");
  check(JSON.parse(schema.json?.contents?.[0]?.text ?? "{}").name === "Event",
    `${label}: resources/read of a schema`, JSON.stringify(schema.json ?? schema.stderr).slice(0, 300));

  const prompt = run("--method", "prompts/get", "--prompt-name", "find_records", "--prompt-args",
    "entity=User", "text=mark");
  check(/mark/.test(JSON.stringify(prompt.json?.messages ?? "")),
    `${label}: prompts/get`, JSON.stringify(prompt.json ?? prompt.stderr).slice(0, 300));
}
rmSync(home, { recursive: true, force: true });
finish();
