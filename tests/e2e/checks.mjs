// The e2e tests' reporting: one PASS/FAIL line per check, then "N passed, N failed" (the line
// ctest's output and CI read), and exit 1 on any failure or when nothing was checked.
let passed = 0;
let failed = 0;

export function check(ok, what, detail = "") {
  if (ok) {
    passed += 1;
    console.log(`PASS ${what}`);
  } else {
    failed += 1;
    const oneLine = String(detail).replace(/\s+/g, " ").trim().slice(0, 600);
    console.log(`FAIL ${what}${oneLine ? `: ${oneLine}` : ""}`);
  }
  return ok;
}

export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

// Logs in through the REST API of the server at `base`; the session token, or null.
export async function restLogin(base, username, password) {
  const response = await fetch(`${base}/api/user/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const token = (await response.json()).token;
  return typeof token === "string" ? token : null;
}

// The JSON inside a tool result's untrusted-data frame (docs/mcp/tools.md, "Results"): the text
// between "<untrusted-data-NONCE>\n" and "\n</untrusted-data-NONCE>"; null when `text` has no frame.
export function untrustedJson(text) {
  const open = /\n<untrusted-data-([0-9a-f-]{36})>\n/.exec(text ?? "");
  if (!open) return null;
  const start = open.index + open[0].length;
  const end = text.lastIndexOf(`\n</untrusted-data-${open[1]}>`);
  return end >= start ? text.slice(start, end) : null;
}
