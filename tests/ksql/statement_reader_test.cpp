#include "statement_reader.hpp"

#include <gtest/gtest.h>

#include "statement_model.hpp"

namespace ytpipe::ksql {
namespace {

TEST(StatementReader, SplitsOnlyAtSemicolonsOutsideLiteralsAndComments) {
  const std::vector<Statement> statements = split_statements(
      "-- header; not a statement\n"
      "SELECT 'a;b', `odd;name` FROM s /* ; */ EMIT CHANGES;\n"
      "SET 'x' = 'y';\n");

  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].text, "SELECT 'a;b', `odd;name` FROM s   EMIT CHANGES");
  EXPECT_EQ(statements[1].text, "SET 'x' = 'y'");
  EXPECT_TRUE(statements[0].terminated);
  EXPECT_TRUE(statements[1].terminated);
}

TEST(StatementReader, DoubledQuoteStaysInsideTheLiteral) {
  const std::vector<Statement> statements =
      split_statements("SELECT 'it''s; fine' FROM s;\nSELECT 1 FROM t;");

  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].text, "SELECT 'it''s; fine' FROM s");
}

TEST(StatementReader, ReportsTextWithoutClosingSemicolon) {
  const std::vector<Statement> statements =
      split_statements("CREATE STREAM a (x INT) WITH (KAFKA_TOPIC='a');\nDROP STREAM a\n-- end\n");

  ASSERT_EQ(statements.size(), 2u);
  EXPECT_TRUE(statements[0].terminated);
  EXPECT_FALSE(statements[1].terminated);
  EXPECT_EQ(statements[1].text, "DROP STREAM a");
}

TEST(StatementReader, RemembersTheLineEachStatementStartsOn) {
  const std::vector<Statement> statements =
      split_statements("-- one\n-- two\nSELECT 1\n FROM a;\n\n/* x\n y */ SELECT 2 FROM b;");

  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].line, 3u);
  EXPECT_EQ(statements[1].line, 7u);
}

TEST(StatementReader, UnclosedLiteralOrCommentNamesItsLine) {
  EXPECT_THROW(
      {
        try {
          split_statements("SELECT 1 FROM a;\nSELECT 'open FROM b;");
        } catch (const ScriptError& e) {
          EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
          throw;
        }
      },
      ScriptError);
  EXPECT_THROW(split_statements("SELECT 1 /* never closed; FROM a;"), ScriptError);
}

TEST(Tokenizer, UnescapesStringsAndKeepsTwoCharacterSymbols) {
  const std::vector<Token> tokens = tokenize("a->b >= 'yyyy''T''' `Mixed` x[-2]");

  ASSERT_EQ(tokens.size(), 11u);
  EXPECT_EQ(tokens[1].text, "->");
  EXPECT_EQ(tokens[3].text, ">=");
  EXPECT_EQ(tokens[4].kind, TokenKind::String);
  EXPECT_EQ(tokens[4].text, "yyyy'T'");
  EXPECT_EQ(tokens[5].kind, TokenKind::QuotedIdentifier);
  EXPECT_EQ(identifier_name(tokens[5]), "Mixed");
  EXPECT_EQ(identifier_name(tokens[0]), "A");
}

TEST(StatementModel, ReadsDeclaredColumnsKeysTypesAndProperties) {
  const ParsedStatement parsed = parse_statement(
      {"CREATE STREAM s (id VARCHAR KEY, n BIGINT, tags ARRAY<VARCHAR>, m MAP<VARCHAR, INT>) "
       "WITH (KAFKA_TOPIC='t', TIMESTAMP_FORMAT='yyyy''T''')",
       1, true});

  EXPECT_EQ(parsed.kind, StatementKind::CreateStream);
  EXPECT_EQ(parsed.name, "S");
  ASSERT_EQ(parsed.columns.size(), 4u);
  EXPECT_TRUE(parsed.columns[0].key);
  EXPECT_FALSE(parsed.columns[1].key);
  EXPECT_EQ(parsed.columns[1].type, "BIGINT");
  EXPECT_EQ(parsed.columns[2].type, "ARRAY<VARCHAR>");
  EXPECT_EQ(parsed.columns[3].type, "MAP<VARCHAR,INT>");
  EXPECT_EQ(parsed.property("KAFKA_TOPIC"), "t");
  EXPECT_EQ(parsed.property("TIMESTAMP_FORMAT"), "yyyy'T'");
}

TEST(StatementModel, ReadsProjectionSourcesAndGrouping) {
  const ParsedStatement parsed = parse_statement(
      {"CREATE TABLE t WITH (KAFKA_TOPIC='out') AS SELECT id, COUNT(*) AS n, s.title, "
       "CASE WHEN a > b THEN 1 ELSE 0 END AS flag FROM src s "
       "WINDOW TUMBLING (SIZE 1 HOUR) WHERE a IS DISTINCT FROM b GROUP BY id EMIT CHANGES",
       1, true});

  EXPECT_EQ(parsed.kind, StatementKind::CreateTableAsSelect);
  ASSERT_EQ(parsed.projection.size(), 4u);
  EXPECT_EQ(parsed.projection[1].name, "N");
  EXPECT_EQ(parsed.projection[2].name, "TITLE");
  EXPECT_EQ(parsed.projection[3].name, "FLAG");
  EXPECT_EQ(parsed.sources, std::vector<std::string>{"SRC"});
  EXPECT_EQ(parsed.group_by, std::vector<std::string>{"ID"});
  EXPECT_TRUE(parsed.windowed);
}

TEST(StatementModel, ReadsSetStatements) {
  const ParsedStatement set = parse_statement({"SET 'auto.offset.reset' = 'earliest'", 1, true});
  const ParsedStatement other = parse_statement({"SET auto.offset.reset = earliest", 1, true});

  EXPECT_EQ(set.kind, StatementKind::SetProperty);
  EXPECT_EQ(set.property("auto.offset.reset"), "earliest");
  EXPECT_EQ(other.kind, StatementKind::Other);
}

}  // namespace
}  // namespace ytpipe::ksql
