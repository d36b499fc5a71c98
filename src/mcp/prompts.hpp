// The MCP prompts: starting points a user picks in a client's prompt menu, built from the Schema
// once per schema load. Each names the tools to call and their exact arguments, so the model
// starts from a correct call instead of guessing one:
//   describe_data_model                 every entity, its fields and references (no arguments)
//   find_records(entity, text, field?)  records whose free-text fields contain `text`, e.g. users
//                                       by name
//   summarise_upcoming_events(city, days?, recurrence?)
//                                       only when the schema has an Event with `location` and a
//                                       Datetime `dateTime` (the default schema does)
// prompts/get errors (-32602): an unknown prompt, a missing required argument (named), a bad
// value (named, with what is valid). Thread-safe after construction.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "mcp/jsonrpc.hpp"
#include "schema/schema.hpp"

namespace ea::mcp {

// Where an argument's completions come from (completion/complete, ref/prompt).
enum class ArgumentValues {
    kFree,            // anything: no suggestions
    kEntityNames,     // the schema's entity names
    kEnumValues,      // `field`'s enum values
    kFreeTextFields,  // the free-text fields of the entity named by the `entity` argument
};

struct PromptArgument {
    std::string name;
    std::string description;
    bool required = false;
    ArgumentValues values = ArgumentValues::kFree;
    const schema::Field* field = nullptr;    // for kEnumValues
    const schema::Entity* entity = nullptr;  // the field's entity, for kEnumValues
};

struct Prompt {
    std::string name;
    std::string title;
    std::string description;
    std::vector<PromptArgument> arguments;
};

class PromptCatalog {
public:
    // `schema` must outlive the catalog.
    explicit PromptCatalog(const schema::Schema& schema);

    const std::vector<Prompt>& prompts() const { return prompts_; }
    // prompts/list's `prompts` array.
    const boost::json::array& listing() const { return listing_; }
    const Prompt* Find(std::string_view name) const;

    // The GetPromptResult for params {name, arguments}; `now` dates "upcoming".
    std::variant<boost::json::object, RpcError> Get(
        const boost::json::object& params, std::chrono::system_clock::time_point now) const;

    const schema::Schema& schema() const { return schema_; }

private:
    const schema::Schema& schema_;
    std::vector<Prompt> prompts_;
    boost::json::array listing_;
    std::string data_model_text_;  // describe_data_model's summary, made once
};

}  // namespace ea::mcp
