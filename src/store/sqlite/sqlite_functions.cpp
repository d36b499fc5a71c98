#include "store/sqlite/sqlite_functions.hpp"

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "store/search/trigram_text.hpp"
#include "store/search/word_similarity.hpp"

namespace ea::store::sqlite {
namespace {

constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

std::string_view TextArg(sqlite3_value* value) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
    if (text == nullptr) {
        return {};
    }
    return {text, static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

// The parsed query of argument 0. The query is the same for every row of a statement: parse it
// once and keep it as auxdata, which SQLite drops when the bound value changes. Null on OOM
// (the error is already set).
const search::WordSimilarityQuery* ParsedQuery(sqlite3_context* ctx, sqlite3_value* query) {
    auto* parsed = static_cast<search::WordSimilarityQuery*>(sqlite3_get_auxdata(ctx, 0));
    if (parsed != nullptr) {
        return parsed;
    }
    try {
        parsed = new search::WordSimilarityQuery(TextArg(query));
    } catch (...) {
        sqlite3_result_error_nomem(ctx);
        return nullptr;
    }
    sqlite3_set_auxdata(ctx, 0, parsed,
                        [](void* p) { delete static_cast<search::WordSimilarityQuery*>(p); });
    // set_auxdata destroys the object at once when it cannot keep it (out of memory).
    parsed = static_cast<search::WordSimilarityQuery*>(sqlite3_get_auxdata(ctx, 0));
    if (parsed == nullptr) {
        sqlite3_result_error_nomem(ctx);
    }
    return parsed;
}

void WordSimilarityFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (const auto* parsed = ParsedQuery(ctx, argv[0])) {
        sqlite3_result_double(ctx, static_cast<double>(parsed->Against(TextArg(argv[1]))));
    }
}

// ea_word_similarity_at_least(query, value, threshold): 1 when word_similarity >= threshold
// (a float), stopping early as pg_trgm's <% does; NULL when query or value is NULL.
void WordSimilarityAtLeastFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (const auto* parsed = ParsedQuery(ctx, argv[0])) {
        const auto threshold = static_cast<float>(sqlite3_value_double(argv[2]));
        sqlite3_result_int(ctx, parsed->AtLeast(TextArg(argv[1]), threshold) ? 1 : 0);
    }
}

void TrigramTextFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    try {
        std::string text = search::TrigramIndexText(TextArg(argv[0]));
        sqlite3_result_text64(ctx, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } catch (...) {
        sqlite3_result_error_nomem(ctx);
    }
}

}  // namespace

int RegisterFunctions(sqlite3* db) {
    int rc = sqlite3_create_function_v2(db, "ea_word_similarity", 2, kFlags, nullptr,
                                        WordSimilarityFunction, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return rc;
    }
    rc = sqlite3_create_function_v2(db, "ea_word_similarity_at_least", 3, kFlags, nullptr,
                                    WordSimilarityAtLeastFunction, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return rc;
    }
    return sqlite3_create_function_v2(db, "ea_trigram_text", 1, kFlags, nullptr,
                                      TrigramTextFunction, nullptr, nullptr, nullptr);
}

}  // namespace ea::store::sqlite
