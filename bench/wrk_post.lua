-- wrk script for bench/http_bench.sh: every request is a POST of the body in WRK_BODY with the
-- headers in WRK_HEADERS ("Name: value" lines). Used for MCP JSON-RPC calls to /mcp.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
for line in string.gmatch(os.getenv("WRK_HEADERS") or "", "[^\n]+") do
    local name, value = string.match(line, "^([^:]+):%s*(.*)$")
    if name then
        wrk.headers[name] = value
    end
end
