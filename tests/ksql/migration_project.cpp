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

// Types the expression shapes the migrations use: columns, string literals, the offset and
// counting aggregates (optionally subscripted), and sums or differences of numeric ones.
// Anything else is unknown (""), which the checks treat as "not compared".
class ExpressionTyper {
 public:
  ExpressionTyper(const std::vector<Token>& expression, const std::vector<const Relation*>& sources)
      : expression_(expression), sources_(sources) {}

  std::string type() {
    if (expression_.empty()) {
      return "";
    }
    const std::string first = term();
    while (at_ < expression_.size()) {
      const bool arithmetic = expression_[at_].is("+") || expression_[at_].is("-");
      if (!arithmetic || at_ + 1 >= expression_.size()) {
        return "";
      }
      ++at_;
      if (term() != first || first == "VARCHAR") {
        return "";
      }
    }
    return first;
  }

 private:
  std::string column_type(const Token& token) const {
    for (const Relation* source : sources_) {
      for (const Column& column : source->columns) {
        if (column.name == identifier_name(token)) {
          return column.type;
        }
      }
    }
    return "";
  }

  // Reads the term at at_, moving past it.
  std::string term() {
    const Token& first = expression_[at_];
    if (first.kind == TokenKind::String) {
      ++at_;
      return "VARCHAR";
    }
    if (at_ + 1 < expression_.size() && expression_[at_ + 1].is("(")) {
      return call();
    }
    ++at_;
    if (at_ + 1 < expression_.size() && expression_[at_].is(".")) {  // source.column
      at_ += 2;
      return column_type(expression_[at_ - 1]);
    }
    return first.kind == TokenKind::Word ? column_type(first) : "";
  }

  std::string call() {
    const std::size_t start = at_;
    const Token& function = expression_[start];
    const Token& argument = expression_[start + 2];
    const std::size_t close = after_group(expression_, start + 1);
    at_ = close;
    const bool subscripted = at_ < expression_.size() && expression_[at_].is("[");
    if (subscripted) {
      at_ = after_group(expression_, at_);
    }

    if (function.is("COUNT") || function.is("COUNT_DISTINCT")) {
      return "BIGINT";
    }
    if (function.is("TIMESTAMPTOSTRING")) {
      return "VARCHAR";
    }
    if (function.is("SUM") || function.is("MIN") || function.is("MAX")) {
      return column_type(argument);
    }
    if (function.is("LATEST_BY_OFFSET") || function.is("EARLIEST_BY_OFFSET")) {
      // (col, n[, ignoreNulls]) returns an ARRAY of the n values; (col[, ignoreNulls]) one value.
      const std::string element = column_type(argument);
      const bool array = start + 4 < close && expression_[start + 3].is(",") &&
                         expression_[start + 4].kind == TokenKind::Number;
      return array && !subscripted && !element.empty() ? "ARRAY<" + element + ">" : element;
    }
    return "";
  }

  const std::vector<Token>& expression_;
  const std::vector<const Relation*>& sources_;
  std::size_t at_ = 0;
};

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
    columns.push_back(
        {item.name, ExpressionTyper(item.expression, sources).type(), keys.count(item.name) > 0});
  }
  return columns;
}

}  // namespace ytpipe::ksql
