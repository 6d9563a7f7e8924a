// The stream every migration builds on, YOUTUBE_VIDEOS, held to the records ytpipe produces:
// the YouTube source reading the bundled API simulator, through the host, into the file sink.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <random>

#include "migration_project.hpp"
#include "produced_records.hpp"
#include "record_schema.hpp"

namespace ytpipe::ksql {
namespace {

const std::filesystem::path kMigrationsDir =
    std::filesystem::path(YTPIPE_SOURCE_DIR) / "ksql" / "migrations";

// Enough entries that the simulator's quirks (hidden likes, disabled comments, missing
// thumbnails, deleted and private items) show up among them.
constexpr int kPlaylistSize = 60;

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) {
    text += line + "\n";
  }
  return text;
}

Poco::JSON::Object::Ptr parse_object(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr copy_of(const Poco::JSON::Object::Ptr& record) {
  std::ostringstream text;
  record->stringify(text);
  return parse_object(text.str());
}

// A schema v1 record written out by hand: what the mutation tests start from when the real
// pipeline is not part of this build.
const char* const kHandWrittenRecord = R"({
  "video_id": "dQw4w9WgXcQ", "playlist_id": "PLhandwritten", "title": "A title",
  "channel_id": "UCchannel", "channel_title": "A channel",
  "published_at": "2009-10-25T06:57:33Z", "views": 3000000000, "likes": null,
  "comments": 120, "favorites": 0, "thumbnail": null,
  "fetched_at": "2026-12-03T18:44:25.123Z"})";

class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("ytpipe-ksql-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class StreamSchema : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TemporaryFolder work;
    const PipelineParts parts{YTPIPE_HOST_BINARY, YTPIPE_SIMULATOR_BINARY, YTPIPE_PLUGIN_DIR};
    try {
      produced_ =
          new std::vector<std::string>(produce_video_records(parts, work.path(), kPlaylistSize));
    } catch (const std::exception& e) {
      pipeline_error_ = new std::string(e.what());
    }
  }

  static void TearDownTestSuite() {
    delete produced_;
    delete pipeline_error_;
    produced_ = nullptr;
    pipeline_error_ = nullptr;
  }

  void SetUp() override {
    for (const LocatedStatement& statement : read_migrations(kMigrationsDir)) {
      if (statement.parsed.kind == StatementKind::CreateStream &&
          statement.parsed.property("KAFKA_TOPIC") == "youtube_videos") {
        stream_ = statement;
      }
    }
    ASSERT_EQ(stream_.parsed.name, "YOUTUBE_VIDEOS") << "no CREATE STREAM over youtube_videos";
  }

  // The records the pipeline produced; fails the test when it could not run.
  static const std::vector<std::string>& produced() {
    if (pipeline_error_ != nullptr) {
      ADD_FAILURE() << "the pipeline did not run: " << *pipeline_error_;
    }
    static const std::vector<std::string> none;
    return produced_ != nullptr ? *produced_ : none;
  }

  // A record to mutate: the first one the pipeline produced. If it produced none, that failure is
  // already reported and the hand-written record keeps the mutation checks meaningful.
  static Poco::JSON::Object::Ptr sample_record() {
    const std::vector<std::string>& records = produced();
    return parse_object(records.empty() ? kHandWrittenRecord : records.front());
  }

  std::vector<Column> columns_after(const std::string& from, const std::string& to) const {
    Statement changed = stream_.statement;
    const std::size_t at = changed.text.find(from);
    EXPECT_NE(at, std::string::npos) << "\"" << from << "\" not in the CREATE STREAM";
    changed.text.replace(at, from.size(), to);
    return parse_statement(changed).columns;
  }

  LocatedStatement stream_;
  static std::vector<std::string>* produced_;
  static std::string* pipeline_error_;
};

std::vector<std::string>* StreamSchema::produced_ = nullptr;
std::string* StreamSchema::pipeline_error_ = nullptr;

TEST_F(StreamSchema, DeclaresEveryFieldOfEveryRecordTheYouTubeSourceProduces) {
  const std::vector<std::string>& records = produced();
  ASSERT_FALSE(records.empty()) << "the pipeline produced no record";

  for (const std::string& line : records) {
    SCOPED_TRACE(line);
    EXPECT_EQ(joined(compare_columns_with_record(stream_.parsed.columns, *parse_object(line))), "");
  }
}

// The comparison above only proves the nullable and 64-bit columns right if the produced records
// include those cases; the simulator's playlist is chosen so that they do.
TEST_F(StreamSchema, TheProducedRecordsIncludeNullCountsAndViewsPastThirtyTwoBits) {
  const std::vector<std::string>& records = produced();
  int hidden_likes = 0;
  int disabled_comments = 0;
  int beyond_32_bits = 0;
  for (const std::string& line : records) {
    const Poco::JSON::Object::Ptr record = parse_object(line);
    hidden_likes += record->isNull("likes") ? 1 : 0;
    disabled_comments += record->isNull("comments") ? 1 : 0;
    beyond_32_bits +=
        record->getValue<std::int64_t>("views") > std::numeric_limits<std::int32_t>::max() ? 1 : 0;
  }
  RecordProperty("records", static_cast<int>(records.size()));
  RecordProperty("hidden_likes", hidden_likes);
  RecordProperty("disabled_comments", disabled_comments);
  RecordProperty("views_beyond_32_bits", beyond_32_bits);

  EXPECT_GT(hidden_likes, 0);
  EXPECT_GT(disabled_comments, 0);
  EXPECT_GT(beyond_32_bits, 0);
}

TEST_F(StreamSchema, ItsTimestampFormatParsesEveryProducedFetchedAt) {
  const std::vector<std::string>& records = produced();
  ASSERT_FALSE(records.empty()) << "the pipeline produced no record";
  const std::string column = stream_.parsed.property("TIMESTAMP").value_or("");
  const std::string format = stream_.parsed.property("TIMESTAMP_FORMAT").value_or("");
  ASSERT_EQ(column, "fetched_at");

  for (const std::string& line : records) {
    const std::string fetched_at = parse_object(line)->getValue<std::string>("fetched_at");
    EXPECT_TRUE(matches_java_time_pattern(format, fetched_at)) << fetched_at << " vs " << format;
  }
}

TEST_F(StreamSchema, TheHandWrittenRecordMatchesToo) {
  EXPECT_EQ(joined(compare_columns_with_record(stream_.parsed.columns,
                                               *parse_object(kHandWrittenRecord))),
            "");
}

TEST_F(StreamSchema, ARenamedColumnIsReported) {
  const std::vector<Column> renamed =
      columns_after("channel_title VARCHAR", "channel_name VARCHAR");

  const std::string problems = joined(compare_columns_with_record(renamed, *sample_record()));

  EXPECT_NE(problems.find("column CHANNEL_NAME"), std::string::npos) << problems;
  EXPECT_NE(problems.find("\"channel_title\""), std::string::npos) << problems;
}

TEST_F(StreamSchema, ARenamedRecordFieldIsReported) {
  Poco::JSON::Object::Ptr record = copy_of(sample_record());
  record->set("view_count", record->get("views"));
  record->remove("views");

  const std::string problems = joined(compare_columns_with_record(stream_.parsed.columns, *record));

  EXPECT_NE(problems.find("column VIEWS"), std::string::npos) << problems;
  EXPECT_NE(problems.find("\"view_count\""), std::string::npos) << problems;
}

TEST_F(StreamSchema, ARetypedColumnIsReported) {
  const std::vector<Column> retyped = columns_after("views BIGINT", "views VARCHAR");

  const std::string problems = joined(compare_columns_with_record(retyped, *sample_record()));

  EXPECT_NE(problems.find("column VIEWS is VARCHAR"), std::string::npos) << problems;
}

TEST_F(StreamSchema, ARetypedRecordFieldIsReported) {
  Poco::JSON::Object::Ptr record = copy_of(sample_record());
  record->set("favorites", record->get("favorites").toString());  // a count sent as a string

  const std::string problems = joined(compare_columns_with_record(stream_.parsed.columns, *record));

  EXPECT_NE(problems.find("column FAVORITES is BIGINT"), std::string::npos) << problems;
}

TEST_F(StreamSchema, AThirtyTwoBitCountCannotHoldViewsPastTwoToTheThirtyOne) {
  Poco::JSON::Object::Ptr record = copy_of(sample_record());
  record->set("views", std::int64_t{std::numeric_limits<std::int32_t>::max()} + 1);
  const std::vector<Column> narrow = columns_after("views BIGINT", "views INT");

  EXPECT_EQ(joined(compare_columns_with_record(stream_.parsed.columns, *record)), "");
  EXPECT_NE(joined(compare_columns_with_record(narrow, *record)).find("declare it BIGINT"),
            std::string::npos);
}

TEST_F(StreamSchema, NullFitsTheNullableCountsButNotTheKey) {
  Poco::JSON::Object::Ptr record = copy_of(sample_record());
  record->set("likes", Poco::Dynamic::Var());
  record->set("comments", Poco::Dynamic::Var());
  EXPECT_EQ(joined(compare_columns_with_record(stream_.parsed.columns, *record)), "");

  record->set("video_id", Poco::Dynamic::Var());
  EXPECT_NE(joined(compare_columns_with_record(stream_.parsed.columns, *record))
                .find("column VIDEO_ID is a key column"),
            std::string::npos);
}

TEST_F(StreamSchema, TheTimestampFormatNeedsTheMillisecondsAndTheZone) {
  const std::string format = stream_.parsed.property("TIMESTAMP_FORMAT").value_or("");

  EXPECT_TRUE(matches_java_time_pattern(format, "2026-12-03T18:44:25.123Z"));
  EXPECT_FALSE(matches_java_time_pattern(format, "2026-12-03T18:44:25Z"));
  EXPECT_FALSE(matches_java_time_pattern(format, "2026-12-03 18:44:25.123Z"));
  EXPECT_FALSE(matches_java_time_pattern(format, "2026-12-03T18:44:25.123"));
  EXPECT_THROW(matches_java_time_pattern("yyyy-MM-dd EEE", "2026-12-03 Thu"),
               std::invalid_argument);
}

}  // namespace
}  // namespace ytpipe::ksql
