#include "statement_model.hpp"

#include <algorithm>
#include <cctype>

namespace ytpipe::ksql {
namespace {

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// Walks a token list; every read past the end yields an empty Symbol token.
class Cursor {
 public:
  Cursor(const std::vector<Token>& tokens, std::size_t line) : tokens_(tokens), line_(line) {}

  const Token& peek(std::size_t ahead = 0) const {
    static const Token kEnd{TokenKind::Symbol, ""};
    return at_ + ahead < tokens_.size() ? tokens_[at_ + ahead] : kEnd;
  }

  const Token& next() {
    const Token& token = peek();
    ++at_;
    return token;
  }

  bool done() const { return at_ >= tokens_.size(); }

  bool accept(std::string_view word) {
    if (!peek().is(word)) {
      return false;
    }
    ++at_;
    return true;
  }

  void expect(std::string_view word) {
    if (!accept(word)) {
      fail("expected " + std::string(word) + ", found \"" + peek().text + "\"");
    }
  }

  // The tokens up to (not including) the next top-level token equal to one of `stops`. Angle
  // brackets nest only in types (ARRAY<...>); in expressions they are comparisons.
  std::vector<Token> until(std::initializer_list<std::string_view> stops,
                           bool angle_brackets_nest = false) {
    std::vector<Token> taken;
    int depth = 0;
    while (!done()) {
      const Token& token = peek();
      if (depth == 0 && std::any_of(stops.begin(), stops.end(),
                                    [&](std::string_view stop) { return token.is(stop); })) {
        break;
      }
      if (token.is("(") || token.is("[") || (angle_brackets_nest && token.is("<"))) {
        ++depth;
      } else if (token.is(")") || token.is("]") || (angle_brackets_nest && token.is(">"))) {
        --depth;
      }
      taken.push_back(next());
    }
    return taken;
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw ScriptError("line " + std::to_string(line_) + ": " + message);
  }

 private:
  const std::vector<Token>& tokens_;
  std::size_t line_;
  std::size_t at_ = 0;
};

std::string joined_type(const std::vector<Token>& tokens) {
  std::string type;
  for (const Token& token : tokens) {
    const bool glue = token.is("<") || token.is(">") || token.is("(") || token.is(")") ||
                      token.is(",") || type.empty() || type.back() == '<' || type.back() == '(' ||
                      type.back() == ',';
    if (!glue) {
      type.push_back(' ');
    }
    type += upper(token.text);
  }
  return type;
}

Column read_column(Cursor& cursor) {
  Column column;
  column.name = identifier_name(cursor.next());
  std::vector<Token> type = cursor.until({",", ")"}, true);
  if (!type.empty() && type.back().is("KEY")) {
    column.key = true;
    type.pop_back();
    if (!type.empty() && type.back().is("PRIMARY")) {
      type.pop_back();
    }
  }
  if (type.empty()) {
    cursor.fail("column " + column.name + " has no type");
  }
  column.type = joined_type(type);
  return column;
}

std::vector<Column> read_columns(Cursor& cursor) {
  std::vector<Column> columns;
  cursor.expect("(");
  while (!cursor.accept(")")) {
    if (cursor.done()) {
      cursor.fail("unclosed column list");
    }
    columns.push_back(read_column(cursor));
    cursor.accept(",");
  }
  return columns;
}

std::map<std::string, std::string> read_properties(Cursor& cursor) {
  std::map<std::string, std::string> properties;
  cursor.expect("(");
  while (!cursor.accept(")")) {
    if (cursor.done()) {
      cursor.fail("unclosed WITH (...)");
    }
    const std::string key = upper(cursor.next().text);
    cursor.expect("=");
    properties[key] = cursor.next().text;
    cursor.accept(",");
  }
  return properties;
}

Projection read_projection_item(std::vector<Token> tokens) {
  Projection item;
  const std::size_t n = tokens.size();
  if (n >= 2 && tokens[n - 2].is("AS")) {
    item.name = identifier_name(tokens[n - 1]);
    tokens.resize(n - 2);
  } else if (n == 1 && tokens[0].kind != TokenKind::Symbol) {
    item.name = identifier_name(tokens[0]);
  } else if (n == 3 && tokens[1].is(".")) {
    item.name = identifier_name(tokens[2]);
  }
  item.expression = std::move(tokens);
  return item;
}

void read_query(Cursor& cursor, ParsedStatement& parsed) {
  cursor.expect("SELECT");
  while (!cursor.peek().is("FROM")) {
    if (cursor.done()) {
      cursor.fail("SELECT without FROM");
    }
    parsed.projection.push_back(read_projection_item(cursor.until({",", "FROM"})));
    cursor.accept(",");
  }
  bool after_distinct = false;  // FROM in "x IS DISTINCT FROM y" names no source
  while (!cursor.done()) {
    const Token& token = cursor.next();
    const bool distinct_from = after_distinct;
    after_distinct = token.is("DISTINCT");
    if ((token.is("FROM") && !distinct_from) || token.is("JOIN")) {
      parsed.sources.push_back(identifier_name(cursor.next()));
    } else if (token.is("WINDOW")) {
      parsed.windowed = true;
    } else if (token.is("GROUP") && cursor.accept("BY")) {
      for (const Token& item : cursor.until({"HAVING", "EMIT"})) {
        if (!item.is(",")) {
          parsed.group_by.push_back(identifier_name(item));
        }
      }
    }
  }
}

void read_create(Cursor& cursor, ParsedStatement& parsed) {
  if (cursor.accept("OR")) {
    cursor.expect("REPLACE");
  }
  cursor.accept("SOURCE");
  const bool stream = cursor.accept("STREAM");
  if (!stream && !cursor.accept("TABLE")) {
    return;  // CREATE TYPE, CREATE CONNECTOR, ...
  }
  if (cursor.accept("IF")) {
    cursor.expect("NOT");
    cursor.expect("EXISTS");
  }
  parsed.name = identifier_name(cursor.next());

  if (cursor.peek().is("(")) {
    parsed.columns = read_columns(cursor);
  }
  if (cursor.accept("WITH")) {
    parsed.properties = read_properties(cursor);
  }
  if (cursor.accept("AS")) {
    parsed.kind = stream ? StatementKind::CreateStreamAsSelect : StatementKind::CreateTableAsSelect;
    read_query(cursor, parsed);
    return;
  }
  parsed.kind = stream ? StatementKind::CreateStream : StatementKind::CreateTable;
}

void read_insert(Cursor& cursor, ParsedStatement& parsed) {
  if (!cursor.accept("INTO")) {
    return;
  }
  parsed.name = identifier_name(cursor.next());
  if (cursor.accept("WITH")) {
    parsed.properties = read_properties(cursor);
  }
  if (!cursor.peek().is("SELECT")) {
    return;  // INSERT INTO ... VALUES
  }
  parsed.kind = StatementKind::InsertIntoSelect;
  read_query(cursor, parsed);
}

void read_set(Cursor& cursor, ParsedStatement& parsed) {
  const Token& property = cursor.next();
  if (property.kind != TokenKind::String || !cursor.accept("=")) {
    return;
  }
  const Token& value = cursor.next();
  if (value.kind == TokenKind::String && cursor.done()) {
    parsed.kind = StatementKind::SetProperty;
    parsed.properties[property.text] = value.text;
  }
}

}  // namespace

std::string identifier_name(const Token& token) {
  return token.kind == TokenKind::QuotedIdentifier ? token.text : upper(token.text);
}

bool ParsedStatement::is_query() const {
  return kind == StatementKind::CreateStreamAsSelect ||
         kind == StatementKind::CreateTableAsSelect || kind == StatementKind::InsertIntoSelect;
}

bool ParsedStatement::creates() const {
  return kind == StatementKind::CreateStream || kind == StatementKind::CreateTable ||
         kind == StatementKind::CreateStreamAsSelect || kind == StatementKind::CreateTableAsSelect;
}

std::optional<std::string> ParsedStatement::property(const std::string& key) const {
  const auto found = properties.find(key);
  if (found == properties.end()) {
    return std::nullopt;
  }
  return found->second;
}

ParsedStatement parse_statement(const Statement& statement) {
  const std::vector<Token> tokens = tokenize(statement.text);
  Cursor cursor(tokens, statement.line);
  ParsedStatement parsed;
  parsed.line = statement.line;
  if (cursor.accept("CREATE")) {
    read_create(cursor, parsed);
  } else if (cursor.accept("INSERT")) {
    read_insert(cursor, parsed);
  } else if (cursor.accept("SET")) {
    read_set(cursor, parsed);
  }
  return parsed;
}

}  // namespace ytpipe::ksql
