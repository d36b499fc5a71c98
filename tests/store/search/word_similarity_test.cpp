// word_similarity must equal PostgreSQL 15 pg_trgm's float4 results exactly: checked against values
// captured from a real server (UTF-8 database, LC_CTYPE C.UTF-8), not against our own reasoning.
#include "store/search/word_similarity.hpp"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ea::store::search {
namespace {

struct PgCase {
    const char* query;
    const char* value;
    double expected;        // word_similarity(query, value)::float8: the exact float4 value
    bool at_default_limit;  // query <% value with pg_trgm.word_similarity_threshold = 0.6
};

// Captured with: select word_similarity(q, v)::float8, (q <% v) from (values ...) t(q, v);
const PgCase kPgCases[] = {
    {"word", "two words", 0.800000011920929, true},
    {"word", "word", 1, true},
    {"word", "Word", 1, true},
    {"word", "WORDS", 0.800000011920929, true},
    {"wrod", "word", 0.20000000298023224, false},
    {"wodr", "the word is here", 0.4000000059604645, false},
    {"conferance", "International Conference on Databases", 0.5714285969734192, false},
    {"confrence", "conference", 0.6153846383094788, true},
    {"conf", "conference", 0.800000011920929, true},
    {"confer", "conference 2024", 0.8571428656578064, true},
    {"data base", "database systems", 0.5833333134651184, false},
    {"database", "data base", 0.5833333134651184, false},
    {"new york", "New York City", 1, true},
    {"york new", "New York City", 1, true},
    {"new yrok", "Meetup in New York", 0.5555555820465088, false},
    {"hello world", "world, hello!", 1, true},
    {"o'brien", "Patrick O'Brien", 1, true},
    {"e-mail", "email address", 0.4444444477558136, false},
    {"email", "e-mail", 0.5, false},
    {"c++", "C++ meetup", 1, true},
    {"c++", "c", 1, true},
    {"a", "a", 1, true},
    {"a", "b", 0, false},
    {"a", "abc", 0.5, false},
    {"a", "a b c", 1, true},
    {"ab", "abc", 0.6666666865348816, true},
    {"x", "xx yy x", 1, true},
    {"", "anything", 0, false},
    {"anything", "", 0, false},
    {"", "", 0, false},
    {"!!!", "punctuation only", 0, false},
    {"text", "... --- ???", 0, false},
    {"2024", "event 2024-05-01", 1, true},
    {"2025", "event 2024-05-01", 0.6000000238418579, true},
    {"room 101", "Room 101, building B", 1, true},
    {"rm101", "room 101", 0.3333333432674408, false},
    {"abc123", "ABC-123", 0.5, false},
    {"banana", "banana banana banana", 1, true},
    {"ban ban", "banana", 0.75, true},
    {"nana", "banana", 0.6000000238418579, true},
    {"anan", "bananana", 0.4000000059604645, false},
    {"aaa", "aaaaaaaa", 1, true},
    {"aaaa", "aaa aaa aaa", 1, true},
    {"mississippi", "missisippi river", 0.9090909361839294, true},
    {"the quick brown fox", "the quick brown fox jumps over the lazy dog", 1, true},
    {"lazy dgo", "the quick brown fox jumps over the lazy dog", 0.6666666865348816, true},
    {"jumped", "the quick brown fox jumps over the lazy dog", 0.5714285969734192, false},
    {"quick fox", "the quick brown fox jumps over the lazy dog", 0.625, true},
    {"dog fox", "the quick brown fox jumps over the lazy dog", 0.5, false},
    {"kubernetes",
     "Kubernetes Community Days: kubernetes, k8s, and cloud-native tooling for everyone interested "
     "in kubernetes",
     1, true},
    {"PostgreSQL", "postgres sql postgresql PostgreSQL-15", 1, true},
    {"postgre", "PostgreSQL", 0.875, true},
    {"sqlite", "SQLite 3.40 with FTS5 trigram", 1, true},
    {"MiXeD CaSe", "mixed case", 1, true},
    {"ALLCAPS", "allcaps and more", 1, true},
    {"under_score", "under score", 1, true},
    {"tab\there", "tab here", 1, true},
    {"line\nbreak", "line break", 1, true},
    {"café", "cafe", 0.6000000238418579, true},
    {"café", "Café Müller", 1, true},
    {"CAFÉ", "café", 1, true},
    {"müller", "Mueller Müller", 1, true},
    {"straße", "STRASSE Straße", 1, true},
    {"ñandú", "el ñandu", 0.6666666865348816, true},
    {"москва", "Москва столица", 1, true},
    {"МОСКВА", "москва", 1, true},
    {"東京", "東京タワー", 0.6666666865348816, true},
    {"東京都", "京都", 0.25, false},
    {"ελλάδα", "Ελλάδα", 1, true},
    {"İstanbul", "istanbul", 1, true},
    {"naïve", "naive naïve", 1, true},
    {"emoji", "emoji 😀 party", 1, true},
    {"😀", "😀😀", 0, false},
    {"x1", "x1 x2 x3", 1, true},
    {"teh", "the", 0.25, false},
    {"recieve", "receive", 0.375, false},
    {"seperate", "separate", 0.5, false},
    {"definately", "definitely", 0.5714285969734192, false},
    {"accomodation", "Accommodation and travel", 0.800000011920929, true},
    {"wrkshop", "Workshop: Intro to C++", 0.625, true},
    {"workshop intro", "Workshop: Intro to C++", 1, true},
    {"abcdefghij", "abcdefghijklmnopqrstuvwxyz", 0.9090909361839294, true},
    {"klmno", "abcdefghijklmnopqrstuvwxyz", 0.5, false},
    {"abc xyz", "abc def ghi xyz", 0.5, false},
    {"ghi abc", "abc def ghi xyz", 0.6666666865348816, true},
    {"summit", "Summit summit SUMMIT sum mit", 1, true},
    {"sum mit", "summit", 0.5, false},
    {"ab ab ab", "ab", 1, true},
    {"foo", "foofoo foo", 1, true},
    {"oof", "foofoo", 0.25, false},
    {"long query with many different words inside", "short", 0, false},
    {"short", "long value with many different words inside and short at the end", 1, true},
    {"end", "long value with many different words inside and short at the end", 1, true},
    {"  spaced   out  ", "spaced out", 1, true},
    {"js", "JavaScript js JS", 1, true},
    {"v2", "v2.0.1", 1, true},
    {"0.1", "v2.0.1", 1, true},
    {"ÀÉÎÕÜ", "àéîõü", 1, true},
    {"ǅemal", "džemal", 0.5, false},
    {"meeting", "weekly team meting notes", 0.6666666865348816, true},
    {"registration", "registrations open; register now", 0.9230769276618958, true},
    {"speaker", "speakers: keynote speaker panel", 1, true},
    {"keynote", "key note", 0.5454545617103577, false},
    {"workshop", "shop work", 0.7777777910232544, true},
    {"hackathon", "hack a thon", 0.46666666865348816, false},
    {"berlin", "Berlin, Germany; Berliner Str.", 1, true},
    {"paris", "Paris-Saclay", 1, true},
    {"amsterdam", "amstredam", 0.4285714328289032, false},
    {"lisbon", "Lisboa Portugal", 0.7142857313156128, true},
    {"zz", "zzz zz z", 1, true},
    {"quantum computing", "computing, quantum", 1, true},
    {"abcd", "xabcdx", 0.4000000059604645, false},
    {"abcd", "dcba", 0, false},
    {"q", "qq q qqq", 1, true},
    {"xyz", "xyzxyzxyz xy", 1, true},
    // Pairs where pg_trgm's greedy extent search misses the best extent, or where moving the lower
    // bound on equal scores would change the result: ours must search exactly the same way.
    {"cbaa accc", "cbca caa ca ab ac", 0.29411765933036804, false},
    {"bba abb", "a babb ba ba", 0.4444444477558136, false},
    {"abb aba", "a a aaab bbb bbba", 0.20000000298023224, false},
    {"bb abb", "ab aabb aaba bbab bbbb", 0.5, false},
    {"aabb aaab", "aaa abb aabb ab", 0.75, true},
    {"aba baaa", "aaab bb baa bba", 0.4545454680919647, false},
    {"cab ba", "bbaa caaa acab", 0.3076923191547394, false},
    {"ba a", "aaba aaa b aa baab", 0.4444444477558136, false},
    {"aaba a", "ab baa a abba abaa", 0.4444444477558136, false},
    {"ab ccb", "ca bbc a a bacb", 0.1764705926179886, false},
    {"abbc b", "baa cc c aa cabc", 0.1666666716337204, false},
    {"bcac cbcb", "cc c aba bc ac", 0.23529411852359772, false},
    {"a caa", "cacb bba aa bba a", 0.3571428656578064, false},
};

struct PgPair {
    const char* query;
    const char* value;
    double expected;
};

const PgPair kPgRandomPairs[] = {
#include "pg15_random_pairs.inc"
};

TEST(WordSimilarityTest, EqualsPostgresOnHandPickedCases) {
    ASSERT_GE(std::size(kPgCases), 60u);
    for (const PgCase& c : kPgCases) {
        SCOPED_TRACE(std::string("query='") + c.query + "' value='" + c.value + "'");
        const float got = WordSimilarity(c.query, c.value);
        EXPECT_EQ(static_cast<double>(got), c.expected);
        const WordSimilarityQuery query(c.query);
        EXPECT_EQ(static_cast<double>(query.Against(c.value)), c.expected);
        EXPECT_EQ(query.AtLeast(c.value, 0.6f), c.at_default_limit);
    }
}

TEST(WordSimilarityTest, EqualsPostgresOnSeededRandomPairs) {
    ASSERT_EQ(std::size(kPgRandomPairs), 600u);
    int nonzero = 0;
    for (const PgPair& p : kPgRandomPairs) {
        SCOPED_TRACE(std::string("query='") + p.query + "' value='" + p.value + "'");
        EXPECT_EQ(static_cast<double>(WordSimilarity(p.query, p.value)), p.expected);
        if (p.expected > 0)
            ++nonzero;
    }
    EXPECT_GT(nonzero, 300);  // the corpus exercises the search, not just disjoint pairs
}

TEST(WordSimilarityTest, AtLeastAgreesWithAgainstAtEveryThreshold) {
    const float thresholds[] = {0.0f, 0.05f, 0.1f, 0.25f, 0.3f, 0.5f, 0.6f, 0.75f, 0.9f, 1.0f};
    for (const PgPair& p : kPgRandomPairs) {
        const WordSimilarityQuery query(p.query);
        const float score = query.Against(p.value);
        for (float t : thresholds) {
            EXPECT_EQ(query.AtLeast(p.value, t), score >= t)
                << "query='" << p.query << "' value='" << p.value << "' t=" << t;
        }
    }
}

TEST(WordSimilarityTest, IsNotSymmetric) {
    EXPECT_EQ(static_cast<double>(WordSimilarity("word", "two words")), 0.800000011920929);
    EXPECT_EQ(static_cast<double>(WordSimilarity("two words", "word")), 0.4000000059604645);
}

TEST(WordSimilarityTest, TextWithoutWordCharactersScoresZero) {
    EXPECT_EQ(WordSimilarity("", "abc"), 0.0f);
    EXPECT_EQ(WordSimilarity("abc", ""), 0.0f);
    EXPECT_EQ(WordSimilarity("--", "-- --"), 0.0f);
    const WordSimilarityQuery empty("  ,;  ");
    EXPECT_EQ(empty.trigram_count(), 0);
    EXPECT_TRUE(empty.trigrams().empty());
    EXPECT_EQ(empty.Against("anything"), 0.0f);
    EXPECT_FALSE(empty.AtLeast("anything", 0.1f));
    EXPECT_TRUE(empty.AtLeast("anything", 0.0f));
}

TEST(WordSimilarityTest, InvalidUtf8BytesSeparateWordsInsteadOfFailing) {
    // PostgreSQL never stores invalid UTF-8; SQLite can. Each bad byte acts as a separator.
    const std::string truncated("\xe2\x82", 2);
    const std::string overlong_slash = "\xc0\xaf";
    const std::string surrogate = "\xed\xa0\x80";
    EXPECT_EQ(WordSimilarity("ab", "ab\xff"), 1.0f);
    EXPECT_EQ(WordSimilarity("ab cd", std::string("ab\xc3") + "cd"), 1.0f);
    EXPECT_EQ(WordSimilarity("ab", truncated + "ab"), 1.0f);
    EXPECT_EQ(WordSimilarity("ab", overlong_slash + "ab"), 1.0f);
    EXPECT_EQ(WordSimilarity("ab", surrogate + "ab"), 1.0f);
    EXPECT_EQ(WordSimilarity(std::string("a\0b", 3), "a b"), 1.0f);  // NUL
    EXPECT_EQ(TrigramIndexText(std::string("ab\xff") + "cd"), "  ab   cd ");
}

TEST(WordSimilarityTest, OneQueryObjectGivesTheSameScoresInAnyOrderAndOnAnyThread) {
    const WordSimilarityQuery query("conferance berlin");
    std::vector<float> forward;
    for (const PgPair& p : kPgRandomPairs)
        forward.push_back(query.Against(p.value));
    // Backwards, so scratch buffers shrink and grow between calls.
    for (std::size_t i = std::size(kPgRandomPairs); i-- > 0;) {
        ASSERT_EQ(query.Against(kPgRandomPairs[i].value), forward[i]);
        ASSERT_EQ(query.Against(kPgRandomPairs[i].value),
                  WordSimilarity("conferance berlin", kPgRandomPairs[i].value));
    }
    std::vector<float> other_thread;
    std::thread worker([&] {
        for (const PgPair& p : kPgRandomPairs)
            other_thread.push_back(query.Against(p.value));
    });
    worker.join();
    EXPECT_EQ(other_thread, forward);
}

TEST(WordSimilarityTest, LongValuesWithManyRepeatsStayExact) {
    // A long value: pg's search is quadratic in the extent; check it still ends with the pg value
    // shape: the query's words all present makes 1, whatever surrounds them.
    std::string value;
    for (int i = 0; i < 2000; ++i)
        value += (i % 7 == 0) ? "summit " : "other words here ";
    value += "berlin conference";
    EXPECT_EQ(WordSimilarity("berlin conference", value), 1.0f);
    EXPECT_EQ(WordSimilarity("summit", value), 1.0f);
    EXPECT_EQ(WordSimilarity("xyz", value), 0.0f);
}

}  // namespace
}  // namespace ea::store::search
