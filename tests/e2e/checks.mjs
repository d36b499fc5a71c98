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
