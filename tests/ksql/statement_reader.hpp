// Reads ksqlDB scripts the way the server and ksql-migrations split them: statements end at a
// ';' outside string literals ('...', with '' for a quote), quoted identifiers (`...`) and
// comments (-- to the end of the line, /* ... */).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ytpipe::ksql {

// A script that cannot be split: an unclosed string, identifier or comment.
class ScriptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Statement {
  std::string text;         // comments replaced by a space, whitespace trimmed, ';' not included
  std::size_t line = 0;     // 1-based line where the statement starts
  bool terminated = false;  // false only for trailing text with no ';' after it
};

// Splits `script` into its statements; blank and comment-only stretches yield none.
// Throws ScriptError naming the line where an unclosed literal or comment starts.
std::vector<Statement> split_statements(std::string_view script);

enum class TokenKind { Word, Number, String, QuotedIdentifier, Symbol };

struct Token {
  TokenKind kind;
  std::string text;  // String: the literal's value ('' unescaped); Symbol: "->", "<=", "(", ...

  bool is(std::string_view symbol_or_keyword) const;  // keywords compare case-insensitively
};

// Splits one statement's text into tokens. Throws ScriptError on an unclosed literal.
std::vector<Token> tokenize(std::string_view statement);

}  // namespace ytpipe::ksql
