// Compact mode through a real SDK client (any version, any transport): the 11 generic tools are
// listed with input schemas ajv (2020-12) compiles, an entity enum of the caller's entities, and a
// describe_entities -> create -> get -> update -> query -> aggregate -> delete round trip on
// Event, a validation error and a per-entity tool refused by name. Used by mcp_stdio.test.mjs,
// mcp_http.test.mjs and mcp_http_v2.test.mjs.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { check } from "./checks.mjs";

const kCompactTools = ["describe_entities", "query", "get", "create", "update", "delete",
  "aggregate", "batch", "user_auth_login", "user_auth_logout", "user_auth_refresh"];

const textOf = (result) => result?.content?.[0]?.text ?? JSON.stringify(result);

// `client`: a connected SDK Client whose server offers compact mode to it; `label` prefixes every
// check; `withTimeout(promise, what)` bounds each call.
export async function checkCompactMode(client, label, withTimeout) {
  const { tools } = await withTimeout(client.listTools(), `${label}: tools/list`);
  const names = tools.map((t) => t.name);
  check(JSON.stringify(names) === JSON.stringify(kCompactTools),
    `${label}: compact tools/list has the 11 generic tools`, names.join(","));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const bad = tools.filter((t) => { try { ajv.compile(t.inputSchema); return false; } catch { return true; } });
  check(bad.length === 0, `${label}: every compact inputSchema compiles (ajv 2020-12)`,
    bad.map((t) => t.name).join(","));
  const size = JSON.stringify({ tools }).length;
  check(size <= 8000, `${label}: compact tools/list within ~2,000 tokens (bytes / 4)`, `${size} bytes`);
  const queryEnum = tools.find((t) => t.name === "query")?.inputSchema?.properties?.entity?.enum ?? [];
  check(queryEnum.includes("Event") && queryEnum.includes("User"),
    `${label}: query's entity enum lists the entities`, JSON.stringify(queryEnum));

  const call = (name, args) => withTimeout(client.callTool({ name, arguments: args }), `${label}: ${name}`);
  const described = await call("describe_entities", {});
  const entityNames = (described.structuredContent?.entities ?? []).map((e) => e.name);
  check(!described.isError && entityNames.includes("Event"),
    `${label}: describe_entities names the entities`, textOf(described));
  const event = await call("describe_entities", { entity: "Event", samples: 1 });
  const fields = (event.structuredContent?.description?.fields ?? []).map((f) => f.name);
  check(!event.isError && fields.includes("location") &&
      (event.structuredContent?.samples ?? []).length === 1,
    `${label}: describe_entities Event gives its fields and a sample`, textOf(event).slice(0, 300));

  const title = `MCP compact e2e ${process.pid} ${label}`;
  const created = await call("create", { entity: "Event", data: { title,
    url: "https://example.com/compact", dateTime: "2027-05-06T19:30:00Z", location: "Oakland",
    cost: 12.5, tags: ["e2e"] } });
  const id = created.structuredContent?.id;
  check(!created.isError && typeof id === "string", `${label}: create Event`, textOf(created));
  const got = await call("get", { entity: "event", id });
  check(!got.isError && got.structuredContent?.title === title, `${label}: get Event`, textOf(got));
  const updated = await call("update", { entity: "Event", id, data: { cost: 20 } });
  check(!updated.isError && updated.structuredContent?.cost === 20, `${label}: update Event`,
    textOf(updated));
  const queried = await call("query", { entity: "events", filter: { title, cost: { $gte: 20 } } });
  check((queried.structuredContent?.data ?? []).length === 1 &&
      queried.structuredContent?.data?.[0]?.id === id,
    `${label}: query with an operator finds it`, textOf(queried));
  const counted = await call("aggregate", { entity: "Event", filter: { title } });
  check(!counted.isError && JSON.stringify(counted.structuredContent).includes('"count":1'),
    `${label}: aggregate counts it`, textOf(counted));
  const deleted = await call("delete", { entity: "Event", id });
  check(!deleted.isError, `${label}: delete Event`, textOf(deleted));
  const gone = await call("get", { entity: "Event", id });
  check(gone.isError === true && /not found/.test(textOf(gone)), `${label}: deleted Event is gone`,
    textOf(gone));
  const invalid = await call("create", { entity: "Event", data: { title: "", url: "not a url" } });
  check(invalid.isError === true && textOf(invalid).startsWith("Validation failed:"),
    `${label}: a bad create is a 'Validation failed:' isError result`, textOf(invalid));
  try {
    const r = await call("list_events", {});
    check(false, `${label}: a per-entity tool is unknown in compact mode`, JSON.stringify(r));
  } catch (e) {
    check(e?.code === -32602 && /Unknown tool: list_events/.test(e.message),
      `${label}: a per-entity tool is unknown in compact mode (-32602)`, `${e?.code} ${e?.message}`);
  }
}
