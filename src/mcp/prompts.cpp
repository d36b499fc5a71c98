#include "mcp/prompts.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <utility>

#include "common/datetime.hpp"
#include "common/json_text.hpp"
#include "mcp/resources.hpp"
#include "schema/field_type.hpp"
#include "schema/names.hpp"

namespace ea::mcp {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;
using schema::Entity;

constexpr std::string_view kDescribe = "describe_data_model";
constexpr std::string_view kFind = "find_records";
constexpr std::string_view kUpcoming = "summarise_upcoming_events";

// The Event entity the upcoming-events prompt works on, or null when the schema has none fit.
const Entity* EventsEntity(const schema::Schema& schema) {
    const Entity* event = schema.FindEntity("Event");
    if (event == nullptr) {
        return nullptr;
    }
    const auto* when = event->FindField("dateTime");
    const auto* where = event->FindField("location");
    if (when == nullptr || when->type != schema::FieldType::kDatetime || where == nullptr ||
        !where->is_free_text()) {
        return nullptr;
    }
    return event;
}

std::string DataModelText(const schema::Schema& schema) {
    std::string text = "Describe the data model of the " + schema.project_name() +
                       " data service to me: what each entity is for, its important fields, "
                       "and how the entities reference each other. Each entity's full schema is "
                       "the resource events://schema/{Entity}. Summary:\n";
    for (const auto& entity : schema.entities()) {
        text += "\n- " + entity->name();
        if (!entity->description().empty()) {
            text += ": " + entity->description();
        }
        text += "\n  fields: ";
        bool first = true;
        for (const auto& field : entity->fields()) {
            text += first ? "" : ", ";
            first = false;
            text += field.name + " (" + schema::TypeName(field.type, field.element_type);
            if (field.required) {
                text += ", required";
            }
            if (field.enum_rule) {
                text += ", one of";
                for (const auto& v : field.enum_rule->values) {
                    text += " " + v;
                }
            }
            if (field.is_reference()) {
                text += ", references " + field.target->name();
            }
            text += ")";
        }
        text += "\n  tools: list_" + schema::PluralSnakeCase(entity->name()) + ", get_" +
                schema::SnakeCase(entity->name());
    }
    return text;
}

object ArgumentJson(const PromptArgument& argument) {
    return object{{"name", argument.name},
                  {"description", argument.description},
                  {"required", argument.required}};
}

object UserMessage(std::string text) {
    return object{{"role", "user"},
                  {"content", object{{"type", "text"}, {"text", std::move(text)}}}};
}

RpcError BadArgument(std::string message) {
    return InvalidParams("Invalid params: " + std::move(message));
}

std::string FreeTextFieldList(const Entity& entity) {
    std::string names;
    for (const auto& field : entity.fields()) {
        if (field.is_free_text() && !field.write_only) {
            names += names.empty() ? "" : ", ";
            names += field.name;
        }
    }
    return names;
}

}  // namespace

PromptCatalog::PromptCatalog(const schema::Schema& schema)
    : schema_(schema), data_model_text_(DataModelText(schema)) {
    prompts_.push_back(Prompt{std::string(kDescribe),
                              "Describe the data model",
                              "Explains the entities of this data service, their fields and how "
                              "they reference each other.",
                              {}});
    prompts_.push_back(Prompt{
        std::string(kFind),
        "Find records by text",
        "Finds records whose text fields contain some text, e.g. users by name "
        "(entity: User, text: mark).",
        {PromptArgument{"entity", "The entity to search, e.g. User.", true,
                        ArgumentValues::kEntityNames, nullptr},
         PromptArgument{"text", "The text to look for (case-insensitive).", true,
                        ArgumentValues::kFree, nullptr},
         PromptArgument{"field",
                        "One free-text field to search, e.g. username; every free-text field "
                        "when omitted.",
                        false, ArgumentValues::kFreeTextFields, nullptr}}});
    if (const Entity* events = EventsEntity(schema)) {
        Prompt upcoming{std::string(kUpcoming),
                        "Summarise upcoming events in a city",
                        "Lists the " + events->name() +
                            " records in a city from now on, soonest first, and summarises "
                            "them (what, when, cost).",
                        {PromptArgument{"city", "The city, matched against the location.", true,
                                        ArgumentValues::kFree, nullptr},
                         PromptArgument{"days",
                                        "How many days ahead to look (1-366; 30 when "
                                        "omitted).",
                                        false, ArgumentValues::kFree, nullptr}}};
        if (const auto* recurrence = events->FindField("recurrence");
            recurrence != nullptr && recurrence->enum_rule) {
            upcoming.arguments.push_back(
                PromptArgument{"recurrence", "Only events repeating this often, e.g. weekly.",
                               false, ArgumentValues::kEnumValues, recurrence, events});
        }
        prompts_.push_back(std::move(upcoming));
    }
    for (const auto& prompt : prompts_) {
        object entry{
            {"name", prompt.name}, {"title", prompt.title}, {"description", prompt.description}};
        if (!prompt.arguments.empty()) {
            array arguments;
            for (const auto& argument : prompt.arguments) {
                arguments.push_back(ArgumentJson(argument));
            }
            entry["arguments"] = std::move(arguments);
        }
        listing_.push_back(std::move(entry));
    }
}

const Prompt* PromptCatalog::Find(std::string_view name) const {
    for (const auto& prompt : prompts_) {
        if (prompt.name == name) {
            return &prompt;
        }
    }
    return nullptr;
}

std::variant<object, RpcError> PromptCatalog::Get(const object& params,
                                                  std::chrono::system_clock::time_point now) const {
    const auto* name = params.if_contains("name");
    if (name == nullptr || !name->is_string()) {
        return BadArgument("prompts/get needs params.name (a string)");
    }
    const Prompt* prompt = Find(name->as_string());
    if (prompt == nullptr) {
        std::string names;
        for (const auto& p : prompts_) {
            names += names.empty() ? "" : ", ";
            names += p.name;
        }
        return BadArgument("unknown prompt '" +
                           std::string(name->as_string().subview().substr(0, 64)) +
                           "'; prompts: " + names);
    }
    std::map<std::string, std::string, std::less<>> args;
    if (const auto* given = params.if_contains("arguments"); given && !given->is_null()) {
        if (!given->is_object()) {
            return BadArgument("params.arguments must be an object of strings");
        }
        for (const auto& [key, v] : given->as_object()) {
            const bool known = std::any_of(prompt->arguments.begin(), prompt->arguments.end(),
                                           [&](const auto& a) { return a.name == key; });
            if (!known) {
                return BadArgument("prompt '" + prompt->name + "' has no argument '" +
                                   std::string(std::string_view(key).substr(0, 64)) + "'");
            }
            if (!v.is_string()) {
                return BadArgument("argument '" + std::string(key) + "' must be a string");
            }
            if (!v.as_string().empty()) {
                args.emplace(std::string(key), std::string(v.as_string()));
            }
        }
    }
    for (const auto& argument : prompt->arguments) {
        if (argument.required && !args.contains(argument.name)) {
            return BadArgument("prompt '" + prompt->name + "' needs argument '" + argument.name +
                               "': " + argument.description);
        }
    }
    std::string text;
    if (prompt->name == kDescribe) {
        text = data_model_text_;
    } else if (prompt->name == kFind) {
        auto entity = schema_.LookupEntity(args.at("entity"));
        if (!entity) {
            return BadArgument("argument 'entity': " + entity.error().message);
        }
        const Entity& target = **entity;
        const std::string& needle = args.at("text");
        object call{{"filter_matching", "contains"}};
        std::string where;
        if (auto field = args.find("field"); field != args.end()) {
            const auto* resolved = target.ResolveField(field->second);
            if (resolved == nullptr || !resolved->is_free_text() || resolved->write_only) {
                return BadArgument("argument 'field': '" + field->second.substr(0, 64) +
                                   "' is not a free-text field of " + target.name() +
                                   "; free-text fields: " + FreeTextFieldList(target));
            }
            call["filter"] = object{{resolved->name, needle}};
            where = resolved->name;
        } else {
            array any;
            for (const auto& f : target.fields()) {
                if (f.is_free_text() && !f.write_only) {
                    any.push_back(object{{f.name, needle}});
                    where += where.empty() ? "" : ", ";
                    where += f.name;
                }
            }
            if (any.empty()) {
                return BadArgument("argument 'entity': " + target.name() +
                                   " has no free-text field to search");
            }
            call["filter"] = object{{"$or", std::move(any)}};
            where = "any of " + where;
        }
        text = "Find the " + target.name() + " records whose " + where + " contains \"" + needle +
               "\" (ignoring case). Call list_" + schema::PluralSnakeCase(target.name()) +
               " with " + ToJsonText(call) +
               ", follow pagination.totalPages if there are more, and show me the matches in a "
               "short table.";
    } else {  // kUpcoming
        const Entity& events = *EventsEntity(schema_);
        int days = 30;
        if (auto given = args.find("days"); given != args.end()) {
            const std::string& s = given->second;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), days);
            if (ec != std::errc{} || end != s.data() + s.size() || days < 1 || days > 366) {
                return BadArgument("argument 'days': '" + s.substr(0, 32) +
                                   "' is not a whole number of days from 1 to 366");
            }
        }
        object filter{
            {"location", args.at("city")},
            {"dateTime", object{{"$gte", FormatDatetime(now)},
                                {"$lt", FormatDatetime(now + std::chrono::hours(24) * days)}}}};
        if (auto recurrence = args.find("recurrence"); recurrence != args.end()) {
            const auto* field = events.FindField("recurrence");
            const auto& values = field->enum_rule->values;
            if (std::find(values.begin(), values.end(), recurrence->second) == values.end()) {
                std::string valid;
                for (const auto& v : values) {
                    valid += valid.empty() ? "" : ", ";
                    valid += v;
                }
                return BadArgument("argument 'recurrence': '" + recurrence->second.substr(0, 32) +
                                   "' is not one of " + valid);
            }
            filter["recurrence"] = recurrence->second;
        }
        object call{{"filter", std::move(filter)},
                    {"filter_matching", "contains"},
                    {"sort", array{object{{"field", "dateTime"}, {"direction", "asc"}}}},
                    {"pageSize", 50}};
        text = "Summarise the upcoming " + events.name() + " records in " + args.at("city") +
               " for the next " + std::to_string(days) + " days. Call list_" +
               schema::PluralSnakeCase(events.name()) + " with " + ToJsonText(call) +
               ". Then give me a short summary: how many there are, and for each its title, "
               "date and time, location and cost (free when 0).";
    }
    return object{{"description", prompt->description},
                  {"messages", array{UserMessage(std::move(text))}}};
}

}  // namespace ea::mcp
