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

void WordSimilarityFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    // The query is the same for every row of a statement: parse it once and keep it as auxdata,
    // which SQLite drops when the bound value changes.
    auto* parsed = static_cast<search::WordSimilarityQuery*>(sqlite3_get_auxdata(ctx, 0));
    if (parsed == nullptr) {
        try {
            parsed = new search::WordSimilarityQuery(TextArg(argv[0]));
        } catch (...) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        sqlite3_set_auxdata(ctx, 0, parsed, [](void* p) {
            delete static_cast<search::WordSimilarityQuery*>(p);
        });
        // set_auxdata may have destroyed it already (out of memory): fetch it back.
        parsed = static_cast<search::WordSimilarityQuery*>(sqlite3_get_auxdata(ctx, 0));
        if (parsed == nullptr) {
            const search::WordSimilarityQuery once(TextArg(argv[0]));
            sqlite3_result_double(ctx, static_cast<double>(once.Against(TextArg(argv[1]))));
            return;
        }
    }
    sqlite3_result_double(ctx, static_cast<double>(parsed->Against(TextArg(argv[1]))));
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
    return sqlite3_create_function_v2(db, "ea_trigram_text", 1, kFlags, nullptr,
                                      TrigramTextFunction, nullptr, nullptr, nullptr);
}

}  // namespace ea::store::sqlite
