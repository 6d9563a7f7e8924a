// The migrations as ksql-migrations and the server take them: names and versions, statement
// endings, the order streams and tables are created in, and where each query writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "migration_project.hpp"

namespace ytpipe::ksql {
namespace {

const std::filesystem::path kKsqlDir = std::filesystem::path(YTPIPE_SOURCE_DIR) / "ksql";
const std::filesystem::path kMigrationsDir = kKsqlDir / "migrations";
constexpr long long kThirtyDaysMs = 30LL * 24 * 60 * 60 * 1000;

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) {
    text += line + "\n";
  }
  return text;
}

std::vector<std::string> catalog_problems(const std::vector<LocatedStatement>& statements) {
  Catalog catalog;
  std::vector<std::string> problems;
  for (const LocatedStatement& statement : statements) {
    const std::vector<std::string> found = catalog.apply(statement);
    problems.insert(problems.end(), found.begin(), found.end());
  }
  return problems;
}

LocatedStatement reparsed(LocatedStatement statement, const std::string& from,
                          const std::string& to) {
  const std::size_t at = statement.statement.text.find(from);
  EXPECT_NE(at, std::string::npos) << "\"" << from << "\" not in " << statement.where;
  if (at != std::string::npos) {
    statement.statement.text.replace(at, from.size(), to);
  }
  statement.parsed = parse_statement(statement.statement);
  return statement;
}

std::size_t index_of(const std::vector<LocatedStatement>& statements, const std::string& name,
                     StatementKind kind) {
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (statements[i].parsed.name == name && statements[i].parsed.kind == kind) {
      return i;
    }
  }
  ADD_FAILURE() << "no statement of that kind creates " << name;
  return 0;
}

class Migrations : public ::testing::Test {
 protected:
  void SetUp() override { statements_ = read_migrations(kMigrationsDir); }

  std::vector<LocatedStatement> statements_;
};

TEST(MigrationNames, TheProjectFollowsTheToolsNamingAndNumbering) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kMigrationsDir)) {
    names.push_back(entry.path().filename().string());
  }

  EXPECT_FALSE(names.empty());
  EXPECT_EQ(joined(check_migration_names(names)), "");
  EXPECT_TRUE(std::filesystem::is_regular_file(kKsqlDir / "ksql-migrations.properties"));
}

TEST(MigrationNames, BadNamesGapsAndDuplicatesAreEachReported) {
  const auto problems_for = [](std::vector<std::string> names) {
    return joined(check_migration_names(names));
  };

  EXPECT_EQ(problems_for({"V000001__a.sql", "V000002__b.sql"}), "");
  EXPECT_NE(problems_for({"V000001__a.sql", "V000003__c.sql"}).find("V000003__c.sql"),
            std::string::npos);
  EXPECT_NE(problems_for({"V000002__b.sql"}).find("expected version 1"), std::string::npos);
  EXPECT_NE(problems_for({"V000001__a.sql", "V000001__b.sql"}).find("also used by"),
            std::string::npos);
  for (const char* bad : {"V1__a.sql", "V0000001__a.sql", "V000001_a.sql", "V000001__.sql",
                          "v000001__a.sql", "V000001__a.ksql", "V000001__a b.sql", "README.md"}) {
    EXPECT_NE(problems_for({bad}).find(bad), std::string::npos) << bad;
  }
}

TEST_F(Migrations, EveryStatementEndsWithASemicolonAndIsOneTheChecksUnderstand) {
  ASSERT_FALSE(statements_.empty());
  for (const LocatedStatement& statement : statements_) {
    EXPECT_TRUE(statement.statement.terminated) << statement.where << ": no closing ';'";
    EXPECT_NE(statement.parsed.kind, StatementKind::Other)
        << statement.where << ": not a CREATE, INSERT INTO ... SELECT or SET the checks follow";
  }
}

TEST_F(Migrations, EveryQueryReadsItsInputFromTheEarliestRecord) {
  std::map<std::string, std::string> offset_reset;  // per file: SET so far
  for (const LocatedStatement& statement : statements_) {
    const ParsedStatement& parsed = statement.parsed;
    if (parsed.kind == StatementKind::SetProperty && parsed.property("auto.offset.reset")) {
      offset_reset[statement.file] = *parsed.property("auto.offset.reset");
    }
    if (parsed.is_query()) {
      EXPECT_EQ(offset_reset[statement.file], "earliest")
          << statement.where << ": starts at ksqlDB's default offset (latest), so records "
          << "already in its input would never be counted";
    }
  }
}

TEST_F(Migrations, EachFileOpensWithACommentSayingWhatItCreates) {
  for (const MigrationFile& file : list_migrations(kMigrationsDir)) {
    std::ifstream in(file.path);
    std::string first_line;
    std::getline(in, first_line);
    EXPECT_EQ(first_line.rfind("-- Creates ", 0), 0u) << file.path.filename();
  }
}

TEST_F(Migrations, StatementsUseOnlyEarlierStreamsAndTablesAndNeverWriteWhatTheyRead) {
  EXPECT_EQ(joined(catalog_problems(statements_)), "");
}

TEST_F(Migrations, ReadingAStreamBeforeItIsCreatedIsReported) {
  std::vector<LocatedStatement> swapped = statements_;
  const std::size_t table = index_of(swapped, "VIDEO_STATS", StatementKind::CreateTableAsSelect);
  const std::size_t stream = index_of(swapped, "YOUTUBE_VIDEOS", StatementKind::CreateStream);
  std::swap(swapped[table], swapped[stream]);

  EXPECT_NE(joined(catalog_problems(swapped)).find("reads YOUTUBE_VIDEOS, which no earlier"),
            std::string::npos);
}

TEST_F(Migrations, AQueryWritingIntoItsOwnInputTopicIsReported) {
  std::vector<LocatedStatement> looped = statements_;
  const std::size_t table = index_of(looped, "VIDEO_STATS", StatementKind::CreateTableAsSelect);
  looped[table] = reparsed(looped[table], "'youtube_video_stats'", "'youtube_videos'");

  EXPECT_NE(joined(catalog_problems(looped)).find("writes to topic youtube_videos"),
            std::string::npos);
}

TEST_F(Migrations, AQueryWritingIntoATopicUpstreamOfItIsReported) {
  std::vector<LocatedStatement> looped = statements_;
  const std::size_t changes =
      index_of(looped, "VIDEO_CHANGES", StatementKind::CreateStreamAsSelect);
  looped[changes] = reparsed(looped[changes], "'youtube_video_changes'", "'youtube_videos'");

  EXPECT_NE(joined(catalog_problems(looped)).find("writes to topic youtube_videos"),
            std::string::npos);
}

TEST_F(Migrations, AnInsertWhoseColumnsDifferFromItsTargetIsReported) {
  std::vector<LocatedStatement> changed = statements_;
  const auto insert = std::find_if(changed.begin(), changed.end(), [](const auto& statement) {
    return statement.parsed.kind == StatementKind::InsertIntoSelect;
  });
  ASSERT_NE(insert, changed.end());
  *insert = reparsed(*insert, "AS current_value", "AS latest_value");

  EXPECT_NE(joined(catalog_problems(changed)).find("LATEST_VALUE"), std::string::npos);
}

TEST_F(Migrations, TheChangelogStreamDeclaresExactlyTheColumnsTheTableWrites) {
  Catalog catalog;
  for (const LocatedStatement& statement : statements_) {
    catalog.apply(statement);
  }
  const Relation* table = catalog.find("VIDEO_STATS");
  const Relation* changelog = catalog.find("VIDEO_STATS_CHANGELOG");
  ASSERT_NE(table, nullptr);
  ASSERT_NE(changelog, nullptr);

  EXPECT_EQ(changelog->topic, table->topic);
  ASSERT_EQ(changelog->columns.size(), table->columns.size());
  for (std::size_t i = 0; i < table->columns.size(); ++i) {
    const Column& written = table->columns[i];
    const Column& declared = changelog->columns[i];
    EXPECT_FALSE(written.type.empty()) << written.name << ": type not inferred";
    EXPECT_EQ(declared.name, written.name);
    EXPECT_EQ(declared.type, written.type) << written.name;
    EXPECT_EQ(declared.key, written.key) << written.name;
  }
}

TEST_F(Migrations, LatestAndPreviousComeFromTheTwoNewestValuesWithNullsKept) {
  const LocatedStatement& table =
      statements_[index_of(statements_, "VIDEO_STATS", StatementKind::CreateTableAsSelect)];
  int pairs = 0;
  for (const Projection& item : table.parsed.projection) {
    std::string expression;
    for (const Token& token : item.expression) {
      expression += token.text;
    }
    if (item.name.size() > 9 && item.name.ends_with("_PREVIOUS")) {
      const std::string metric = item.name.substr(0, item.name.size() - 9);
      std::string lower = metric;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      EXPECT_EQ(expression, "LATEST_BY_OFFSET(" + lower + ",2,false)[-2]") << item.name;
      ++pairs;
    }
  }
  EXPECT_EQ(pairs, 5);  // views, likes, comments, favorites, fetched_at
}

TEST_F(Migrations, QueryTopicsKeepStatisticsAtMostThirtyDays) {
  for (const LocatedStatement& statement : statements_) {
    const ParsedStatement& parsed = statement.parsed;
    const bool takes_retention =
        parsed.kind == StatementKind::CreateStreamAsSelect ||
        (parsed.kind == StatementKind::CreateTableAsSelect && parsed.windowed);
    if (!takes_retention) {
      continue;  // ksqlDB accepts RETENTION_MS only for streams and windowed tables
    }
    const std::optional<std::string> retention = parsed.property("RETENTION_MS");
    ASSERT_TRUE(retention.has_value()) << statement.where << ": no RETENTION_MS";
    const long long ms = std::stoll(*retention);
    EXPECT_GT(ms, 0) << statement.where;
    EXPECT_LE(ms, kThirtyDaysMs) << statement.where;
  }
}

TEST_F(Migrations, ExampleManifestsSendToTheTopicTheStreamReads) {
  Catalog catalog;
  for (const LocatedStatement& statement : statements_) {
    catalog.apply(statement);
  }
  const Relation* input = catalog.find("YOUTUBE_VIDEOS");
  ASSERT_NE(input, nullptr);

  const std::filesystem::path manifests = std::filesystem::path(YTPIPE_SOURCE_DIR) / "manifests";
  // The topic of each kafka sink: the first `topic = "..."` after its plugin line, before the
  // next [[section]].
  const std::regex kafka_topic(
      R"re(plugin\s*=\s*"kafka"(?:(?!\[\[)[\s\S])*?\btopic\s*=\s*"([^"]+)")re");
  int checked = 0;
  if (std::filesystem::is_directory(manifests)) {
    for (const auto& entry : std::filesystem::directory_iterator(manifests)) {
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string manifest = text.str();
      for (std::sregex_iterator it(manifest.begin(), manifest.end(), kafka_topic), end; it != end;
           ++it) {
        EXPECT_EQ((*it)[1].str(), input->topic) << entry.path();
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0) << "no example manifest in " << manifests << " has a kafka sink";
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ksql/README.md tells users to apply the migrations from the compose stack's CLI container; that
// only works while the stack serves the URL in ksql-migrations.properties and mounts this folder
// where the README's command looks for it.
TEST(ComposeStack, ServesTheConfiguredServerAndMountsTheMigrationsWhereTheReadmeSays) {
  const std::filesystem::path compose =
      std::filesystem::path(YTPIPE_SOURCE_DIR) / "docker-compose.yml";
  ASSERT_TRUE(std::filesystem::is_regular_file(compose)) << compose;
  const std::string stack = file_text(compose);
  const std::string properties = file_text(kKsqlDir / "ksql-migrations.properties");
  const std::string readme = file_text(kKsqlDir / "README.md");

  std::smatch url;
  ASSERT_TRUE(std::regex_search(properties, url,
                                std::regex(R"(ksql\.server\.url=https?://([A-Za-z0-9_.-]+):)")));
  EXPECT_TRUE(std::regex_search(stack, std::regex("\n  " + url[1].str() + ":\n")))
      << "docker-compose.yml has no service " << url[1];

  std::smatch mount;
  ASSERT_TRUE(std::regex_search(stack, mount, std::regex(R"(- \./ksql:(/[^:\s]+))")))
      << "docker-compose.yml mounts no ./ksql folder";
  EXPECT_NE(readme.find("-c " + mount[1].str() + "/ksql-migrations.properties"), std::string::npos)
      << "README.md does not apply from the mounted folder " << mount[1];
}

}  // namespace
}  // namespace ytpipe::ksql
