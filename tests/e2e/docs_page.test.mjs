// Browser test of the /docs page against a running server, in headless Debian Chromium.
//
// It checks that /openapi.json is a valid OpenAPI 3.1 document (a real validator from npm) whose
// patterns compile as JavaScript regexes, that /docs loads with no request leaving the server and no
// console error (so the page works offline and its Content-Security-Policy holds), that every entity
// is listed, and that a person can use it: with credentials it logs in through the page's own login
// operation (so the sessionId cookie path is exercised), then expands a list operation, presses
// Execute, and expects a rendered 200.
//
// Environment:
//   EA_BASE_URL        server to test, e.g. http://127.0.0.1:8080 (required)
//   EA_SCREENSHOT      where to save a PNG of the page at the end (optional)
//   EA_USERNAME, EA_PASSWORD  log in through the page first (needed when the server requires auth)
//   EA_EXPECT_ENTITIES comma-separated entity names that must be listed (default: the document's tags)
//   EA_LIST_ENTITY     entity whose list operation is executed (default: the first one with a list)
//   CHROMIUM           browser binary (default /usr/bin/chromium)
// Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 1 on any failure.
//
// Install: npm ci --prefix tests/e2e.   Run: EA_BASE_URL=... node tests/e2e/docs_page.test.mjs
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { Validator } from "@seriousme/openapi-schema-validator";
import { check, finish } from "./checks.mjs";

const kTimeoutMs = 30_000;
const base = (process.env.EA_BASE_URL || "").replace(/\/+$/, "");
const screenshot = process.env.EA_SCREENSHOT || "";
const username = process.env.EA_USERNAME || "";
const password = process.env.EA_PASSWORD || "";


if (!base) {
  console.log("FAIL EA_BASE_URL is not set (e.g. EA_BASE_URL=http://127.0.0.1:8080)");
  failed += 1;
  finish();
}
const origin = new URL(base).origin;

// ---- the document ---------------------------------------------------------------------------
// The document describes what its caller may do: without a session only the public routes (log
// in, health, the docs); with the administrator's session every entity.
async function fetchDocument(headers, what) {
  try {
    const docResponse = await fetch(`${base}/openapi.json`, { headers });
    check(docResponse.status === 200, `GET /openapi.json is 200 ${what}`,
          `got ${docResponse.status}`);
    const fetched = await docResponse.json();
    check(fetched.openapi === "3.1.0", `document ${what} declares openapi 3.1.0`,
          `got ${fetched.openapi}`);
    const validation = await new Validator().validate(structuredClone(fetched));
    check(validation.valid, `document ${what} passes @seriousme/openapi-schema-validator`,
          JSON.stringify(validation.errors)?.slice(0, 2000));
    return fetched;
  } catch (error) {
    check(false, `read ${base}/openapi.json ${what}`, error.cause?.message || error.message);
    finish();
  }
}
const anonymousDoc = await fetchDocument({}, "without a session");
const anonymousEntityPaths = Object.keys(anonymousDoc.paths || {})
  .filter((p) => p.startsWith("/api/") && !/\/auth\//.test(p) && !/^\/api\/(metadata|db)/.test(p));
check(anonymousEntityPaths.length === 0, "without a session no entity route is described",
      anonymousEntityPaths.join(", "));
let doc = anonymousDoc;
if (username && password) {
  const publicLogin = Object.keys(anonymousDoc.paths || {})
    .find((p) => /^\/api\/[^/]+\/auth\/login$/.test(p));
  const login = await fetch(`${base}${publicLogin}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const token = (await login.json()).token;
  doc = await fetchDocument({ Authorization: `Bearer ${token}` }, "with the administrator's session");
}

// JSON Schema patterns are ECMA-262 regexes; browsers and validators compile them with the u flag.
const badPatterns = [];
(function walk(node, where) {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${where}[${i}]`));
  } else if (node && typeof node === "object") {
    for (const [key, child] of Object.entries(node)) {
      if (key === "pattern" && typeof child === "string") {
        try {
          new RegExp(child, "u");
        } catch (error) {
          badPatterns.push(`${where}: ${error.message}`);
        }
      }
      walk(child, `${where}/${key}`);
    }
  }
})(doc, "#");
check(badPatterns.length === 0, "every pattern compiles as a JavaScript regex", badPatterns.join("; "));

const nonEntityTags = new Set(["Auth", "System"]);
const entities = process.env.EA_EXPECT_ENTITIES
  ? process.env.EA_EXPECT_ENTITIES.split(",").map((s) => s.trim()).filter(Boolean)
  : (doc.tags || []).map((t) => t.name).filter((name) => !nonEntityTags.has(name));
check(entities.length > 0, "the document names at least one entity");
const listEntity = process.env.EA_LIST_ENTITY ||
  entities.find((e) => doc.paths?.[`/api/${e.toLowerCase()}`]?.get);
const loginPath = Object.keys(doc.paths || {}).find((p) => /^\/api\/[^/]+\/auth\/login$/.test(p));

// ---- the page -------------------------------------------------------------------------------
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ea-docs-chromium-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
} catch (error) {
  check(false, "start headless Chromium", error.message);
  fs.rmSync(profile, { recursive: true, force: true });
  finish();
}

// The page must work offline: anything not from the server is refused and reported.
const outside = [];
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith("data:") || new URL(url).origin === origin) {
    return route.continue();
  }
  outside.push(url);
  return route.abort();
});
const consoleErrors = [];
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(kTimeoutMs);
page.on("console", (message) => {
  if (message.type() === "error") consoleErrors.push(message.text());
});
page.on("pageerror", (error) => consoleErrors.push(error.message));

// Expands operation `id` (Swagger UI's "operations-<tag>-<operationId>"), enables Try it out,
// optionally types a JSON body, presses Execute and returns the rendered status and body text.
async function execute(id, body) {
  const block = page.locator(`#${id}`);
  await block.locator(".opblock-summary").first().click();
  const tryOut = block.locator("button.try-out__btn", { hasText: "Try it out" });
  if (await tryOut.count()) await tryOut.click();
  if (body !== undefined) await block.locator("textarea.body-param__text").fill(JSON.stringify(body));
  await block.locator("button.execute").click();
  const status = block.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor();
  const text = (await status.innerText()).trim();
  const responseBody = await block
    .locator(".live-responses-table .response-col_description .highlight-code pre").first()
    .innerText().catch(() => "");
  await status.scrollIntoViewIfNeeded();
  return { status: text, body: responseBody };
}

try {
  const response = await page.goto(`${base}/docs`, { waitUntil: "load" });
  check(response && response.status() === 200, "GET /docs is 200", `got ${response?.status()}`);
  const csp = response?.headers()["content-security-policy"] || "";
  check(csp.includes("default-src 'none'"), "/docs sends a Content-Security-Policy", csp);

  await page.locator(".swagger-ui .info .title").waitFor();
  const title = (await page.locator(".swagger-ui .info .title").innerText()).trim();
  check(title.startsWith(doc.info.title), "the page shows the document's title", title);

  const shownBefore = [];
  for (const entity of entities) {
    if ((await page.locator(`.opblock-tag[data-tag="${entity}"]`).count()) > 0) shownBefore.push(entity);
  }
  check(shownBefore.length === 0, "before logging in the page lists no entity",
        `shown: ${shownBefore.join(", ")}`);

  if (username && password) {
    if (check(Boolean(loginPath), "the document has a login operation")) {
      const op = doc.paths[loginPath].post;
      const login = await execute(`operations-${op.tags[0]}-${op.operationId}`,
                                  { username, password });
      check(login.status === "200", `log in through the page (${loginPath})`,
            `status ${login.status}: ${login.body.slice(0, 300)}`);
    }
    // The page fetches the document again with its new session cookie.
    await page.locator(`.opblock-tag[data-tag="${entities[0]}"]`).waitFor();
  }

  const missing = [];
  for (const entity of entities) {
    if ((await page.locator(`.opblock-tag[data-tag="${entity}"]`).count()) === 0) missing.push(entity);
  }
  check(missing.length === 0, `after logging in the page lists every entity (${entities.join(", ")})`,
        `missing: ${missing.join(", ")}`);

  if (check(Boolean(listEntity), "an entity with a list operation exists")) {
    const op = doc.paths[`/api/${listEntity.toLowerCase()}`].get;
    const list = await execute(`operations-${op.tags[0]}-${op.operationId}`);
    check(list.status === "200", `Try it out + Execute on GET /api/${listEntity.toLowerCase()}`,
          `status ${list.status}: ${list.body.slice(0, 300)}`);
    check(/"status":\s*"success"/.test(list.body), "the rendered response is a success envelope",
          list.body.slice(0, 300));
  }
} catch (error) {
  check(false, "drive the docs page", error.message.split("\n")[0]);
} finally {
  if (screenshot) {
    try {
      // The viewport, scrolled to the last executed response: a whole-page shot is ~12000 px tall.
      await page.screenshot({ path: screenshot });
      console.log(`screenshot: ${screenshot}`);
    } catch (error) {
      check(false, "save the screenshot", error.message);
    }
  }
  check(outside.length === 0, "no request left the server", outside.slice(0, 5).join(", "));
  check(consoleErrors.length === 0, "no console errors", consoleErrors.slice(0, 5).join(" | "));
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
finish();
