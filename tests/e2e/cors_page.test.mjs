// CORS in a real browser (headless Debian Chromium): a web front-end served from another origin,
// as the original's Angular UI was, logs in and reads data with its session cookie; a page from an
// origin that is not allowed is refused by the browser.
//
// Which hosts, and why. Chromium's origin is scheme + host + port, and its "site" (what SameSite
// cookies follow) is scheme + host, ports ignored, where 127.0.0.1 and localhost are two different
// sites. The API is at http://127.0.0.1:API_PORT, and its session cookie is SameSite=Lax. So the
// pages are served from the same host on other ports:
//   allowed page  http://127.0.0.1:EA_PAGE_PORT  cross-origin (CORS applies) but same-site, so
//                 the browser stores and sends the SameSite=Lax cookie on its fetches;
//   other page    http://127.0.0.1:<another port> the same site too, so nothing but the server's
//                 CORS answer (no Access-Control-Allow-Origin for it) keeps it from the data.
// A page on http://localhost:PORT would be cross-site: its cookie would be dropped by SameSite
// before CORS even mattered, so the test would prove nothing about the server's policy.
//
// run_with_server.sh picks EA_PAGE_PORT (because EA_PAGE_ORIGIN_HOST is set) and starts the server
// with http://127.0.0.1:EA_PAGE_PORT as its one allowed origin; the pages are tiny HTML documents
// served by node's http module below.
//
// Environment: EA_BASE_URL, EA_USERNAME, EA_PASSWORD, EA_PAGE_PORT (from run_with_server.sh);
// CHROMIUM (default /usr/bin/chromium). Prints PASS/FAIL lines, then "N passed, N failed".
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { check, finish } from "./checks.mjs";

const kTimeoutMs = 30_000;
const base = (process.env.EA_BASE_URL || "").replace(/\/+$/, "");
const username = process.env.EA_USERNAME || "";
const password = process.env.EA_PASSWORD || "";
const pagePort = Number(process.env.EA_PAGE_PORT || 0);


if (!base || !username || !password || !pagePort) {
  check(false, "EA_BASE_URL, EA_USERNAME, EA_PASSWORD and EA_PAGE_PORT are set",
        "run through run_with_server.sh with EA_PAGE_ORIGIN_HOST=127.0.0.1");
  finish();
}
const apiHost = new URL(base).hostname;
check(apiHost === "127.0.0.1", "the API is on 127.0.0.1 (the pages are on the same host)", apiHost);

// A page server: one tiny HTML document at "/", on 127.0.0.1:`port` (0 picks one).
function servePage(port, title) {
  const server = http.createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html><head><title>${title}</title></head>` +
                 `<body>${title}</body></html>`);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

let allowedServer;
let otherServer;
try {
  allowedServer = await servePage(pagePort, "allowed front-end");
  otherServer = await servePage(0, "other front-end");
} catch (error) {
  check(false, "serve the two pages", error.message);
  finish();
}
const allowedOrigin = `http://127.0.0.1:${pagePort}`;
const otherOrigin = `http://127.0.0.1:${otherServer.address().port}`;

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ea-cors-chromium-"));
let browser;
try {
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
} catch (error) {
  check(false, "start headless Chromium", error.message);
  allowedServer.close();
  otherServer.close();
  fs.rmSync(profile, { recursive: true, force: true });
  finish();
}

// Runs `steps` inside a page loaded from `origin`: what a front-end's own script would do there.
async function inPage(origin, steps, arg) {
  const page = await browser.newPage();
  page.setDefaultTimeout(kTimeoutMs);
  try {
    const loaded = await page.goto(`${origin}/`, { waitUntil: "load" });
    if (!loaded || loaded.status() !== 200) throw new Error(`page ${origin} did not load`);
    return await page.evaluate(steps, arg);
  } finally {
    await page.close();
  }
}

// In the page: fetch and report what the page's script can see, or how fetch failed.
const kFetchSteps = async ({ api, user, pass }) => {
  const attempt = async (what, url, init) => {
    try {
      const response = await fetch(url, init);
      let body = null;
      try { body = await response.json(); } catch { body = null; }
      return { what, ok: true, status: response.status, body,
               requestId: response.headers.get("X-Request-Id") };
    } catch (error) {
      return { what, ok: false, error: `${error.name}: ${error.message}` };
    }
  };
  const results = [];
  // A JSON POST is not a "simple" request: the browser sends a preflight first.
  results.push(await attempt("login", `${api}/user/auth/login`, {
    method: "POST", credentials: "include",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: user, password: pass }),
  }));
  // Only the cookie authenticates these: the page never touches the token.
  results.push(await attempt("list with cookie", `${api}/api/event?pageSize=3&sort=id`,
                             { credentials: "include" }));
  results.push(await attempt("me with cookie", `${api}/user/auth/me`, { credentials: "include" }));
  results.push(await attempt("list without cookie", `${api}/api/event?pageSize=3`,
                             { credentials: "omit" }));
  results.push({ what: "document.cookie", ok: true, cookie: document.cookie });
  return Object.fromEntries(results.map((r) => [r.what, r]));
};

try {
  // ---- the allowed front-end ------------------------------------------------------------------
  const allowed = await inPage(allowedOrigin, kFetchSteps,
                               { api: base, user: username, pass: password });
  const login = allowed["login"];
  check(login.ok && login.status === 200 && typeof login.body?.token === "string",
        `a page from ${allowedOrigin} logs in across origins (preflight + POST)`,
        JSON.stringify(login));
  check(login.ok && typeof login.requestId === "string" && login.requestId.length > 0,
        "the page can read an exposed header (X-Request-Id)", JSON.stringify(login));
  const list = allowed["list with cookie"];
  check(list.ok && list.status === 200 && list.body?.status === "success" &&
          Array.isArray(list.body?.data) && list.body.data.length === 3,
        "with credentials: 'include' its session cookie reads a list page",
        JSON.stringify(list).slice(0, 400));
  check(list.ok && list.body?.data?.every((row) => typeof row.id === "string"),
        "the rows reach the page's script", JSON.stringify(list.body?.data?.[0] ?? null));
  const me = allowed["me with cookie"];
  check(me.ok && me.status === 200 && JSON.stringify(me.body).includes(`"${username}"`),
        "its session is the user that logged in (/user/auth/me)", JSON.stringify(me).slice(0, 300));
  const anonymous = allowed["list without cookie"];
  check(anonymous.ok && anonymous.status === 401,
        "without the cookie the same page gets 401 (so the cookie is what authenticated)",
        JSON.stringify(anonymous).slice(0, 300));
  check(allowed["document.cookie"].cookie === "",
        "the session cookie stays HttpOnly (document.cookie is empty)",
        allowed["document.cookie"].cookie);

  const cookies = await browser.cookies(base);
  const session = cookies.find((c) => c.name === "sessionId");
  check(Boolean(session) && session.sameSite === "Lax" && session.httpOnly,
        "the browser stored the sessionId cookie for the API (SameSite=Lax, HttpOnly)",
        JSON.stringify(cookies));

  // ---- another origin on the same site, with the same cookie jar --------------------------------
  const other = await inPage(otherOrigin, kFetchSteps,
                             { api: base, user: username, pass: password });
  for (const what of ["login", "list with cookie", "me with cookie"]) {
    const result = other[what];
    check(!result.ok && /TypeError/.test(result.error),
          `a page from ${otherOrigin} is refused by the browser: ${what} (fetch rejects)`,
          JSON.stringify(result).slice(0, 300));
  }
} catch (error) {
  check(false, "drive the pages", error.message.split("\n")[0]);
} finally {
  await browser.close();
  allowedServer.close();
  otherServer.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
finish();
