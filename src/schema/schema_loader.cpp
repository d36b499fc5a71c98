// schema.yaml -> Schema. SchemaBuilder walks the YAML tree once, collecting every problem with its
// position instead of stopping at the first, then resolves references across entities.
// The format is documented in docs/schema.md; keep the two in step.
#include "schema/schema_loader.hpp"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <unordered_map>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "common/ids.hpp"
#include "schema/policy_builder.hpp"

namespace ea::schema {
namespace {

constexpr std::string_view kIdField = "id";
constexpr std::string_view kCreatedAtField = "createdAt";
constexpr std::string_view kUpdatedAtField = "updatedAt";
constexpr std::size_t kMaxIdentifierLength = 64;

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Entity and field names become SQL identifiers, URL segments and MCP tool names, so they are
// restricted to plain ASCII identifiers.
bool IsIdentifier(std::string_view name) {
    if (name.empty() || name.size() > kMaxIdentifierLength ||
        !std::isalpha(static_cast<unsigned char>(name[0]))) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_';
    });
}

std::string HexFnv1a64(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    std::array<char, 17> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%016llx", static_cast<unsigned long long>(hash));
    return std::string(buffer.data());
}

// A plain (unquoted) scalar may be a number, boolean or null; a quoted one is always a string.
bool IsPlain(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "?"; }

std::optional<std::int64_t> ParseInt(std::string_view text) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> ParseDouble(std::string_view text) {
    if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-')) {
        return std::nullopt;  // from_chars would accept "inf" and "nan"
    }
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> ParseBool(std::string_view text) {
    if (text == "true" || text == "True" || text == "TRUE") {
        return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
        return false;
    }
    return std::nullopt;
}

bool IsNullText(std::string_view text) {
    return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// "YYYY-MM-DD", a real calendar date.
bool IsDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return false;
    }
    const auto year = ParseInt(text.substr(0, 4));
    const auto month = ParseInt(text.substr(5, 2));
    const auto day = ParseInt(text.substr(8, 2));
    if (!year || !month || !day || *year < 1 || *month < 1 || *month > 12 || *day < 1) {
        return false;
    }
    constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max_day = kDays[static_cast<std::size_t>(*month - 1)];
    if (*month == 2 && IsLeapYear(static_cast<int>(*year))) {
        max_day = 29;
    }
    return *day <= max_day;
}

// ISO 8601 as the validator accepts it: a date, optionally "T" or " " and HH:MM[:SS[.fraction]],
// optionally "Z" or +HH:MM / -HH:MM. Only defaults are checked here.
bool IsDatetime(std::string_view text) {
    static const re2::RE2 kShape(
        R"(\d{4}-\d{2}-\d{2})"
        R"(([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?)?)");
    return text.size() >= 10 && IsDate(text.substr(0, 10)) &&
           re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), kShape);
}

// A YAML node as JSON, for JSON-typed defaults. Plain scalars become numbers/booleans/null when
// they read as such; quoted scalars stay strings.
boost::json::value YamlToJson(const YAML::Node& node) {
    if (node.IsMap()) {
        boost::json::object object;
        for (auto it = node.begin(); it != node.end(); ++it) {
            object[it->first.Scalar()] = YamlToJson(it->second);
        }
        return object;
    }
    if (node.IsSequence()) {
        boost::json::array array;
        for (const auto& element : node) {
            array.push_back(YamlToJson(element));
        }
        return array;
    }
    if (!node.IsScalar()) {
        return nullptr;
    }
    const std::string& text = node.Scalar();
    if (IsPlain(node)) {
        if (IsNullText(text)) {
            return nullptr;
        }
        if (const auto b = ParseBool(text)) {
            return *b;
        }
        if (const auto i = ParseInt(text)) {
            return *i;
        }
        if (const auto d = ParseDouble(text)) {
            return *d;
        }
    }
    return boost::json::string(text);
}

std::string JoinValues(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& value : values) {
        if (!out.empty()) {
            out += ", ";
        }
        out += value;
    }
    return out;
}

std::string FormatNumber(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

struct Problem {
    int line = 0;  // 1-based; 0 when the position is unknown
    int column = 0;
    std::string message;
};

// A reference to resolve once every entity is known.
struct PendingReference {
    Entity* entity = nullptr;
    std::string field_name;
    YAML::Mark field_mark;
    std::string explicit_target;  // from `references:`; empty means by convention
    YAML::Mark references_mark;
    bool on_delete_given = false;
    YAML::Mark on_delete_mark;
};

}  // namespace

// Builds a Schema from YAML text. One use per instance: construct, then Build().
class SchemaBuilder {
public:
    SchemaBuilder(std::string_view text, std::string file_name)
        : text_(text), file_name_(std::move(file_name)) {}

    Result<SchemaPtr> Build();

private:
    using EntryFn = std::function<void(const std::string& key, const YAML::Node& key_node,
                                       const YAML::Node& value)>;

    void Report(const YAML::Mark& mark, std::string message);
    void Report(const YAML::Node& node, std::string message) { Report(node.Mark(), message); }
    // Iterates a mapping, reporting non-scalar and duplicate keys (yaml-cpp keeps duplicates).
    void ForEachEntry(const YAML::Node& map, const std::string& context, std::string_view noun,
                      const EntryFn& fn);

    void ParseDictionaries(const YAML::Node& node);
    std::optional<Pattern> ParsePatternSpec(const YAML::Node& node, const std::string& context,
                                            bool allow_dictionary_name);
    std::optional<Pattern> CompilePattern(const YAML::Node& regex_node, std::string message,
                                          const std::string& context);
    void ParseEntity(const std::string& name, const YAML::Node& key_node, const YAML::Node& value);
    void ParseOperations(Entity& entity, const YAML::Node& node);
    void ParseFields(Entity& entity, const YAML::Node& node, std::vector<std::string>& uniques);
    std::optional<Field> ParseField(Entity& entity, const std::string& name,
                                    const YAML::Node& key_node, const YAML::Node& value,
                                    bool& unique);
    void ParseEnum(Field& field, const YAML::Node& node, const std::string& context);
    void ParseDefault(Field& field, const YAML::Node& node, const std::string& context);
    std::optional<boost::json::value> ScalarDefault(FieldType type, const YAML::Node& node,
                                                    const std::string& context);
    void CheckDefaultRules(const Field& field, const boost::json::value& value,
                           const YAML::Node& node, const std::string& context);
    void ParseUniques(Entity& entity, const YAML::Node& node);
    void ParseServices(Entity& entity, const YAML::Node& node);
    void ParseAuth(Entity& entity, const YAML::Node& node, const YAML::Mark& fallback,
                   const std::string& context);
    void ResolveReferences();
    void LinkRelations();
    // Adds the snake_case and plural forms FindEntity accepts, refusing a form that another
    // entity already answers to.
    void IndexOtherEntityNames();

    // Typed scalar readers: report and return nullopt when the value has the wrong kind.
    std::optional<std::string> ReadString(const YAML::Node& node, const std::string& what);
    std::optional<bool> ReadBool(const YAML::Node& node, const std::string& what);
    std::optional<std::int64_t> ReadLength(const YAML::Node& node, const std::string& what);
    std::optional<double> ReadNumber(const YAML::Node& node, const std::string& what,
                                     bool integer_only);

    std::string_view text_;
    std::string file_name_;
    std::vector<Problem> problems_;
    std::shared_ptr<Schema> schema_ = std::make_shared<Schema>();
    std::map<std::string, Pattern> dictionaries_;
    std::map<std::string, int> entity_lines_;  // by lower-case name
    std::vector<PendingReference> pending_;
    const Entity* auth_entity_ = nullptr;
};

void SchemaBuilder::Report(const YAML::Mark& mark, std::string message) {
    Problem problem;
    if (!mark.is_null()) {
        problem.line = mark.line + 1;
        problem.column = mark.column + 1;
    }
    problem.message = std::move(message);
    problems_.push_back(std::move(problem));
}

void SchemaBuilder::ForEachEntry(const YAML::Node& map, const std::string& context,
                                 std::string_view noun, const EntryFn& fn) {
    std::map<std::string, int> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node key = it->first;  // a copy: it->first is a proxy temporary
        if (!key.IsScalar()) {
            Report(key, context + ": a " + std::string(noun) + " name must be a plain string");
            continue;
        }
        const std::string& name = key.Scalar();
        const auto [prev, inserted] = seen.emplace(name, key.Mark().line + 1);
        if (!inserted) {
            Report(key, context + ": duplicate " + std::string(noun) + " '" + name +
                            "' (first at line " + std::to_string(prev->second) + ")");
            continue;
        }
        fn(name, key, it->second);
    }
}

std::optional<std::string> SchemaBuilder::ReadString(const YAML::Node& node,
                                                     const std::string& what) {
    if (!node.IsScalar()) {
        Report(node, what + " must be a string");
        return std::nullopt;
    }
    return node.Scalar();
}

std::optional<bool> SchemaBuilder::ReadBool(const YAML::Node& node, const std::string& what) {
    if (IsPlain(node)) {
        if (const auto value = ParseBool(node.Scalar())) {
            return value;
        }
    }
    Report(node, what + " must be true or false, not " +
                     (node.IsScalar() ? "'" + node.Scalar() + "'" : std::string("a collection")));
    return std::nullopt;
}

std::optional<std::int64_t> SchemaBuilder::ReadLength(const YAML::Node& node,
                                                      const std::string& what) {
    if (IsPlain(node)) {
        if (const auto value = ParseInt(node.Scalar()); value && *value >= 0) {
            return value;
        }
    }
    Report(node, what + " must be a non-negative integer, not " +
                     (node.IsScalar() ? "'" + node.Scalar() + "'" : std::string("a collection")));
    return std::nullopt;
}

std::optional<double> SchemaBuilder::ReadNumber(const YAML::Node& node, const std::string& what,
                                                bool integer_only) {
    if (IsPlain(node)) {
        if (integer_only) {
            if (const auto value = ParseInt(node.Scalar())) {
                return static_cast<double>(*value);
            }
        } else if (const auto value = ParseDouble(node.Scalar())) {
            return value;
        }
    }
    Report(node, what + (integer_only ? " must be an integer" : " must be a number") + ", not " +
                     (node.IsScalar() ? "'" + node.Scalar() + "'" : std::string("a collection")));
    return std::nullopt;
}

Result<SchemaPtr> SchemaBuilder::Build() {
    schema_->source_ = file_name_;
    schema_->version_ = HexFnv1a64(text_);

    YAML::Node root;
    try {
        root = YAML::Load(std::string(text_));
    } catch (const YAML::Exception& e) {
        Report(e.mark, "YAML syntax error: " + e.msg);
    }

    if (problems_.empty()) {
        if (!root.IsMap()) {
            Report(root.IsNull() ? YAML::Mark() : root.Mark(),
                   "the schema must be a mapping of entity names to entities "
                   "(see docs/schema.md)");
        } else {
            // `_dictionaries` may come after the entities that use it, so read it first.
            std::vector<std::tuple<std::string, YAML::Node, YAML::Node>> entities;
            std::optional<YAML::Node> rbac;
            ForEachEntry(root, "schema", "entity",
                         [&](const std::string& key, const YAML::Node& key_node,
                             const YAML::Node& value) {
                             if (key == "project") {
                                 if (auto name = ReadString(value, "project")) {
                                     schema_->project_name_ = *name;
                                 }
                             } else if (key == "_dictionaries") {
                                 ParseDictionaries(value);
                             } else if (key == "rbac") {
                                 rbac.emplace(value);  // read once every entity is known
                             } else if (key.starts_with('_')) {
                                 Report(key_node, "unknown top-level key '" + key +
                                                      "' (the only reserved key is _dictionaries)");
                             } else {
                                 entities.emplace_back(key, key_node, value);
                             }
                         });
            for (const auto& [name, key_node, value] : entities) {
                ParseEntity(name, key_node, value);
            }
            if (schema_->entities_.empty() && problems_.empty()) {
                Report(root, "the schema declares no entities");
            }
            ResolveReferences();  // by entity names only, before the other forms exist
            LinkRelations();
            IndexOtherEntityNames();
            PolicyBuilder policy(*schema_, [this](const YAML::Mark& mark, std::string message) {
                Report(mark, std::move(message));
            });
            schema_->access_policy_ = policy.Build(rbac ? &*rbac : nullptr);
        }
    }

    if (!problems_.empty()) {
        std::stable_sort(problems_.begin(), problems_.end(), [](const auto& a, const auto& b) {
            return std::tie(a.line, a.column) < std::tie(b.line, b.column);
        });
        std::vector<FieldError> fields;
        fields.reserve(problems_.size());
        for (auto& problem : problems_) {
            fields.push_back({file_name_ + ":" + std::to_string(problem.line) + ":" +
                                  std::to_string(problem.column),
                              std::move(problem.message)});
        }
        const auto count = fields.size();
        return Error{ErrorCode::kInvalidArgument,
                     file_name_ + ": " + std::to_string(count) +
                         (count == 1 ? " problem" : " problems") + " in schema",
                     std::move(fields)};
    }
    return SchemaPtr(std::move(schema_));
}

void SchemaBuilder::ParseDictionaries(const YAML::Node& node) {
    if (node.IsNull()) {
        return;
    }
    if (!node.IsMap()) {
        Report(node, "_dictionaries must be a mapping of names to {regex, message}");
        return;
    }
    ForEachEntry(node, "_dictionaries", "dictionary",
                 [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
                     if (!IsIdentifier(name)) {
                         Report(key_node, "_dictionaries: '" + name +
                                              "' is not a valid name (letters, digits, _)");
                         return;
                     }
                     auto pattern = ParsePatternSpec(value, "_dictionaries." + name, false);
                     if (pattern) {
                         dictionaries_.emplace(name, std::move(*pattern));
                     }
                 });
}

std::optional<Pattern> SchemaBuilder::CompilePattern(const YAML::Node& regex_node,
                                                     std::string message,
                                                     const std::string& context) {
    auto regex = ReadString(regex_node, context + ": regex");
    if (!regex) {
        return std::nullopt;
    }
    if (regex->empty()) {
        Report(regex_node, context + ": regex is empty");
        return std::nullopt;
    }
    auto compiled = std::make_shared<re2::RE2>(*regex, re2::RE2::Quiet);
    if (!compiled->ok()) {
        Report(regex_node, context + ": invalid regex '" + *regex + "': " + compiled->error());
        return std::nullopt;
    }
    if (message.empty()) {
        message = "must match pattern " + *regex;
    }
    return Pattern{*regex, std::move(message), std::move(compiled)};
}

std::optional<Pattern> SchemaBuilder::ParsePatternSpec(const YAML::Node& node,
                                                       const std::string& context,
                                                       bool allow_dictionary_name) {
    if (node.IsScalar()) {
        // A bare identifier is a dictionary name: a regex that is only a word would match only
        // that word, so reading it as a name catches typos instead of silently accepting them.
        if (allow_dictionary_name && IsIdentifier(node.Scalar())) {
            const auto it = dictionaries_.find(node.Scalar());
            if (it == dictionaries_.end()) {
                std::string known;
                for (const auto& [name, unused] : dictionaries_) {
                    known += (known.empty() ? "" : ", ") + name;
                }
                Report(node, context + ": unknown dictionary '" + node.Scalar() + "' (" +
                                 (known.empty() ? std::string("no _dictionaries declared")
                                                : "known: " + known) +
                                 ")");
                return std::nullopt;
            }
            return it->second;
        }
        return CompilePattern(node, "", context);
    }
    if (!node.IsMap()) {
        Report(node, context + ": a pattern must be {regex, message}" +
                         (allow_dictionary_name ? ", a dictionary name" : "") +
                         " or a regex string");
        return std::nullopt;
    }
    std::optional<YAML::Node> regex_node;
    std::string message;
    bool ok = true;
    ForEachEntry(node, context, "key",
                 [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
                     if (key == "regex") {
                         regex_node.emplace(value);
                     } else if (key == "message") {
                         if (auto text = ReadString(value, context + ": message")) {
                             message = *text;
                         } else {
                             ok = false;
                         }
                     } else {
                         Report(key_node, context + ": unknown pattern key '" + key +
                                              "' (expected regex, message)");
                         ok = false;
                     }
                 });
    if (!regex_node) {
        Report(node, context + ": pattern needs a `regex`");
        return std::nullopt;
    }
    auto pattern = CompilePattern(*regex_node, std::move(message), context);
    if (!ok) {
        return std::nullopt;
    }
    return pattern;
}

void SchemaBuilder::ParseEntity(const std::string& name, const YAML::Node& key_node,
                                const YAML::Node& value) {
    if (!IsIdentifier(name)) {
        Report(key_node, "'" + name + "' is not a valid entity name (a letter, then letters, " +
                             "digits or _; at most 64 characters)");
        return;
    }
    const std::string lower = Lower(name);
    if (const auto it = entity_lines_.find(lower); it != entity_lines_.end()) {
        const Entity* first = schema_->by_name_.at(lower);
        Report(key_node, first->name() == name
                             ? "duplicate entity '" + name + "' (first at line " +
                                   std::to_string(it->second) + ")"
                             : "entity '" + name + "' differs only in case from '" +
                                   first->name() + "' (line " + std::to_string(it->second) +
                                   "); entity names are case-insensitive");
        return;
    }
    auto entity = std::make_unique<Entity>();
    entity->name_ = name;
    entity->line_ = key_node.Mark().line + 1;
    entity_lines_.emplace(lower, entity->line_);
    schema_->by_name_.emplace(name, entity.get());
    Entity& e = *entity;
    schema_->entities_.push_back(std::move(entity));

    if (value.IsNull()) {
        Report(key_node, name + ": empty entity; declare its fields under `fields:`");
        return;
    }
    if (!value.IsMap()) {
        Report(value, name + ": an entity must be a mapping with `fields:` (and optionally " +
                          "description, operations, services, uniques)");
        return;
    }
    std::optional<YAML::Node> fields_node;
    std::optional<YAML::Node> uniques_node;
    std::optional<YAML::Node> services_node;
    ForEachEntry(value, name, "key",
                 [&](const std::string& key, const YAML::Node& entry_key, const YAML::Node& v) {
                     if (key == "description") {
                         if (auto text = ReadString(v, name + ": description")) {
                             e.description_ = *text;
                         }
                     } else if (key == "operations") {
                         ParseOperations(e, v);
                     } else if (key == "fields") {
                         fields_node.emplace(v);
                     } else if (key == "uniques") {
                         uniques_node.emplace(v);
                     } else if (key == "services") {
                         services_node.emplace(v);
                     } else if (key == "search_index") {
                         e.search_index_ = ReadBool(v, name + ": search_index").value_or(true);
                     } else if (key == "sort_index") {
                         e.sort_index_ = ReadBool(v, name + ": sort_index").value_or(true);
                     } else {
                         Report(entry_key, name + ": unknown entity key '" + key +
                                               "' (expected description, operations, services, "
                                               "uniques, search_index, sort_index, fields)");
                     }
                 });
    std::vector<std::string> field_uniques;
    if (!fields_node || fields_node->IsNull() ||
        (fields_node->IsMap() && fields_node->size() == 0)) {
        Report(fields_node && !fields_node->IsNull() ? *fields_node : key_node,
               name + ": empty entity; declare at least one field under `fields:`");
    } else {
        ParseFields(e, *fields_node, field_uniques);
    }
    if (uniques_node) {
        ParseUniques(e, *uniques_node);
    }
    for (const auto& field_name : field_uniques) {
        std::vector<std::string> single{field_name};
        if (std::find(e.uniques_.begin(), e.uniques_.end(), single) == e.uniques_.end()) {
            e.uniques_.push_back(std::move(single));
        }
    }
    if (services_node) {
        ParseServices(e, *services_node);
    }
}

void SchemaBuilder::ParseOperations(Entity& entity, const YAML::Node& node) {
    const std::string context = entity.name() + ": operations";
    if (!node.IsScalar() || node.Scalar().empty()) {
        Report(node, context + " must be letters from c, r, u, d (e.g. rcu)");
        return;
    }
    std::uint8_t operations = 0;
    for (const char letter : node.Scalar()) {
        std::uint8_t bit = 0;
        switch (letter) {
            case 'c': bit = kCreate; break;
            case 'r': bit = kRead; break;
            case 'u': bit = kUpdate; break;
            case 'd': bit = kDelete; break;
            default:
                Report(node, context + ": '" + std::string(1, letter) +
                                 "' is not an operation (use c, r, u, d)");
                return;
        }
        if ((operations & bit) != 0) {
            Report(node, context + ": '" + std::string(1, letter) + "' is repeated");
            return;
        }
        operations = static_cast<std::uint8_t>(operations | bit);
    }
    entity.operations_ = operations;
}

void SchemaBuilder::ParseFields(Entity& entity, const YAML::Node& node,
                                std::vector<std::string>& uniques) {
    if (!node.IsMap()) {
        Report(node, entity.name() + ": fields must be a mapping of field names to types");
        return;
    }
    Field id;
    id.name = std::string(kIdField);
    id.type = FieldType::kObjectId;
    id.built_in = true;
    id.auto_generate = true;
    id.description = "Unique identifier (a lower-case ULID unless the client supplies one).";
    entity.fields_.push_back(std::move(id));

    // Requests name fields ignoring case (query/field_lookup.hpp), so two fields differing only
    // by case would be ambiguous.
    std::unordered_map<std::string, int, IgnoringCaseHash, IgnoringCaseEqual> lines = {
        {std::string(kIdField), 0},
        {std::string(kCreatedAtField), 0},
        {std::string(kUpdatedAtField), 0}};
    ForEachEntry(
        node, entity.name(), "field",
        [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
            if (const auto it = lines.find(name); it != lines.end() && it->first != name) {
                Report(key_node,
                       entity.name() + ": field '" + name + "' differs only in case from " +
                           (it->second == 0
                                ? "the built-in field '" + it->first + "'"
                                : "'" + it->first + "' (line " + std::to_string(it->second) + ")") +
                           "; field names are case-insensitive in queries");
                return;
            }
            lines.emplace(name, key_node.Mark().line + 1);
            bool unique = false;
            auto field = ParseField(entity, name, key_node, value, unique);
            if (field) {
                entity.fields_.push_back(std::move(*field));
                if (unique) {
                    uniques.push_back(name);
                }
            }
        });

    Field created;
    created.name = std::string(kCreatedAtField);
    created.type = FieldType::kDatetime;
    created.built_in = true;
    created.auto_generate = true;
    created.sort_index = entity.sort_index_;
    created.description = "When the record was created (set by the server).";
    entity.fields_.push_back(std::move(created));
    Field updated;
    updated.name = std::string(kUpdatedAtField);
    updated.type = FieldType::kDatetime;
    updated.built_in = true;
    updated.auto_update = true;
    updated.sort_index = entity.sort_index_;
    updated.description = "When the record was last written (set by the server).";
    entity.fields_.push_back(std::move(updated));

    for (std::size_t i = 0; i < entity.fields_.size(); ++i) {
        entity.field_index_.emplace(entity.fields_[i].name, i);
        entity.field_index_ignoring_case_.emplace(entity.fields_[i].name, i);
    }
}

std::optional<Field> SchemaBuilder::ParseField(Entity& entity, const std::string& name,
                                               const YAML::Node& key_node,
                                               const YAML::Node& value, bool& unique) {
    const std::string context = entity.name() + "." + name;
    if (!IsIdentifier(name)) {
        Report(key_node, entity.name() + ": '" + name + "' is not a valid field name (a letter, " +
                             "then letters, digits or _; at most 64 characters)");
        return std::nullopt;
    }
    if (name == kIdField || name == kCreatedAtField || name == kUpdatedAtField) {
        Report(key_node, context + ": '" + name +
                             "' is built in (every entity has id, createdAt, updatedAt); " +
                             "remove it");
        return std::nullopt;
    }
    Field field;
    field.name = name;
    field.line = key_node.Mark().line + 1;
    field.search_index = entity.search_index_;
    field.sort_index = entity.sort_index_;

    const std::string kTypeHelp =
        " (expected String, Integer, Number, Boolean, Currency, Date, Datetime, ObjectId, JSON "
        "or Array[<scalar type>])";
    auto parse_type = [&](const YAML::Node& type_node) {
        if (!type_node.IsScalar()) {
            Report(type_node, context + ": type must be a type name" + kTypeHelp);
            return false;
        }
        const auto parsed = ParseFieldType(type_node.Scalar());
        if (!parsed) {
            const std::string& text = type_node.Scalar();
            Report(type_node,
                   context + ": " +
                       (text.starts_with("Array[")
                            ? "bad array element type in '" + text +
                                  "' (elements must be a scalar type: String, Integer, Number, "
                                  "Boolean, Currency, Date, Datetime or ObjectId)"
                            : "unknown type '" + text + "'" + kTypeHelp));
            return false;
        }
        field.type = parsed->type;
        field.element_type = parsed->element_type;
        return true;
    };

    if (value.IsScalar()) {
        if (!parse_type(value)) {
            return std::nullopt;
        }
    } else if (!value.IsMap()) {
        Report(value.IsNull() ? key_node.Mark() : value.Mark(),
               context + ": a field must be a type name or a mapping with `type:`");
        return std::nullopt;
    }

    PendingReference pending;
    pending.entity = &entity;
    pending.field_name = name;
    pending.field_mark = key_node.Mark();

    if (value.IsMap()) {
        // Read `type` first: which other keys are allowed depends on it.
        std::optional<YAML::Node> type_node;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (it->first.IsScalar() && it->first.Scalar() == "type") {
                type_node.emplace(it->second);
                break;
            }
        }
        if (!type_node) {
            Report(key_node, context + ": missing `type`" + kTypeHelp);
            return std::nullopt;
        }
        const bool type_ok = parse_type(*type_node);
        const std::string type_name = TypeName(field.type, field.element_type);
        const bool is_string = field.type == FieldType::kString;
        const bool has_length = is_string || field.type == FieldType::kArray;
        const bool is_numeric = field.type == FieldType::kInteger ||
                                field.type == FieldType::kNumber ||
                                field.type == FieldType::kCurrency;
        const bool is_time = field.type == FieldType::kDate || field.type == FieldType::kDatetime;
        auto applies = [&](const YAML::Node& k, bool ok, std::string_view what) {
            if (type_ok && !ok) {
                Report(k, context + ": `" + k.Scalar() + "` applies to " + std::string(what) +
                              " fields only (this field is " + type_name + ")");
            }
            return type_ok && ok;
        };
        std::optional<YAML::Node> default_node;
        std::optional<YAML::Node> min_node;
        std::optional<YAML::Node> ge_node;
        std::optional<YAML::Node> search_node;
        ForEachEntry(value, context, "key",
                     [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
            if (key == "type") {
                return;
            }
            if (key == "required") {
                field.required = ReadBool(v, context + ": required").value_or(false);
            } else if (key == "unique") {
                unique = ReadBool(v, context + ": unique").value_or(false);
                if (unique && type_ok && !IsScalar(field.type)) {
                    Report(k, context + ": a " + type_name + " field cannot be unique");
                    unique = false;
                }
            } else if (key == "description") {
                field.description = ReadString(v, context + ": description").value_or("");
            } else if (key == "default") {
                default_node.emplace(v);
            } else if (key == "min_length" || key == "max_length") {
                const auto n = ReadLength(v, context + ": " + key);
                if (applies(k, has_length, "String and Array")) {
                    (key == "min_length" ? field.min_length : field.max_length) = n;
                    if (key == "min_length") {
                        min_node.emplace(v);
                    }
                }
            } else if (key == "ge" || key == "le") {
                const auto n = ReadNumber(v, context + ": " + key,
                                          type_ok && field.type == FieldType::kInteger);
                if (applies(k, is_numeric, "Integer, Number and Currency")) {
                    (key == "ge" ? field.ge : field.le) = n;
                    if (key == "ge") {
                        ge_node.emplace(v);
                    }
                }
            } else if (key == "pattern") {
                auto pattern = ParsePatternSpec(v, context + ": pattern", true);
                if (applies(k, is_string, "String")) {
                    field.pattern = std::move(pattern);
                }
            } else if (key == "enum") {
                if (applies(k, is_string, "String")) {
                    ParseEnum(field, v, context + ": enum");
                }
            } else if (key == "search_index") {
                if (auto flag = ReadBool(v, context + ": search_index")) {
                    field.search_index = *flag;
                    search_node.emplace(k);
                }
            } else if (key == "sort_index") {
                if (auto flag = ReadBool(v, context + ": sort_index");
                    flag && applies(k, is_numeric || is_time,
                                    "Date, Datetime, Integer, Number and Currency")) {
                    field.sort_index = *flag;
                }
            } else if (key == "autoGenerate" || key == "autoUpdate") {
                const bool flag = ReadBool(v, context + ": " + key).value_or(false);
                if (flag && applies(k, is_time, "Date and Datetime")) {
                    (key == "autoGenerate" ? field.auto_generate : field.auto_update) = true;
                }
            } else if (key == "references") {
                if (auto target = ReadString(v, context + ": references");
                    target && applies(k, field.type == FieldType::kObjectId, "ObjectId")) {
                    pending.explicit_target = *target;
                    pending.references_mark = v.Mark();
                }
            } else if (key == "on_delete") {
                pending.on_delete_given = true;
                pending.on_delete_mark = v.Mark();
                const std::string text = v.IsScalar() ? v.Scalar() : "";
                if (text == "restrict") {
                    field.on_delete = OnDelete::kRestrict;
                } else if (text == "cascade") {
                    field.on_delete = OnDelete::kCascade;
                } else if (text == "set_null") {
                    field.on_delete = OnDelete::kSetNull;
                } else {
                    Report(v, context + ": on_delete must be restrict, cascade or set_null" +
                                  (text.empty() ? std::string() : ", not '" + text + "'"));
                }
            } else {
                Report(k, context + ": unknown field key '" + key +
                              "' (expected type, required, default, min_length, max_length, "
                              "pattern, ge, le, enum, autoGenerate, autoUpdate, description, "
                              "references, on_delete, unique, search_index, sort_index)");
            }
        });
        if (!type_ok) {
            return std::nullopt;
        }
        if (search_node && !field.is_free_text()) {
            // Checked after the loop: `enum` may come after it in the mapping.
            Report(*search_node, context + ": `search_index` applies to free-text String fields " +
                                     "only (this field is " + type_name +
                                     (field.enum_rule ? " with an enum" : "") + ")");
        }
        if (field.min_length && field.max_length && *field.min_length > *field.max_length) {
            Report(min_node->Mark(), context + ": min_length " + std::to_string(*field.min_length) +
                                 " is greater than max_length " +
                                 std::to_string(*field.max_length));
        }
        if (field.ge && field.le && *field.ge > *field.le) {
            Report(ge_node->Mark(), context + ": ge " + FormatNumber(*field.ge) +
                                        " is greater than le " +
                                FormatNumber(*field.le));
        }
        if (field.on_delete == OnDelete::kSetNull && field.required) {
            Report(pending.on_delete_mark,
                   context + ": on_delete: set_null cannot apply to a required field");
        }
        if (field.required && (field.auto_generate || field.auto_update)) {
            Report(key_node, context + ": a field the server sets (autoGenerate/autoUpdate) " +
                                 "cannot be required");
        }
        if (default_node) {
            ParseDefault(field, *default_node, context);
        }
    }
    if (field.type == FieldType::kObjectId) {
        pending_.push_back(std::move(pending));
    } else if (pending.on_delete_given) {
        Report(pending.on_delete_mark, context + ": on_delete applies to ObjectId references only");
    }
    return field;
}

void SchemaBuilder::ParseEnum(Field& field, const YAML::Node& node, const std::string& context) {
    // Never assign to a YAML::Node that refers into the tree: yaml-cpp's operator= rewrites the
    // referenced node itself. std::optional + emplace rebinds instead.
    std::optional<YAML::Node> values;
    EnumRule rule;
    if (!node.IsMap()) {
        values.emplace(node);
    } else {
        ForEachEntry(node, context, "key",
                     [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
                         if (key == "values") {
                             values.emplace(v);
                         } else if (key == "message") {
                             rule.message = ReadString(v, context + ": message").value_or("");
                         } else {
                             Report(k, context + ": unknown enum key '" + key +
                                           "' (expected values, message)");
                         }
                     });
        if (!values) {
            Report(node, context + ": enum needs `values`");
            return;
        }
    }
    if (!values->IsSequence() || values->size() == 0) {
        Report(*values, context + ": must be a non-empty list of strings (or {values, message})");
        return;
    }
    bool ok = true;
    for (const auto& element : *values) {
        // Plain 1, true or null are YAML numbers/booleans/null: quote them to mean the string.
        const bool non_string =
            !element.IsScalar() ||
            (IsPlain(element) && (IsNullText(element.Scalar()) || ParseBool(element.Scalar()) ||
                                  ParseDouble(element.Scalar())));
        if (non_string) {
            Report(element, context + ": enum values must be strings" +
                                (element.IsScalar() ? " (quote '" + element.Scalar() + "')"
                                                    : std::string()));
            ok = false;
            continue;
        }
        if (std::find(rule.values.begin(), rule.values.end(), element.Scalar()) !=
            rule.values.end()) {
            Report(element, context + ": duplicate enum value '" + element.Scalar() + "'");
            ok = false;
            continue;
        }
        rule.values.push_back(element.Scalar());
    }
    if (!ok) {
        return;
    }
    if (rule.message.empty()) {
        rule.message = "must be one of: " + JoinValues(rule.values);
    }
    field.enum_rule = std::move(rule);
}

std::optional<boost::json::value> SchemaBuilder::ScalarDefault(FieldType type,
                                                               const YAML::Node& node,
                                                               const std::string& context) {
    const std::string wrong = context + ": default must be " +
                              (type == FieldType::kInteger ? "an " : "a ") + TypeName(type) +
                              (node.IsScalar() ? ", not '" + node.Scalar() + "'" : "");
    if (!node.IsScalar()) {
        Report(node, wrong);
        return std::nullopt;
    }
    const std::string& text = node.Scalar();
    const bool plain = IsPlain(node);
    switch (type) {
        case FieldType::kString:
            if (plain && IsNullText(text)) {
                break;
            }
            return boost::json::value(boost::json::string(text));
        case FieldType::kInteger:
            if (const auto i = ParseInt(text); plain && i) {
                return boost::json::value(*i);
            }
            break;
        case FieldType::kNumber:
            if (const auto d = ParseDouble(text); plain && d) {
                return boost::json::value(*d);
            }
            break;
        case FieldType::kCurrency: {
            const auto d = ParseDouble(text);
            const auto dot = text.find('.');
            const bool two_places = text.find_first_of("eE") == std::string::npos &&
                                    (dot == std::string::npos || text.size() - dot - 1 <= 2);
            if (plain && d && two_places) {
                return boost::json::value(*d);
            }
            Report(node, context + ": default must be a Currency amount (a number with at most " +
                             "two decimal places), not '" + text + "'");
            return std::nullopt;
        }
        case FieldType::kBoolean:
            if (const auto b = ParseBool(text); plain && b) {
                return boost::json::value(*b);
            }
            break;
        case FieldType::kDate:
            if (IsDate(text)) {
                return boost::json::value(boost::json::string(text));
            }
            Report(node, context + ": default must be a Date (YYYY-MM-DD), not '" + text + "'");
            return std::nullopt;
        case FieldType::kDatetime:
            if (IsDatetime(text)) {
                return boost::json::value(boost::json::string(text));
            }
            Report(node, context + ": default must be an ISO 8601 Datetime, not '" + text + "'");
            return std::nullopt;
        case FieldType::kObjectId:
            if (IsValidId(text)) {
                return boost::json::value(boost::json::string(NormalizeId(text)));
            }
            break;
        case FieldType::kJson:
        case FieldType::kArray:
            break;  // not scalars; handled by ParseDefault
    }
    Report(node, wrong);
    return std::nullopt;
}

void SchemaBuilder::ParseDefault(Field& field, const YAML::Node& node,
                                 const std::string& context) {
    std::optional<boost::json::value> value;
    if (field.type == FieldType::kJson) {
        if (!node.IsMap()) {
            Report(node, context + ": default must be a JSON object (a YAML mapping)");
            return;
        }
        value = YamlToJson(node);
    } else if (field.type == FieldType::kArray) {
        if (!node.IsSequence()) {
            Report(node, context + ": default must be a list (" +
                             TypeName(field.type, field.element_type) + ")");
            return;
        }
        boost::json::array array;
        for (const auto& element : node) {
            auto item = ScalarDefault(field.element_type, element, context + "[]");
            if (!item) {
                return;
            }
            array.push_back(std::move(*item));
        }
        value = boost::json::value(std::move(array));
    } else {
        value = ScalarDefault(field.type, node, context);
    }
    if (!value) {
        return;
    }
    CheckDefaultRules(field, *value, node, context);
    field.default_value = std::move(value);
}

// A default must itself pass the field's rules, or every record that relies on it would be
// rejected by the validator.
void SchemaBuilder::CheckDefaultRules(const Field& field, const boost::json::value& value,
                                      const YAML::Node& node, const std::string& context) {
    std::int64_t length = -1;
    if (value.is_string()) {
        const auto& s = value.get_string();
        length = 0;
        for (const unsigned char c : s) {
            length += (c & 0xC0) != 0x80 ? 1 : 0;  // UTF-8 code points
        }
        if (field.enum_rule && std::find(field.enum_rule->values.begin(),
                                         field.enum_rule->values.end(),
                                         std::string(s)) == field.enum_rule->values.end()) {
            Report(node, context + ": default '" + std::string(s) + "' " +
                             field.enum_rule->message);
        }
        if (field.pattern && field.pattern->compiled &&
            !re2::RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *field.pattern->compiled)) {
            Report(node, context + ": default '" + std::string(s) + "' does not match the pattern");
        }
    } else if (value.is_array()) {
        length = static_cast<std::int64_t>(value.get_array().size());
    }
    if (length >= 0 && field.type != FieldType::kString && field.type != FieldType::kArray) {
        length = -1;
    }
    if (length >= 0 && field.min_length && length < *field.min_length) {
        Report(node, context + ": default is shorter than min_length " +
                         std::to_string(*field.min_length));
    }
    if (length >= 0 && field.max_length && length > *field.max_length) {
        Report(node, context + ": default is longer than max_length " +
                         std::to_string(*field.max_length));
    }
    if (value.is_number()) {
        const double number = value.to_number<double>();
        if (field.ge && number < *field.ge) {
            Report(node, context + ": default is less than ge " + FormatNumber(*field.ge));
        }
        if (field.le && number > *field.le) {
            Report(node, context + ": default is greater than le " + FormatNumber(*field.le));
        }
    }
}

void SchemaBuilder::ParseUniques(Entity& entity, const YAML::Node& node) {
    const std::string context = entity.name() + ": uniques";
    if (!node.IsSequence()) {
        Report(node, context + " must be a list of field lists, e.g. [[name, userId], [email]]");
        return;
    }
    for (const auto& entry : node) {
        if (!entry.IsSequence() || entry.size() == 0) {
            Report(entry, context + ": each entry must be a non-empty list of field names, " +
                              "e.g. [email] or [name, userId]");
            continue;
        }
        std::vector<std::string> names;
        bool ok = true;
        for (const auto& name_node : entry) {
            if (!name_node.IsScalar()) {
                Report(name_node, context + ": field names must be strings");
                ok = false;
                continue;
            }
            const std::string& name = name_node.Scalar();
            const Field* field = entity.FindField(name);
            if (field == nullptr) {
                Report(name_node, context + ": unknown field '" + name + "' in " + entity.name());
                ok = false;
            } else if (!IsScalar(field->type)) {
                Report(name_node, context + ": field '" + name + "' is " +
                                      TypeName(field->type, field->element_type) +
                                      " and cannot be part of a unique constraint");
                ok = false;
            } else if (std::find(names.begin(), names.end(), name) != names.end()) {
                Report(name_node, context + ": field '" + name + "' is listed twice");
                ok = false;
            }
            names.push_back(name);
        }
        if (ok && std::find(entity.uniques_.begin(), entity.uniques_.end(), names) ==
                      entity.uniques_.end()) {
            entity.uniques_.push_back(std::move(names));
        }
    }
}

void SchemaBuilder::ParseServices(Entity& entity, const YAML::Node& node) {
    const std::string context = entity.name() + ": services";
    auto unknown = [&](const YAML::Node& at, const std::string& name) {
        Report(at, context + ": unknown service '" + name + "' (the only service is auth)");
    };
    if (node.IsSequence()) {
        for (const auto& element : node) {
            if (element.IsScalar() && element.Scalar() == "auth") {
                ParseAuth(entity, YAML::Node(), element.Mark(), context + ".auth");
            } else {
                unknown(element, element.IsScalar() ? element.Scalar() : "?");
            }
        }
    } else if (node.IsMap()) {
        ForEachEntry(node, context, "service",
                     [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
                         if (key == "auth") {
                             ParseAuth(entity, v, k.Mark(), context + ".auth");
                         } else {
                             unknown(k, key);
                         }
                     });
    } else {
        Report(node, context + " must be a list ([auth]) or a mapping ({auth: {login, password}})");
    }
}

void SchemaBuilder::ParseAuth(Entity& entity, const YAML::Node& node, const YAML::Mark& fallback,
                              const std::string& context) {
    AuthService auth;
    // `services: [auth]` or a missing key gives no node: report at `auth` itself.
    YAML::Mark login_mark = fallback;
    YAML::Mark password_mark = fallback;
    if (node && !node.IsNull()) {
        if (!node.IsMap()) {
            Report(node, context + " must be a mapping {login: <field>, password: <field>}");
            return;
        }
        ForEachEntry(node, context, "key",
                     [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
                         if (key == "login") {
                             auth.login_field = ReadString(v, context + ": login").value_or("");
                             login_mark = v.Mark();
                         } else if (key == "password") {
                             auth.password_field =
                                 ReadString(v, context + ": password").value_or("");
                             password_mark = v.Mark();
                         } else {
                             Report(k, context + ": unknown key '" + key +
                                           "' (expected login, password)");
                         }
                     });
    }
    if (auth_entity_ != nullptr) {
        Report(fallback, context + ": only one entity may have the auth service (" +
                                  auth_entity_->name() + " already does)");
        return;
    }
    bool ok = true;
    auto check = [&](const std::string& field_name, const YAML::Mark& at,
                     std::string_view role) {
        const Field* field = entity.FindField(field_name);
        if (field == nullptr || field->built_in) {
            Report(at, context + ": " + std::string(role) + " field '" + field_name +
                                    "' is not a field of " + entity.name());
            ok = false;
        } else if (field->type != FieldType::kString) {
            Report(at, context + ": " + std::string(role) + " field '" + field_name +
                                    "' must be a String");
            ok = false;
        }
    };
    check(auth.login_field, login_mark, "login");
    check(auth.password_field, password_mark, "password");
    if (ok && auth.login_field == auth.password_field) {
        Report(password_mark, context + ": login and password must be different fields");
        ok = false;
    }
    if (!ok) {
        return;
    }
    Field& password = entity.fields_[entity.field_index_.at(auth.password_field)];
    if (password.default_value) {
        Report(password_mark,
               context + ": the password field '" + password.name + "' cannot have a default");
    }
    password.write_only = true;
    password.is_password = true;
    entity.auth_ = std::move(auth);
    auth_entity_ = &entity;
}

void SchemaBuilder::ResolveReferences() {
    for (const auto& pending : pending_) {
        Entity& entity = *pending.entity;
        const auto index = entity.field_index_.find(pending.field_name);
        if (index == entity.field_index_.end()) {
            continue;  // the entity failed to load its fields; already reported
        }
        Field& field = entity.fields_[index->second];
        const std::string context = entity.name() + "." + field.name;
        const Entity* target = nullptr;
        if (!pending.explicit_target.empty()) {
            target = schema_->FindEntity(pending.explicit_target);
            if (target == nullptr) {
                Report(pending.references_mark, context + ": references unknown entity '" +
                                                    pending.explicit_target + "'");
                continue;
            }
        } else if (field.name.size() > 2 && field.name.ends_with("Id")) {
            const std::string stem = field.name.substr(0, field.name.size() - 2);
            target = schema_->FindEntity(stem);
            if (target == nullptr) {
                Report(pending.field_mark,
                       context + ": ObjectId field named like a reference to entity '" + stem +
                           "', but there is no such entity; add `references: <Entity>` or " +
                           "rename the field");
                continue;
            }
        }
        if (target == nullptr) {
            if (pending.on_delete_given) {
                Report(pending.on_delete_mark,
                       context + ": on_delete needs a reference (`references: <Entity>`)");
            }
            continue;  // a plain id that references nothing
        }
        field.references = target->name();
        field.target = target;
    }
}

void SchemaBuilder::IndexOtherEntityNames() {
    std::set<std::pair<const Entity*, const Entity*>> reported;  // one problem per pair
    for (const auto& entity : schema_->entities_) {
        const std::string& name = entity->name();
        std::vector<std::string> forms = {SnakeCase(name), PluralSnakeCase(name)};
        forms.push_back(forms.back());  // "tag_affinities" -> "tagaffinities"
        std::erase(forms.back(), '_');
        for (std::size_t i = 0; i < forms.size(); ++i) {
            const std::string& form = forms[i];
            if (std::find(forms.begin(), forms.begin() + i, form) != forms.begin() + i) {
                continue;  // reported once
            }
            const auto [it, inserted] = schema_->by_name_.emplace(form, entity.get());
            if (inserted || it->second == entity.get() ||
                !reported.insert(std::minmax(it->second, static_cast<const Entity*>(entity.get())))
                     .second) {
                continue;
            }
            const Entity* first = it->second;
            const Entity* later = entity.get();
            if (first->line() > later->line()) {
                std::swap(first, later);
            }
            YAML::Mark mark;  // at the later one, as for other duplicates
            mark.line = later->line() - 1;
            mark.column = 0;
            Report(mark, "entity '" + later->name() + "' and entity '" + first->name() +
                             "' (line " + std::to_string(first->line()) + ") are both called '" +
                             form + "' (a name, snake_case or plural form); rename one: " +
                             "requests and MCP tools could not tell them apart");
        }
    }
}

void SchemaBuilder::LinkRelations() {
    // Field addresses are final only now that every entity's fields_ is complete.
    std::unordered_map<const Entity*, Entity*> mutable_entities;
    for (const auto& entity : schema_->entities_) {
        mutable_entities.emplace(entity.get(), entity.get());
    }
    for (const auto& entity : schema_->entities_) {
        for (const auto& field : entity->fields_) {
            if (field.target == nullptr) {
                continue;
            }
            const Relation relation{entity.get(), &field, field.target};
            entity->references_.push_back(relation);
            mutable_entities.at(field.target)->referenced_by_.push_back(relation);
        }
    }
}

Result<SchemaPtr> LoadSchemaText(std::string_view yaml, const std::string& file_name) {
    try {
        return SchemaBuilder(yaml, file_name).Build();
    } catch (const std::exception& e) {
        // yaml-cpp may throw from accessors on malformed trees; never let it leave the layer.
        return Error{ErrorCode::kInvalidArgument,
                     file_name + ": 1 problem in schema",
                     {{file_name + ":0:0", std::string("could not read the schema: ") + e.what()}}};
    }
}

Result<SchemaPtr> LoadSchema(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return Error{ErrorCode::kInvalidArgument,
                     file.string() + ": cannot read schema file",
                     {{file.string(), "cannot open the file for reading"}}};
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return Error{ErrorCode::kInvalidArgument,
                     file.string() + ": cannot read schema file",
                     {{file.string(), "read error"}}};
    }
    return LoadSchemaText(text.str(), file.string());
}

}  // namespace ea::schema
