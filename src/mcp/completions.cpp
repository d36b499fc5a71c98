#include "mcp/completions.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>

#include "mcp/error_result.hpp"
#include "query/query.hpp"
#include "rbac/authorizer.hpp"
#include "schema/names.hpp"

namespace ea::mcp {
namespace {

using boost::json::array;
using boost::json::object;

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           schema::EqualsIgnoringCase(text.substr(0, prefix.size()), prefix);
}

object Completion(std::vector<std::string> values, std::int64_t total) {
    array out;
    for (auto& v : values) {
        out.emplace_back(std::move(v));
    }
    const bool more = total > static_cast<std::int64_t>(out.size());
    return object{
        {"completion", object{{"values", std::move(out)}, {"total", total}, {"hasMore", more}}}};
}

object Matching(const std::vector<std::string>& candidates, std::string_view prefix) {
    std::vector<std::string> values;
    std::int64_t total = 0;
    for (const auto& candidate : candidates) {
        if (StartsWithIgnoringCase(candidate, prefix)) {
            ++total;
            if (values.size() < kMaxCompletionValues) {
                values.push_back(candidate);
            }
        }
    }
    return Completion(std::move(values), total);
}

// The entities `principal` may read: the only names worth suggesting to it.
std::vector<std::string> EntityNames(const schema::Schema& schema, const Principal& principal) {
    std::vector<std::string> names;
    for (const auto& entity : schema.entities()) {
        if (rbac::EntityAccess(schema, principal, *entity).Allows(rbac::Action::kRead)) {
            names.push_back(entity->name());
        }
    }
    return names;
}

std::optional<std::string> ContextArgument(const object& params, std::string_view name) {
    const auto* context = params.if_contains("context");
    if (context == nullptr || !context->is_object()) {
        return std::nullopt;
    }
    const auto* arguments = context->as_object().if_contains("arguments");
    if (arguments == nullptr || !arguments->is_object()) {
        return std::nullopt;
    }
    const auto* v = arguments->as_object().if_contains(name);
    if (v == nullptr || !v->is_string()) {
        return std::nullopt;
    }
    return std::string(v->as_string());
}

}  // namespace

Completer::Completer(service::DocumentService& documents, const PromptCatalog& prompts,
                     const ResourceCatalog& resources)
    : documents_(documents), prompts_(prompts), resources_(resources) {}

std::variant<object, RpcError> Completer::Complete(const service::RequestContext& ctx,
                                                   const object& params) const {
    const auto* ref = params.if_contains("ref");
    const auto* argument = params.if_contains("argument");
    if (ref == nullptr || !ref->is_object() || argument == nullptr || !argument->is_object()) {
        return InvalidParams(
            "Invalid params: completion/complete needs params.ref and params.argument");
    }
    const auto* type = ref->as_object().if_contains("type");
    const auto* arg_name = argument->as_object().if_contains("name");
    const auto* arg_value = argument->as_object().if_contains("value");
    if (type == nullptr || !type->is_string() || arg_name == nullptr || !arg_name->is_string() ||
        arg_value == nullptr || !arg_value->is_string()) {
        return InvalidParams(
            "Invalid params: completion/complete needs ref.type, argument.name and "
            "argument.value (strings)");
    }
    const std::string_view name = arg_name->as_string();
    const std::string_view prefix = arg_value->as_string();
    const schema::Schema& schema = documents_.schema();
    if (type->as_string() == "ref/prompt") {
        const auto* prompt_name = ref->as_object().if_contains("name");
        const Prompt* prompt = prompt_name != nullptr && prompt_name->is_string()
                                   ? prompts_.Find(prompt_name->as_string())
                                   : nullptr;
        if (prompt == nullptr) {
            return InvalidParams("Invalid params: unknown prompt in ref.name");
        }
        for (const auto& spec : prompt->arguments) {
            if (spec.name != name) {
                continue;
            }
            switch (spec.values) {
                case ArgumentValues::kEntityNames:
                    return Matching(EntityNames(schema, ctx.principal), prefix);
                case ArgumentValues::kEnumValues: {
                    // Values of a field the role may not query are not offered (the prompt's
                    // filter would be refused anyway).
                    const schema::Entity* owner = spec.entity;
                    if (owner != nullptr &&
                        !rbac::EntityAccess(schema, ctx.principal, *owner).CanQuery(*spec.field)) {
                        return Completion({}, 0);
                    }
                    return Matching(spec.field->enum_rule->values, prefix);
                }
                case ArgumentValues::kFreeTextFields: {
                    const auto entity_name = ContextArgument(params, "entity");
                    const schema::Entity* entity =
                        entity_name ? schema.FindEntity(*entity_name) : nullptr;
                    std::vector<std::string> fields;
                    if (entity != nullptr) {
                        const rbac::EntityAccess access(schema, ctx.principal, *entity);
                        for (const auto& field : entity->fields()) {
                            if (field.is_free_text() && !field.write_only &&
                                access.CanQuery(field)) {
                                fields.push_back(field.name);
                            }
                        }
                    }
                    return Matching(fields, prefix);
                }
                case ArgumentValues::kFree:
                    return Completion({}, 0);
            }
        }
        return InvalidParams("Invalid params: prompt '" + prompt->name + "' has no argument '" +
                             std::string(name.substr(0, 64)) + "'");
    }
    if (type->as_string() == "ref/resource") {
        const auto* uri = ref->as_object().if_contains("uri");
        if (uri == nullptr || !uri->is_string()) {
            return InvalidParams("Invalid params: ref/resource needs ref.uri (a string)");
        }
        if (uri->as_string() == kSchemaTemplateUri) {
            if (name != "Entity") {
                return InvalidParams(
                    "Invalid params: events://schema/{Entity} has only the "
                    "variable 'Entity'");
            }
            return Matching(EntityNames(schema, ctx.principal), prefix);
        }
        const schema::Entity* entity = resources_.EntityOfTemplate(uri->as_string());
        if (entity == nullptr) {
            return InvalidParams("Invalid params: unknown resource template '" +
                                 std::string(uri->as_string().subview().substr(0, 128)) + "'");
        }
        if (name != "id") {
            return InvalidParams("Invalid params: " + ResourceCatalog::TemplateUri(*entity) +
                                 " has only the variable 'id'");
        }
        return RecordIds(ctx, *entity, prefix);
    }
    return InvalidParams("Invalid params: ref.type must be ref/prompt or ref/resource");
}

std::variant<object, RpcError> Completer::RecordIds(const service::RequestContext& ctx,
                                                    const schema::Entity& entity,
                                                    std::string_view prefix) const {
    const schema::Field* id = entity.FindField("id");
    query::Query query;
    query.page_size = static_cast<int>(kMaxCompletionValues);
    query.sort.push_back(query::SortKey{id, false});
    // Ids are lower-case [a-z0-9_-]: [prefix, prefix + "~") holds exactly those starting with it.
    std::string lower;
    for (char c : prefix.substr(0, 128)) {
        lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    if (!lower.empty()) {
        auto range = std::make_unique<query::FilterNode>();
        range->kind = query::FilterNode::Kind::kAnd;
        for (auto [op, bound] :
             {std::pair{query::Op::kGte, lower}, std::pair{query::Op::kLt, lower + "~"}}) {
            auto node = std::make_unique<query::FilterNode>();
            node->kind = query::FilterNode::Kind::kComparison;
            node->comparison = query::Comparison{id, op, boost::json::value(bound)};
            range->children.push_back(std::move(node));
        }
        query.filter = std::move(range);
    }
    auto listed = documents_.List(ctx, entity, query);
    if (!listed) {
        auto mapped = MapToolError(listed.error(), ctx.request_id);
        if (auto* rpc = std::get_if<RpcError>(&mapped)) {
            return *rpc;
        }
        return RpcError{kResourceReadRefusedCode, ToolErrorMessage(listed.error()), {}};
    }
    std::vector<std::string> values;
    for (const auto& row : listed->rows) {
        if (const auto* v = row.if_contains("id");
            v && v->is_string() && v->as_string().subview().starts_with(lower)) {
            values.emplace_back(v->as_string());
        }
    }
    return Completion(std::move(values), listed->page.total);
}

}  // namespace ea::mcp
