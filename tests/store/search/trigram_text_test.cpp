// The trigram text side: pg_trgm's trigram identities, the FTS5 index text and query trigrams,
// and the candidate bound, checked by construction and against a real SQLite FTS5 trigram index.
#include "store/search/trigram_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/search/word_similarity.hpp"

namespace ea::store::search {
namespace {

// Every 3-character window (by UTF-8 character) of `text`.
std::vector<std::string> Windows(const std::string& text) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            starts.push_back(i);
    }
    starts.push_back(text.size());
    std::vector<std::string> out;
    for (std::size_t k = 0; k + 3 < starts.size(); ++k) {
        out.push_back(text.substr(starts[k], starts[k + 3] - starts[k]));
    }
    return out;
}

std::set<TrigramCode> Codes(std::string_view text) {
    std::vector<TrigramCode> codes;
    AppendTrigramCodes(text, codes);
    return {codes.begin(), codes.end()};
}

// Values and queries for the property tests: a deterministic generator over a small alphabet so
// that pairs share trigrams often, with multi-byte letters, digits, punctuation and case.
class PairGenerator {
public:
    std::string Text(int max_words) {
        static const char* const kPieces[] = {"a", "b", "c", "ab", "ba", "abc", "x", "é", "É",
                                              "ß", "ж", "Ж", "東", "1",  "2",   "C", "Ab"};
        static const char* const kSeps[] = {" ", " ", "  ", "-", ", ", "'", "\t", "😀"};
        std::string out;
        const int words = 1 + static_cast<int>(Next() % static_cast<std::uint32_t>(max_words));
        for (int w = 0; w < words; ++w) {
            if (w > 0)
                out += kSeps[Next() % std::size(kSeps)];
            const int pieces = 1 + static_cast<int>(Next() % 4);
            for (int p = 0; p < pieces; ++p)
                out += kPieces[Next() % std::size(kPieces)];
        }
        return out;
    }

private:
    std::uint32_t Next() {  // xorshift32: the sequence is the same on every run
        state_ ^= state_ << 13;
        state_ ^= state_ >> 17;
        state_ ^= state_ << 5;
        return state_;
    }
    std::uint32_t state_ = 0x9E3779B9u;
};

TEST(TrigramTextTest, TrigramCodesEqualPostgresShowTrgm) {
    // select show_trgm('ñañ Straße ÉCOLE') on PostgreSQL 15: printable trigrams are shown as
    // text, the others as 0x%06x of their three bytes (our TrigramCode). Multi-byte ones are CRCs.
    // clang-format off
    const std::set<TrigramCode> expected = {
        0x9a07c3, 0xb00338, 0xb1353e, 0xc23c9d, 0xde3801, 0xe69b54, 0x14a350, 0x304ab5,
        0x76a40e, 0x7ae31d, TrigramCodeOf("  s"), TrigramCodeOf(" st"), TrigramCodeOf("col"),
        TrigramCodeOf("le "), TrigramCodeOf("ole"), TrigramCodeOf("str"), TrigramCodeOf("tra")};
    // clang-format on
    EXPECT_EQ(Codes("ñañ Straße ÉCOLE"), expected);
    EXPECT_EQ(TrigramCodeOf("abc"), 0x616263u);
}

TEST(TrigramTextTest, EachWordOfNCharactersHasNPlusOneTrigramsInOrder) {
    std::vector<TrigramCode> codes;
    AppendTrigramCodes("Hi, a  WORLD!", codes);
    const std::vector<TrigramCode> expected = {
        TrigramCodeOf("  h"), TrigramCodeOf(" hi"), TrigramCodeOf("hi "), TrigramCodeOf("  a"),
        TrigramCodeOf(" a "), TrigramCodeOf("  w"), TrigramCodeOf(" wo"), TrigramCodeOf("wor"),
        TrigramCodeOf("orl"), TrigramCodeOf("rld"), TrigramCodeOf("ld ")};
    EXPECT_EQ(codes, expected);
}

// All-ASCII text takes a shorter path (no padded words built). Appending a non-ASCII word sends
// the same ASCII through the general path; its codes must be the short path's, then the word's.
TEST(TrigramTextTest, AsciiTextGetsTheSameCodesAsTheGeneralPath) {
    // Word characters of both cases, separators and control characters.
    const std::string alphabet = "abqxyzABQXYZ0189 .-_,!\t\x01\x7f";
    std::uint32_t seed = 12345;
    std::vector<TrigramCode> accent;
    AppendTrigramCodes("\xc3\xa9t\xc3\xa9", accent);  // "été"
    ASSERT_EQ(accent.size(), 4u);
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        const int length = round % 40;
        for (int i = 0; i < length; ++i) {
            seed = seed * 1103515245u + 12345u;
            text.push_back(alphabet[(seed >> 16) % alphabet.size()]);
        }
        std::vector<TrigramCode> fast;
        AppendTrigramCodes(text, fast);
        std::vector<TrigramCode> general;
        AppendTrigramCodes(text + " \xc3\xa9t\xc3\xa9", general);
        std::vector<TrigramCode> expected = fast;
        expected.insert(expected.end(), accent.begin(), accent.end());
        ASSERT_EQ(general, expected) << "text: " << text;
    }
}

// Contains candidates: windows inside each run of word characters, never the padding (the run
// may be the middle of a longer word), lower-cased like TrigramIndexText, each a substring of the
// trigram text of any value that contains the needle.
TEST(TrigramTextTest, SubstringTrigramsAreInWordWindowsOfEveryContainingValue) {
    using V = std::vector<std::string>;
    EXPECT_EQ(SubstringTrigrams("Jazz"), (V{"jaz", "azz"}));
    EXPECT_EQ(SubstringTrigrams("ta fa"), V{});  // no run of three word characters
    EXPECT_EQ(SubstringTrigrams("r_s"), V{});    // '_' separates words
    EXPECT_EQ(SubstringTrigrams("zz ni"), V{});
    EXPECT_EQ(SubstringTrigrams("100% s"), (V{"100"}));
    EXPECT_EQ(SubstringTrigrams("abab aba"), (V{"aba", "bab"}));
    EXPECT_EQ(SubstringTrigrams("CAFÉ"), (V{"caf", "afé"}));
    for (const char* value : {"Sunset JAZZ Night", "the jazzy cafés", "xjazzx", "Café-Jazz"}) {
        const std::string text = TrigramIndexText(value);
        for (const char* needle : {"jazz", "JAZZ N", "azz", "caf"}) {
            // Only needles the value contains (ASCII case-insensitively) are checked.
            std::string lower_value = value;
            std::string lower_needle = needle;
            for (auto* s : {&lower_value, &lower_needle}) {
                for (auto& c : *s) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
            }
            if (lower_value.find(lower_needle) == std::string::npos) {
                continue;
            }
            for (const auto& t : SubstringTrigrams(needle)) {
                EXPECT_NE(text.find(t), std::string::npos)
                    << value << " / " << needle << " / " << t;
            }
        }
    }
}

TEST(TrigramTextTest, QueryTrigramsAreDistinctLowerCasedPaddedAndKeepMultiByteText) {
    EXPECT_EQ(QueryTrigrams("Word"), (std::vector<std::string>{"  w", " wo", "wor", "ord", "rd "}));
    EXPECT_EQ(QueryTrigrams("ab AB ab"), (std::vector<std::string>{"  a", " ab", "ab "}));
    EXPECT_EQ(QueryTrigrams("Ñu"), (std::vector<std::string>{"  ñ", " ñu", "ñu "}));
    EXPECT_EQ(QueryTrigrams("東京"), (std::vector<std::string>{"  東", " 東京", "東京 "}));
    EXPECT_TRUE(QueryTrigrams("").empty());
    EXPECT_TRUE(QueryTrigrams("?! -- 😀").empty());  // emoji are not letters in C.UTF-8
    const WordSimilarityQuery query("Say \"hello\" twice: hello");
    EXPECT_EQ(query.trigrams(), QueryTrigrams("say hello twice"));
    EXPECT_EQ(query.trigram_count(), static_cast<int>(query.trigrams().size()));
    for (const std::string& t : query.trigrams())
        EXPECT_EQ(t.find('"'), std::string::npos);
}

TEST(TrigramTextTest, IndexTextIsThePaddedLowerCasedWordsConcatenated) {
    EXPECT_EQ(TrigramIndexText("Two  Words!"), "  two   words ");
    EXPECT_EQ(TrigramIndexText("ÉCOLE-Straße 12"), "  école   straße   12 ");
    EXPECT_EQ(TrigramIndexText("x"), "  x ");
    EXPECT_EQ(TrigramIndexText(""), "");
    EXPECT_EQ(TrigramIndexText(" ... "), "");
}

TEST(TrigramTextTest, IndexTextWindowsShapedLikePgTrigramsAreExactlyTheValuesTrigrams) {
    PairGenerator gen;
    for (int i = 0; i < 2000; ++i) {
        const std::string value = gen.Text(8);
        SCOPED_TRACE("value='" + value + "'");
        const std::vector<std::string> trigrams = QueryTrigrams(value);
        const std::set<std::string> pg(trigrams.begin(), trigrams.end());
        std::set<std::string> windows;
        for (const std::string& w : Windows(TrigramIndexText(value))) {
            // Straddling windows: a character then two spaces, or three spaces.
            const bool straddles = w.size() >= 3 && w.compare(w.size() - 2, 2, "  ") == 0;
            if (!straddles)
                windows.insert(w);
        }
        EXPECT_EQ(windows, pg);
        // And the strings are the pg trigrams: their codes are the value's codes.
        std::set<TrigramCode> codes;
        for (const std::string& t : trigrams)
            codes.insert(TrigramCodeOf(t));
        EXPECT_EQ(codes, Codes(value));
    }
}

TEST(TrigramTextTest, MinSharedTrigramsIsTheLeastCountWhoseBestCaseReachesTheThreshold) {
    EXPECT_EQ(MinSharedTrigrams(5, 0.6f), 3);
    EXPECT_EQ(MinSharedTrigrams(5, 0.61f), 4);
    EXPECT_EQ(MinSharedTrigrams(10, 0.3f), 3);
    EXPECT_EQ(MinSharedTrigrams(3, 1.0f), 3);
    EXPECT_EQ(MinSharedTrigrams(7, 0.0f), 0);
    EXPECT_EQ(MinSharedTrigrams(7, -1.0f), 0);
    EXPECT_EQ(MinSharedTrigrams(7, 1.01f), 8);
    EXPECT_EQ(MinSharedTrigrams(7, std::nanf("")), 8);
    EXPECT_EQ(MinSharedTrigrams(0, 0.5f), 1);
    EXPECT_EQ(MinSharedTrigrams(0, 0.0f), 0);
    // Minimal and sufficient under the same float arithmetic word_similarity uses.
    for (int n = 1; n <= 200; ++n) {
        for (int step = 1; step <= 100; ++step) {
            const float t = static_cast<float>(step) / 100.0f;
            const int m = MinSharedTrigrams(n, t);
            ASSERT_GE(m, 1);
            ASSERT_LE(m, n);
            EXPECT_GE(static_cast<float>(m) / static_cast<float>(n), t) << n << " " << t;
            EXPECT_LT(static_cast<float>(m - 1) / static_cast<float>(n), t) << n << " " << t;
        }
    }
}

// Distinct query trigrams (by string) that occur in the value's index text: what an FTS5 phrase
// count sees.
int SharedByText(const WordSimilarityQuery& query, const std::string& value) {
    const std::vector<std::string> windows = Windows(TrigramIndexText(value));
    const std::set<std::string> in_value(windows.begin(), windows.end());
    int shared = 0;
    for (const std::string& t : query.trigrams())
        shared += in_value.count(t) ? 1 : 0;
    return shared;
}

TEST(TrigramTextTest, CountBoundNeverRejectsAPairThatReachesTheThreshold) {
    const float thresholds[] = {0.05f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f};
    PairGenerator gen;
    int reached = 0;
    int rejected = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::string query_text = gen.Text(2);
        const std::string value = gen.Text(10);
        const WordSimilarityQuery query(query_text);
        const float score = query.Against(value);
        const int shared = SharedByText(query, value);
        for (float t : thresholds) {
            const bool passes_filter = shared >= MinSharedTrigrams(query.trigram_count(), t);
            if (score >= t) {
                ++reached;
                EXPECT_TRUE(passes_filter) << "query='" << query_text << "' value='" << value
                                           << "' score=" << score << " t=" << t;
            } else if (!passes_filter) {
                ++rejected;
            }
        }
    }
    // The property is only meaningful if both sides occur often.
    EXPECT_GT(reached, 2000);
    EXPECT_GT(rejected, 2000);
}

// A real SQLite FTS5 trigram table over TrigramIndexText finds, by counting matched query-trigram
// phrases, every row whose word_similarity reaches the threshold.
class Fts5Index {
public:
    Fts5Index() {
        EXPECT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
        Exec("CREATE VIRTUAL TABLE idx USING fts5(body, tokenize='trigram')");
    }
    ~Fts5Index() { sqlite3_close(db_); }
    Fts5Index(const Fts5Index&) = delete;
    Fts5Index& operator=(const Fts5Index&) = delete;

    void Insert(sqlite3_int64 rowid, const std::string& body) {
        sqlite3_stmt* stmt = Prepare("INSERT INTO idx(rowid, body) VALUES (?, ?)");
        sqlite3_bind_int64(stmt, 1, rowid);
        sqlite3_bind_text(stmt, 2, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
        EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
        sqlite3_finalize(stmt);
    }

    // rowid -> number of the query's trigram phrases the row matches.
    std::map<sqlite3_int64, int> Hits(const std::vector<std::string>& trigrams) {
        std::map<sqlite3_int64, int> hits;
        sqlite3_stmt* stmt = Prepare("SELECT rowid FROM idx WHERE idx MATCH ?");
        for (const std::string& t : trigrams) {
            const std::string phrase = "\"" + t + "\"";
            sqlite3_bind_text(stmt, 1, phrase.data(), static_cast<int>(phrase.size()),
                              SQLITE_TRANSIENT);
            int rc;
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
                ++hits[sqlite3_column_int64(stmt, 0)];
            EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_) << " for " << phrase;
            sqlite3_reset(stmt);
        }
        sqlite3_finalize(stmt);
        return hits;
    }

private:
    void Exec(const char* sql) {
        char* err = nullptr;
        EXPECT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
        sqlite3_free(err);
    }
    sqlite3_stmt* Prepare(const char* sql) {
        sqlite3_stmt* stmt = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr), SQLITE_OK)
            << sqlite3_errmsg(db_);
        return stmt;
    }
    sqlite3* db_ = nullptr;
};

TEST(TrigramTextTest, Fts5TrigramIndexFindsEveryValueReachingTheThreshold) {
    PairGenerator gen;
    std::vector<std::string> values;
    Fts5Index index;
    for (int i = 0; i < 400; ++i) {
        values.push_back(gen.Text(10));
        index.Insert(i + 1, TrigramIndexText(values.back()));
    }
    values.push_back("Conference in Zürich");
    index.Insert(static_cast<sqlite3_int64>(values.size()), TrigramIndexText(values.back()));

    std::vector<std::string> queries;
    for (int i = 0; i < 60; ++i)
        queries.push_back(gen.Text(2));
    queries.push_back("zurich");
    queries.push_back("ZÜRICH conferance");
    int found = 0;
    for (const std::string& query_text : queries) {
        const WordSimilarityQuery query(query_text);
        const std::map<sqlite3_int64, int> hits = index.Hits(query.trigrams());
        for (float t : {0.3f, 0.6f}) {
            const int min_shared = MinSharedTrigrams(query.trigram_count(), t);
            for (std::size_t i = 0; i < values.size(); ++i) {
                if (!query.AtLeast(values[i], t))
                    continue;
                ++found;
                const auto it = hits.find(static_cast<sqlite3_int64>(i + 1));
                const int shared = it == hits.end() ? 0 : it->second;
                EXPECT_GE(shared, min_shared)
                    << "query='" << query_text << "' value='" << values[i] << "' t=" << t;
            }
        }
    }
    EXPECT_GT(found, 100);
    // The named row is a candidate for its fuzzy queries, through the index alone.
    const std::map<sqlite3_int64, int> hits = index.Hits(QueryTrigrams("ZÜRICH conferance"));
    ASSERT_TRUE(hits.count(static_cast<sqlite3_int64>(values.size())));
    EXPECT_GE(hits.at(static_cast<sqlite3_int64>(values.size())),
              MinSharedTrigrams(WordSimilarityQuery("ZÜRICH conferance").trigram_count(), 0.6f));
}

}  // namespace
}  // namespace ea::store::search
