// postgresql:// URLs in messages: the password masked, and the password itself (to scrub from
// server text before it is logged). Internal to store/postgres.
#pragma once

#include <string>
#include <string_view>

namespace ea::store::postgres {

// "postgresql://user:***@host/db": the URL with its password masked (in the authority and in a
// password= query parameter), for messages.
std::string RedactUrl(std::string_view url);
// The password of a postgresql:// URL (percent-decoded), or "".
std::string UrlPassword(std::string_view url);

}  // namespace ea::store::postgres
