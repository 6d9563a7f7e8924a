// What the tests need to know about one ksqlDB statement: what it creates or inserts into, the
// columns it declares or projects, its WITH properties and the sources it reads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "statement_reader.hpp"

namespace ytpipe::ksql {

enum class StatementKind {
  CreateStream,          // CREATE STREAM name (columns) WITH (...)
  CreateTable,           // CREATE TABLE name (columns) WITH (...)
  CreateStreamAsSelect,  // CREATE STREAM name [WITH (...)] AS SELECT ...
  CreateTableAsSelect,   // CREATE TABLE name [WITH (...)] AS SELECT ...
  InsertIntoSelect,      // INSERT INTO name SELECT ...
  SetProperty,           // SET 'property' = 'value' (for the rest of its migration file)
  Other,                 // SET, DEFINE, DROP, ... (no source or sink the tests follow)
};

struct Column {
  std::string name;  // upper-cased unless it was a `quoted` identifier, as ksqlDB stores it
  std::string type;  // upper-cased, e.g. BIGINT, VARCHAR, ARRAY<BIGINT>; empty when unknown
  bool key = false;  // KEY or PRIMARY KEY
};

// One item of a SELECT list: its output name and the tokens of its expression.
struct Projection {
  std::string name;  // the AS alias, or the column name for a bare column; empty otherwise
  std::vector<Token> expression;
};

struct ParsedStatement {
  StatementKind kind = StatementKind::Other;
  std::size_t line = 0;
  std::string name;                               // what it creates or inserts into
  std::vector<Column> columns;                    // declared columns (CREATE STREAM/TABLE)
  std::map<std::string, std::string> properties;  // WITH (...) keys upper-cased; SET as written
  std::vector<Projection> projection;             // SELECT list (queries only)
  std::vector<std::string> sources;               // FROM and JOIN names (queries only)
  std::vector<std::string> group_by;              // GROUP BY column names, if plain columns
  bool windowed = false;                          // has a WINDOW clause

  bool is_query() const;
  bool creates() const;  // declares a new stream or table
  std::optional<std::string> property(const std::string& key) const;
};

// Reads the parts above from a statement's tokens; anything unrecognised is StatementKind::Other.
// Throws ScriptError when a recognised statement is malformed (e.g. an unclosed column list).
ParsedStatement parse_statement(const Statement& statement);

// The name ksqlDB gives an identifier token: upper-cased unless quoted with backticks.
std::string identifier_name(const Token& token);

}  // namespace ytpipe::ksql
