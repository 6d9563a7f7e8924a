#include "migration_project.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace ytpipe::ksql {
namespace {

const std::regex kMigrationName(R"(V([0-9]{6})__([A-Za-z0-9_]+)\.sql)");

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(path.string() + ": cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string listed(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    text += (text.empty() ? "" : ", ") + name;
  }
  return text;
}

std::string listed_columns(const std::vector<Column>& columns) {
  std::string text;
  for (const Column& column : columns) {
    text += " " + column.name + ":" + (column.type.empty() ? "?" : column.type);
  }
  return text;
}

// The position just past the parenthesised group opening at `open`.
std::size_t after_group(const std::vector<Token>& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    depth += tokens[i].is("(") || tokens[i].is("[") ? 1 : 0;
    depth -= tokens[i].is(")") || tokens[i].is("]") ? 1 : 0;
    if (depth == 0) {
      return i + 1;
    }
  }
  return tokens.size();
}

std::size_t top_level_arguments(const std::vector<Token>& tokens, std::size_t open,
                                std::size_t close) {
  std::size_t arguments = 1;
  int depth = 0;
  for (std::size_t i = open + 1; i + 1 < close; ++i) {
    depth += tokens[i].is("(") ? 1 : 0;
    depth -= tokens[i].is(")") ? 1 : 0;
    arguments += depth == 0 && tokens[i].is(",") ? 1 : 0;
  }
  return arguments;
}

}  // namespace

std::vector<std::string> check_migration_names(const std::vector<std::string>& file_names) {
  std::vector<std::string> problems;
  std::map<int, std::string> by_version;
  for (const std::string& name : file_names) {
    std::smatch match;
    if (!std::regex_match(name, match, kMigrationName)) {
      problems.push_back(name + ": expected V<6 digits>__<description>.sql, e.g. " +
                         "V000001__create_streams.sql");
      continue;
    }
    const int version = std::stoi(match[1].str());
    const auto [it, added] = by_version.emplace(version, name);
    if (!added) {
      problems.push_back(name + ": version " + match[1].str() + " is also used by " + it->second);
    }
  }

  int expected = 1;
  for (const auto& [version, name] : by_version) {
    if (version != expected) {
      problems.push_back(name + ": expected version " + std::to_string(expected) + " next, found " +
                         std::to_string(version) + " (versions run 1, 2, 3, ... without gaps)");
    }
    expected = version + 1;
  }
  return problems;
}

std::vector<MigrationFile> list_migrations(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  const std::vector<std::string> problems = check_migration_names(names);
  if (!problems.empty()) {
    throw std::runtime_error(folder.string() + ": " + problems.front());
  }

  std::vector<MigrationFile> files;
  for (const std::string& name : names) {
    std::smatch match;
    std::regex_match(name, match, kMigrationName);
    files.push_back({folder / name, std::stoi(match[1].str()), match[2].str()});
  }
  std::sort(files.begin(), files.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.version < b.version; });
  return files;
}

std::vector<LocatedStatement> read_migrations(const std::filesystem::path& folder) {
  std::vector<LocatedStatement> located;
  for (const MigrationFile& file : list_migrations(folder)) {
    const std::string name = file.path.filename().string();
    std::vector<Statement> statements;
    try {
      statements = split_statements(read_text(file.path));
    } catch (const ScriptError& e) {
      throw ScriptError(name + ": " + e.what());
    }
    for (Statement& statement : statements) {
      std::string where = name + ":" + std::to_string(statement.line);
      ParsedStatement parsed = parse_statement(statement);
      located.push_back({name, std::move(where), std::move(statement), std::move(parsed)});
    }
  }
  return located;
}

const Relation* Catalog::find(const std::string& name) const {
  const auto found = relations_.find(name);
  return found == relations_.end() ? nullptr : &found->second;
}

std::vector<std::string> Catalog::apply(const LocatedStatement& located) {
  const ParsedStatement& parsed = located.parsed;
  std::vector<std::string> problems;
  if (!parsed.creates() && parsed.kind != StatementKind::InsertIntoSelect) {
    return problems;
  }

  // Sources are resolved before the statement's own relation exists: nothing reads itself.
  const std::set<std::string> inputs = input_topics(located, problems);
  const std::optional<std::string> sink = parsed.kind == StatementKind::InsertIntoSelect
                                              ? check_insert(located, problems)
                                              : add_relation(located, problems);
  if (parsed.is_query() && sink) {
    add_query_output(located, *sink, inputs, problems);
  }
  return problems;
}

std::set<std::string> Catalog::upstream_topics(const std::string& topic) const {
  std::set<std::string> upstream;
  std::vector<std::string> pending{topic};
  while (!pending.empty()) {
    const auto inputs = topic_inputs_.find(pending.back());
    pending.pop_back();
    if (inputs == topic_inputs_.end()) {
      continue;
    }
    for (const std::string& input : inputs->second) {
      if (upstream.insert(input).second) {
        pending.push_back(input);
      }
    }
  }
  return upstream;
}

std::set<std::string> Catalog::input_topics(const LocatedStatement& query,
                                            std::vector<std::string>& problems) const {
  std::set<std::string> topics;
  for (const std::string& source : query.parsed.sources) {
    const Relation* relation = find(source);
    if (relation == nullptr) {
      problems.push_back(query.where + ": reads " + source +
                         ", which no earlier statement creates");
      continue;
    }
    topics.insert(relation->topic);
  }
  return topics;
}

std::optional<std::string> Catalog::add_relation(const LocatedStatement& create,
                                                 std::vector<std::string>& problems) {
  const ParsedStatement& parsed = create.parsed;
  if (find(parsed.name) != nullptr) {
    problems.push_back(create.where + ": creates " + parsed.name + ", which already exists");
  }

  Relation relation;
  relation.name = parsed.name;
  relation.table = parsed.kind == StatementKind::CreateTable ||
                   parsed.kind == StatementKind::CreateTableAsSelect;
  relation.topic = parsed.property("KAFKA_TOPIC").value_or(parsed.name);
  relation.columns = parsed.is_query() ? output_columns(parsed) : parsed.columns;
  std::string topic = relation.topic;
  relations_[relation.name] = std::move(relation);
  return topic;
}

// ksqlDB accepts INSERT INTO only when the query's columns are the target's, in order.
std::optional<std::string> Catalog::check_insert(const LocatedStatement& insert,
                                                 std::vector<std::string>& problems) const {
  const Relation* target = find(insert.parsed.name);
  if (target == nullptr) {
    problems.push_back(insert.where + ": inserts into " + insert.parsed.name +
                       ", which no earlier statement creates");
    return std::nullopt;
  }

  const std::vector<Column> columns = output_columns(insert.parsed);
  const auto same_column = [](const Column& a, const Column& b) {
    return a.name == b.name && (a.type.empty() || b.type.empty() || a.type == b.type);
  };
  if (!std::equal(columns.begin(), columns.end(), target->columns.begin(), target->columns.end(),
                  same_column)) {
    problems.push_back(insert.where + ": INSERT INTO " + insert.parsed.name + " projects" +
                       listed_columns(columns) + "; expected the target's columns" +
                       listed_columns(target->columns));
  }
  return target->topic;
}

void Catalog::add_query_output(const LocatedStatement& query, const std::string& sink,
                               const std::set<std::string>& inputs,
                               std::vector<std::string>& problems) {
  std::set<std::string> read = inputs;
  for (const std::string& input : inputs) {
    const std::set<std::string> upstream = upstream_topics(input);
    read.insert(upstream.begin(), upstream.end());
  }
  if (read.count(sink) != 0) {
    problems.push_back(query.where + ": writes to topic " + sink +
                       ", which it reads from (its input topics: " + listed(read) + ")");
  }
  topic_inputs_[sink].insert(inputs.begin(), inputs.end());
}

std::vector<Column> Catalog::output_columns(const ParsedStatement& query) const {
  std::vector<const Relation*> sources;
  for (const std::string& name : query.sources) {
    if (const Relation* relation = find(name)) {
      sources.push_back(relation);
    }
  }

  std::set<std::string> keys(query.group_by.begin(), query.group_by.end());
  if (query.group_by.empty()) {
    for (const Relation* source : sources) {
      for (const Column& column : source->columns) {
        if (column.key) {
          keys.insert(column.name);
        }
      }
    }
  }

  std::vector<Column> columns;
  for (const Projection& item : query.projection) {
    columns.push_back({item.name, infer_type(item.expression, sources), keys.count(item.name) > 0});
  }
  return columns;
}

// Types of the expression shapes the migrations use: columns, literals, the offset and counting
// aggregates (optionally subscripted), and sums or differences of those. Anything else is
// unknown (""), which the checks treat as "not compared".
std::string Catalog::infer_type(const std::vector<Token>& expression,
                                const std::vector<const Relation*>& sources) const {
  auto column_type = [&](const Token& token) -> std::string {
    for (const Relation* source : sources) {
      for (const Column& column : source->columns) {
        if (column.name == identifier_name(token)) {
          return column.type;
        }
      }
    }
    return "";
  };

  // Reads one term at `at`; returns its type ("" when unknown) and moves `at` past it.
  auto term = [&](std::size_t& at) -> std::string {
    const Token& first = expression[at];
    if (first.kind == TokenKind::String) {
      ++at;
      return "VARCHAR";
    }
    const bool call = at + 1 < expression.size() && expression[at + 1].is("(");
    if (!call) {
      ++at;
      if (at + 1 < expression.size() && expression[at].is(".")) {
        at += 2;
        return column_type(expression[at - 1]);
      }
      return first.kind == TokenKind::Word ? column_type(first) : "";
    }

    const std::size_t start = at;
    const std::size_t close = after_group(expression, start + 1);
    const std::size_t arguments = top_level_arguments(expression, start + 1, close);
    const Token& argument = expression[start + 2];
    at = close;
    const bool subscripted = at < expression.size() && expression[at].is("[");
    if (subscripted) {
      at = after_group(expression, at);
    }

    if (first.is("COUNT") || first.is("COUNT_DISTINCT")) {
      return "BIGINT";
    }
    if (first.is("TIMESTAMPTOSTRING")) {
      return "VARCHAR";
    }
    if (first.is("SUM") || first.is("MIN") || first.is("MAX")) {
      return column_type(argument);
    }
    if (first.is("LATEST_BY_OFFSET") || first.is("EARLIEST_BY_OFFSET")) {
      const std::string element = column_type(argument);
      // LATEST_BY_OFFSET(col, n, ...) returns an ARRAY of the n latest; (col, ignoreNulls) does
      // not.
      const bool array = arguments >= 2 && start + 4 < close && expression[start + 3].is(",") &&
                         expression[start + 4].kind == TokenKind::Number;
      return array && !subscripted && !element.empty() ? "ARRAY<" + element + ">" : element;
    }
    return "";
  };

  if (expression.empty()) {
    return "";
  }
  std::size_t at = 0;
  const std::string type = term(at);
  while (at < expression.size()) {
    if (!(expression[at].is("+") || expression[at].is("-")) || at + 1 >= expression.size()) {
      return "";
    }
    ++at;
    if (term(at) != type || type == "VARCHAR") {
      return "";
    }
  }
  return type;
}

}  // namespace ytpipe::ksql
