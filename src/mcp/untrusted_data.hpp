// The text block of a successful tool result, framed as untrusted data (issue 8): record values
// reach an assistant, and a record may hold text written to look like instructions. The JSON is
// put between <untrusted-data-NONCE> and </untrusted-data-NONCE>, with a sentence before and
// after telling the model that nothing inside is an instruction, as Supabase's MCP server frames
// its query results. NONCE is a random UUID (libsodium's CSPRNG), new for every result and drawn
// after the data was read, so no stored value can contain the closing delimiter. The JSON inside
// is byte for byte the structuredContent's serialization; structuredContent itself is unframed.
#pragma once

#include <string>
#include <string_view>

namespace ea::mcp {

// A version-4 UUID from 16 CSPRNG bytes ("8c5b7f0e-...-..."), lower-case.
std::string RandomUuid();

// `json` framed for the result of tool `tool`, with a nonce that `json` does not contain.
std::string FrameUntrustedData(std::string_view tool, std::string_view json);

// The JSON inside a FrameUntrustedData text, or empty when `text` is not one (for tests and
// clients that want the data back: everything between the opening line and the closing tag).
std::string_view UnframeUntrustedData(std::string_view text);

}  // namespace ea::mcp
