// A ksql-migrations project as the tool and the server see it: the migration files in version
// order, and a catalog of the streams and tables their statements create, built statement by
// statement so that every rule is checked against only what exists at that point.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "statement_model.hpp"

namespace ytpipe::ksql {

struct MigrationFile {
  std::filesystem::path path;
  int version = 0;
  std::string description;
};

// Problems with a folder's file names as ksql-migrations reads them: each must be
// V<6 digits>__<description>.sql, versions consecutive from 1 with no gaps or duplicates.
// An empty result means the names are right.
std::vector<std::string> check_migration_names(const std::vector<std::string>& file_names);

// The files of `folder` sorted by version. Throws std::runtime_error on a name that
// check_migration_names rejects.
std::vector<MigrationFile> list_migrations(const std::filesystem::path& folder);

struct LocatedStatement {
  std::string file;   // "V000002__create_video_stats_table.sql"
  std::string where;  // "V000002__create_video_stats_table.sql:16"
  Statement statement;
  ParsedStatement parsed;
};

// Every statement of every migration, in the order the tool applies them.
std::vector<LocatedStatement> read_migrations(const std::filesystem::path& folder);

// A stream or table in the catalog.
struct Relation {
  std::string name;
  bool table = false;
  std::string topic;
  std::vector<Column> columns;  // declared, or the query's output (type empty when unknown)
};

class Catalog {
 public:
  // Adds what `statement` creates, as ksqlDB would, and returns the rules it breaks: a source or
  // INSERT target that does not exist yet, a name created twice, a query writing to a topic it
  // reads (directly or through earlier queries), an INSERT whose columns differ from its target.
  std::vector<std::string> apply(const LocatedStatement& statement);

  const Relation* find(const std::string& name) const;

  // Every topic the records of `topic` are computed from, following the queries writing into it.
  std::set<std::string> upstream_topics(const std::string& topic) const;

 private:
  std::set<std::string> input_topics(const LocatedStatement& query,
                                     std::vector<std::string>& problems) const;
  std::optional<std::string> add_relation(const LocatedStatement& create,
                                          std::vector<std::string>& problems);
  std::optional<std::string> check_insert(const LocatedStatement& insert,
                                          std::vector<std::string>& problems) const;
  void add_query_output(const LocatedStatement& query, const std::string& sink,
                        const std::set<std::string>& inputs, std::vector<std::string>& problems);
  std::vector<Column> output_columns(const ParsedStatement& query) const;

  std::map<std::string, Relation> relations_;
  std::map<std::string, std::set<std::string>> topic_inputs_;  // sink topic -> its queries' inputs
};

}  // namespace ytpipe::ksql
