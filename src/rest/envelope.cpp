#include "rest/envelope.hpp"

#include <boost/json.hpp>

#include "common/json_text.hpp"
#include "service/pagination.hpp"

namespace ea::rest {

http::Response JsonResponse(const boost::json::value& body, int status_code) {
    return http::MakeResponse(status_code, ToJsonText(body), kJsonContentType);
}

http::Response JsonResponse(const boost::json::object& body, int status_code) {
    return http::MakeResponse(status_code, ToJsonText(body), kJsonContentType);
}

http::Response DataResponse(boost::json::value data, int status_code) {
    boost::json::object body;
    body["data"] = std::move(data);
    body["notifications"] = boost::json::object();
    body["status"] = "success";
    return JsonResponse(body, status_code);
}

namespace {

boost::json::object Notifications(const std::vector<store::Notice>& warnings,
                                  const std::vector<query::RequestWarning>& request_warnings) {
    boost::json::object notifications;
    if (!warnings.empty()) {
        boost::json::object by_field;
        for (const auto& warning : warnings) {
            auto& list = by_field[warning.field];
            if (!list.is_array()) {
                list = boost::json::array();
            }
            list.as_array().emplace_back(warning.message);
        }
        notifications["warnings"] = std::move(by_field);
    }
    if (!request_warnings.empty()) {
        boost::json::array list;
        for (const auto& warning : request_warnings) {
            list.push_back(
                boost::json::object{{"field", warning.field}, {"message", warning.message}});
        }
        notifications["request_warnings"] = std::move(list);
    }
    return notifications;
}

}  // namespace

http::Response ListResponse(store::ListResult result,
                            const std::vector<query::RequestWarning>& request_warnings) {
    boost::json::object body;
    boost::json::array rows;
    rows.reserve(result.rows.size());
    for (auto& row : result.rows) {
        rows.emplace_back(std::move(row));
    }
    body["data"] = std::move(rows);
    body["pagination"] = service::PaginationJson(result.page);
    body["notifications"] = Notifications(result.warnings, request_warnings);
    body["status"] = "success";
    return JsonResponse(body);
}

http::Response RecordResponse(store::GetResult result,
                              const std::vector<query::RequestWarning>& request_warnings) {
    boost::json::object body;
    body["data"] = std::move(result.record);
    body["notifications"] = Notifications(result.warnings, request_warnings);
    body["status"] = "success";
    return JsonResponse(body);
}

}  // namespace ea::rest
