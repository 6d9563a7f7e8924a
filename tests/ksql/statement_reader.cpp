#include "statement_reader.hpp"

#include <algorithm>
#include <cctype>

namespace ytpipe::ksql {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string trimmed(std::string_view text) {
  const auto first = std::find_if_not(text.begin(), text.end(), is_space);
  const auto last = std::find_if_not(text.rbegin(), text.rend(), is_space).base();
  return first < last ? std::string(first, last) : std::string();
}

std::size_t line_at(std::string_view script, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(script.begin(), script.begin() + offset, '\n'));
}

// Returns the offset just past the literal opened by `quote` at `start`; a doubled quote inside
// stands for one quote character.
std::size_t skip_quoted(std::string_view script, std::size_t start, char quote) {
  std::size_t at = start + 1;
  while (at < script.size()) {
    if (script[at] != quote) {
      ++at;
      continue;
    }
    if (at + 1 < script.size() && script[at + 1] == quote) {
      at += 2;
      continue;
    }
    return at + 1;
  }
  const char* what = quote == '\'' ? "string literal" : "quoted identifier";
  throw ScriptError("line " + std::to_string(line_at(script, start)) + ": unclosed " + what +
                    " (expected a closing " + quote + ")");
}

std::size_t skip_comment(std::string_view script, std::size_t start) {
  if (script[start + 1] == '-') {
    const std::size_t end = script.find('\n', start);
    return end == std::string_view::npos ? script.size() : end;
  }
  const std::size_t end = script.find("*/", start + 2);
  if (end == std::string_view::npos) {
    throw ScriptError("line " + std::to_string(line_at(script, start)) +
                      ": unclosed /* comment (expected */)");
  }
  return end + 2;
}

bool comment_starts(std::string_view script, std::size_t at) {
  if (at + 1 >= script.size()) {
    return false;
  }
  return (script[at] == '-' && script[at + 1] == '-') ||
         (script[at] == '/' && script[at + 1] == '*');
}

// The start of the first character that is neither whitespace nor part of a comment.
std::size_t first_content(std::string_view script, std::size_t from, std::size_t to) {
  std::size_t at = from;
  while (at < to) {
    if (is_space(script[at])) {
      ++at;
    } else if (comment_starts(script, at)) {
      at = skip_comment(script, at);
    } else {
      return at;
    }
  }
  return to;
}

}  // namespace

std::vector<Statement> split_statements(std::string_view script) {
  std::vector<Statement> statements;
  std::string current;
  std::size_t start = 0;
  std::size_t at = 0;

  auto finish = [&](bool terminated) {
    std::string text = trimmed(current);
    if (!text.empty()) {
      statements.push_back(
          {std::move(text), line_at(script, first_content(script, start, at)), terminated});
    }
    current.clear();
    start = at + 1;
  };

  while (at < script.size()) {
    const char c = script[at];
    if (c == '\'' || c == '`' || c == '"') {
      const std::size_t end = skip_quoted(script, at, c);
      current.append(script.substr(at, end - at));
      at = end;
    } else if (comment_starts(script, at)) {
      at = skip_comment(script, at);
      current.push_back(' ');
    } else if (c == ';') {
      finish(true);
      ++at;
    } else {
      current.push_back(c);
      ++at;
    }
  }
  finish(false);
  return statements;
}

bool Token::is(std::string_view symbol_or_keyword) const {
  if (kind == TokenKind::String || kind == TokenKind::QuotedIdentifier) {
    return false;
  }
  return std::equal(text.begin(), text.end(), symbol_or_keyword.begin(), symbol_or_keyword.end(),
                    [](char a, char b) {
                      return std::toupper(static_cast<unsigned char>(a)) ==
                             std::toupper(static_cast<unsigned char>(b));
                    });
}

namespace {

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

std::string unquote(std::string_view literal) {
  const char quote = literal.front();
  std::string value;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    value.push_back(literal[i]);
    if (literal[i] == quote) {
      ++i;  // the second of a doubled quote
    }
  }
  return value;
}

std::size_t symbol_length(std::string_view text, std::size_t at) {
  static constexpr std::string_view kTwoCharSymbols[] = {"->", "<=", ">=", "<>",
                                                         "!=", "||", "=>", ":="};
  for (std::string_view symbol : kTwoCharSymbols) {
    if (text.substr(at, 2) == symbol) {
      return 2;
    }
  }
  return 1;
}

}  // namespace

std::vector<Token> tokenize(std::string_view statement) {
  std::vector<Token> tokens;
  std::size_t at = 0;
  while (at < statement.size()) {
    const char c = statement[at];
    if (is_space(c)) {
      ++at;
    } else if (c == '\'' || c == '`' || c == '"') {
      const std::size_t end = skip_quoted(statement, at, c);
      const TokenKind kind = c == '\'' ? TokenKind::String : TokenKind::QuotedIdentifier;
      tokens.push_back({kind, unquote(statement.substr(at, end - at))});
      at = end;
    } else if (is_word_char(c)) {
      std::size_t end = at;
      while (end < statement.size() && is_word_char(statement[end])) {
        ++end;
      }
      const bool number = std::isdigit(static_cast<unsigned char>(c)) != 0;
      tokens.push_back({number ? TokenKind::Number : TokenKind::Word,
                        std::string(statement.substr(at, end - at))});
      at = end;
    } else {
      const std::size_t length = symbol_length(statement, at);
      tokens.push_back({TokenKind::Symbol, std::string(statement.substr(at, length))});
      at += length;
    }
  }
  return tokens;
}

}  // namespace ytpipe::ksql
