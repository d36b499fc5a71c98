#include "rest/envelope.hpp"

#include <boost/json.hpp>

#include "common/json_text.hpp"

namespace ea::rest {

http::Response JsonResponse(const boost::json::value& body, int status_code) {
    return http::MakeResponse(status_code, ToJsonText(body), kJsonContentType);
}

http::Response DataResponse(boost::json::value data, int status_code) {
    boost::json::object body;
    body["data"] = std::move(data);
    body["notifications"] = boost::json::object();
    body["status"] = "success";
    return JsonResponse(body, status_code);
}

http::Response ListResponse(const store::ListResult& result) {
    boost::json::object body;
    boost::json::array rows;
    rows.reserve(result.rows.size());
    for (const auto& row : result.rows) {
        rows.emplace_back(row);
    }
    body["data"] = std::move(rows);
    body["pagination"] = {{"page", result.page.page},
                          {"pageSize", result.page.page_size},
                          {"total", result.page.total},
                          {"totalPages", result.page.total_pages}};
    boost::json::object notifications;
    if (!result.warnings.empty()) {
        boost::json::object warnings;
        for (const auto& warning : result.warnings) {
            auto& list = warnings[warning.field];
            if (!list.is_array()) {
                list = boost::json::array();
            }
            list.as_array().emplace_back(warning.message);
        }
        notifications["warnings"] = std::move(warnings);
    }
    body["notifications"] = std::move(notifications);
    body["status"] = "success";
    return JsonResponse(body);
}

}  // namespace ea::rest
