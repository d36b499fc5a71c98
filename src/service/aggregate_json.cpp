#include "service/aggregate_json.hpp"

#include <boost/json/object.hpp>

namespace ea::service {

boost::json::array AggregateGroupsJson(const query::AggregateQuery& query,
                                       const store::AggregateResult& result) {
    boost::json::array groups;
    groups.reserve(result.groups.size());
    for (const auto& group : result.groups) {
        boost::json::object key;
        for (std::size_t i = 0; i < query.group_by.size() && i < group.keys.size(); ++i) {
            key[query.group_by[i]->name] = group.keys[i];
        }
        boost::json::object out{{"key", std::move(key)}};
        for (std::size_t i = 0; i < query.metrics.size() && i < group.values.size(); ++i) {
            out[query.metrics[i].name] = group.values[i];
        }
        groups.emplace_back(std::move(out));
    }
    return groups;
}

}  // namespace ea::service
