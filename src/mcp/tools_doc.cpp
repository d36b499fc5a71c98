#include "mcp/tools_doc.hpp"

#include <set>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>

#include "common/json_text.hpp"

namespace ea::mcp {
namespace {

using boost::json::object;
using boost::json::value;

// One table cell: no newlines, no unescaped pipes.
std::string Cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string TypeOf(const object& property) {
    std::string type;
    if (const auto* t = property.if_contains("type")) {
        if (t->is_string()) {
            type = t->as_string();
        } else if (t->is_array()) {
            for (const auto& each : t->as_array()) {
                type += type.empty() ? "" : " or ";
                type += each.is_string() ? std::string(each.as_string()) : ToJsonText(each);
            }
        }
    } else if (const auto* ref = property.if_contains("$ref"); ref && ref->is_string()) {
        const std::string_view path = ref->as_string();
        type = std::string(path.substr(path.rfind('/') + 1)) + " object";
    } else if (property.contains("anyOf") || property.contains("oneOf")) {
        type = "value or operator object";
    } else {
        type = "any";
    }
    if (const auto* format = property.if_contains("format"); format && format->is_string()) {
        type += " (" + std::string(format->as_string()) + ")";
    }
    return type;
}

std::string Rules(const object& property) {
    std::string rules;
    const auto add = [&rules](std::string text) {
        rules += rules.empty() ? "" : "; ";
        rules += std::move(text);
    };
    if (const auto* values = property.if_contains("enum"); values && values->is_array()) {
        std::string listed;
        for (const auto& v : values->as_array()) {
            listed += listed.empty() ? "" : ", ";
            listed += v.is_string() ? std::string(v.as_string()) : ToJsonText(v);
        }
        add("one of: " + listed);
    }
    // sort: [{field, direction}] with the sortable fields as the field's enum.
    if (const auto* items = property.if_contains("items"); items && items->is_object()) {
        if (const auto* props = items->as_object().if_contains("properties");
            props && props->is_object()) {
            if (const auto* field = props->as_object().if_contains("field");
                field && field->is_object()) {
                std::string nested = Rules(field->as_object());
                if (!nested.empty()) {
                    add("items {field, direction}; field " + nested);
                }
            }
        }
    }
    for (const char* key : {"minLength", "maxLength", "minimum", "maximum", "pattern", "default"}) {
        if (const auto* v = property.if_contains(key)) {
            add(std::string(key) + " " +
                (v->is_string() ? "`" + std::string(v->as_string()) + "`" : ToJsonText(*v)));
        }
    }
    return rules;
}

// The summary table and one section per tool; `anchor_prefix` keeps the two sets' anchors apart.
std::string ToolSections(const std::vector<Tool>& tools, const std::string& anchor_prefix) {
    std::string out = "| Tool | Title | Read-only | Destructive |\n|---|---|---|---|\n";
    for (const auto& tool : tools) {
        const auto flag = [&tool](const char* key) {
            const auto* v = tool.annotations.if_contains(key);
            return v != nullptr && v->is_bool() && v->as_bool() ? "yes" : "no";
        };
        out += "| [`" + tool.name + "`](#" + anchor_prefix + tool.name + ") | " + Cell(tool.title) +
               " | " + flag("readOnlyHint") + " | " + flag("destructiveHint") + " |\n";
    }
    for (const auto& tool : tools) {
        out += std::string("\n## ") + (anchor_prefix.empty() ? "" : "compact: ") + tool.name +
               "\n\n**" + tool.title + "**\n\n" + tool.description + "\n\n";
        const auto* properties = tool.input_schema.if_contains("properties");
        if (properties == nullptr || !properties->is_object() || properties->as_object().empty()) {
            out += "No arguments.\n";
            continue;
        }
        std::set<std::string, std::less<>> required;
        if (const auto* list = tool.input_schema.if_contains("required");
            list && list->is_array()) {
            for (const auto& name : list->as_array()) {
                required.emplace(name.as_string());
            }
        }
        out += "| Argument | Type | Required | Rules | Description |\n|---|---|---|---|---|\n";
        for (const auto& [name, schema_value] : properties->as_object()) {
            static const object kEmpty;
            const object& property = schema_value.is_object() ? schema_value.as_object() : kEmpty;
            std::string description;
            if (const auto* d = property.if_contains("description"); d && d->is_string()) {
                description = d->as_string();
            }
            out += "| `" + std::string(name) + "` | " + Cell(TypeOf(property)) + " | " +
                   (required.contains(std::string_view(name)) ? "yes" : "no") + " | " +
                   Cell(Rules(property)) + " | " + Cell(description) + " |\n";
        }
    }
    return out;
}

}  // namespace

std::string ToolsMarkdown(const schema::Schema& schema, const std::vector<Tool>& tools,
                          const std::vector<Tool>& compact_tools) {
    std::string out =
        "<!-- Generated by `events-api docs tools` from schema.yaml; do not edit by hand. A test "
        "fails when this file is stale: run `events-api docs tools` and commit the result. -->\n"
        "# MCP tools\n\n"
        "The tools the MCP server (`events-api mcp`) offers for the " +
        schema.project_name() + " schema: " + std::to_string(tools.size()) +
        " in all, in `tools/list` order, and the " + std::to_string(compact_tools.size()) +
        " of [compact mode](#compact-mode) (`mcp.tools: compact`, or `?tools=compact` on `/mcp`). "
        "Each result carries `structuredContent` and the same JSON as one text block; domain "
        "failures are results with `isError: true`. A caller is offered only the tools its role "
        "may call, and an `entity` argument's values only the entities it may use so. See "
        "[setup.md](setup.md) to connect a client and [examples.md](examples.md) for requests "
        "and the calls they map to.\n\n";
    out += ToolSections(tools, "");
    out +=
        "\n# Compact mode\n\n"
        "A few generic tools instead of one set per entity (`tools/list` within ~2,000 tokens "
        "whatever the schema's size; see [performance.md](../performance.md)). `query`, `get`, "
        "`create`, "
        "`update` and `delete` name the entity in `entity` (case-insensitive, singular or "
        "plural) and run that entity's per-entity tool above: the same checks, messages, denials, "
        "audit events and rate limit. `create` takes the record's fields in `data`, `update` the "
        "`id` and the fields to change in `data`; the other arguments are the per-entity tool's. "
        "Start with `describe_entities`: without arguments it names the entities the caller may "
        "use and what it may do with each; with `entity` it gives that entity's fields, "
        "relations and enums as the caller may see them, `detail: \"schemas\"` adds the exact "
        "argument schemas, and `samples: N` adds up to 5 records the caller may read.\n\n";
    out += ToolSections(compact_tools, "compact-");
    return out;
}

}  // namespace ea::mcp
