// Whole pipelines through the `ytpipe` executable: the generator source feeding the Kafka sink,
// against a real single-node Apache Kafka broker that the tests freeze, kill and restart. Here
// the promise is "nothing lost, nothing doubled".
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "kafka_broker.hpp"
#include "kafka_client.hpp"

namespace ytpipe::kafka::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kExitSuccess = 0;
constexpr int kExitUndelivered = 75;
constexpr int kExitConfiguration = 78;

// One broker for the whole suite: starting a JVM costs seconds.
KafkaBroker* g_broker = nullptr;

class BrokerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    broker_ = std::make_unique<KafkaBroker>();
    g_broker = broker_.get();
  }
  void TearDown() override {
    g_broker = nullptr;
    broker_.reset();
  }

 private:
  std::unique_ptr<KafkaBroker> broker_;
};

struct Generator {
  int count = 1000;
  int rate = 0;
  std::string key_prefix = "video-";
};

struct RunResult {
  int exit_code = -1;
  std::string log;
};

class KafkaPipeline : public ::testing::Test {
 protected:
  KafkaPipeline() {
    char name[] = "/tmp/ytpipe-kafka-pipeline-XXXXXX";
    folder_ = ::mkdtemp(name);
  }
  ~KafkaPipeline() override { std::filesystem::remove_all(folder_); }

  KafkaBroker& broker() { return *g_broker; }

  // Writes the manifest and returns its path; `extra` lines go into [sink.config].
  std::filesystem::path manifest(const std::string& topic, const Generator& generator,
                                 const std::string& shutdown_timeout = "60s",
                                 const std::string& extra = "") {
    const std::filesystem::path path = folder_ / "manifest.toml";
    std::ofstream(path) << "[host]\n"
                        << "log_level = \"info\"\n"
                        << "shutdown_timeout = \"" << shutdown_timeout << "\"\n"
                        << "data_dir = \"" << (folder_ / "data").string() << "\"\n"
                        << "\n[[source]]\nname = \"numbers\"\nplugin = \"generator\"\n"
                        << "[source.config]\n"
                        << "count = " << generator.count << "\n"
                        << "rate = " << generator.rate << "\n"
                        << "payload_bytes = 200\n"
                        << "key_prefix = \"" << generator.key_prefix << "\"\n"
                        << "\n[[sink]]\nname = \"stream\"\nplugin = \"kafka\"\n"
                        << "[sink.config]\n"
                        << "topic = \"" << topic << "\"\n"
                        << "\"bootstrap.servers\" = \"" << broker().bootstrap() << "\"\n"
                        << extra;
    return path;
  }

  // The 1-based line of the first line of the manifest that starts with `start`.
  static int line_of(const std::filesystem::path& path, const std::string& start) {
    std::ifstream file(path);
    int number = 0;
    for (std::string line; std::getline(file, line);) {
      ++number;
      if (line.rfind(start, 0) == 0) {
        return number;
      }
    }
    return -1;
  }

  std::unique_ptr<ChildProcess> start_ytpipe(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv{YTPIPE_EXECUTABLE};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    std::filesystem::remove(folder_ / "ytpipe.log");
    return std::make_unique<ChildProcess>(
        ChildOptions{.argv = argv, .environment = {}, .output = folder_ / "ytpipe.log"});
  }

  RunResult finish(ChildProcess& process, std::chrono::milliseconds timeout = 120s) {
    const std::optional<int> code = process.wait_for(timeout);
    return {code.value_or(-1), read_text(folder_ / "ytpipe.log")};
  }

  RunResult run_ytpipe(const std::vector<std::string>& arguments) {
    auto process = start_ytpipe(arguments);
    return finish(*process);
  }

  std::filesystem::path spool_path() const { return folder_ / "data" / "stream.kafka-spool"; }

  std::filesystem::path folder_;
};

std::set<std::string> keys_of(const std::vector<ConsumedMessage>& messages) {
  std::set<std::string> keys;
  for (const ConsumedMessage& message : messages) {
    keys.insert(message.key);
  }
  return keys;
}

std::set<std::string> expected_keys(const std::string& prefix, int count) {
  std::set<std::string> keys;
  for (int i = 0; i < count; ++i) {
    keys.insert(prefix + std::to_string(i));
  }
  return keys;
}

int seq_of(const std::string& value) {
  return std::stoi(value.substr(value.find(':') + 1));
}

TEST_F(KafkaPipeline, DeliversEveryRecordExactlyOnceInOrder) {
  create_topic(broker().bootstrap(), "round-trip", 3);
  const auto before = std::chrono::system_clock::now();
  const RunResult run =
      run_ytpipe({"run", manifest("round-trip", {.count = 5000}).string(), "--once"});
  ASSERT_EQ(run.exit_code, kExitSuccess) << run.log;

  const auto messages = read_topic(broker().bootstrap(), "round-trip", 5001, 3s);
  ASSERT_EQ(messages.size(), 5000u);
  EXPECT_EQ(keys_of(messages), expected_keys("video-", 5000));
  const auto earliest =
      std::chrono::duration_cast<std::chrono::milliseconds>(before.time_since_epoch()).count();
  std::map<int, int> last_seq_in_partition;
  for (const ConsumedMessage& message : messages) {
    const int seq = seq_of(message.value);
    EXPECT_EQ(message.key, "video-" + std::to_string(seq));
    EXPECT_NE(message.value.find(std::string(200, 'x')), std::string::npos);
    EXPECT_GE(message.timestamp_ms, earliest - 1000);
    EXPECT_TRUE(message.headers.empty());
    auto [last, first_seen] = last_seq_in_partition.try_emplace(message.partition, seq);
    if (!first_seen) {
      EXPECT_LT(last->second, seq) << "partition " << message.partition << " out of order";
      last->second = seq;
    }
  }
}

TEST_F(KafkaPipeline, LosesAndDoublesNothingWhenTheBrokerFreezesThenDiesAndRestarts) {
  create_topic(broker().bootstrap(), "outage", 2);
  auto ytpipe =
      start_ytpipe({"run", manifest("outage", {.count = 20000, .rate = 4000}).string(), "--once"});
  std::this_thread::sleep_for(1500ms);
  broker().freeze();
  std::this_thread::sleep_for(3s);
  broker().kill();
  std::this_thread::sleep_for(1s);
  broker().start();

  const RunResult run = finish(*ytpipe);
  ASSERT_EQ(run.exit_code, kExitSuccess) << run.log;
  const auto messages = read_topic(broker().bootstrap(), "outage", 20001, 5s);
  EXPECT_EQ(messages.size(), 20000u) << "doubled or lost records";
  EXPECT_EQ(keys_of(messages), expected_keys("video-", 20000));
}

TEST_F(KafkaPipeline, SigtermWhileTheBrokerIsDownSpoolsAndTheNextRunSendsThemFirst) {
  create_topic(broker().bootstrap(), "spooled", 1);
  broker().stop();
  auto ytpipe = start_ytpipe(
      {"run", manifest("spooled", {.count = 300, .key_prefix = "first-"}, "2s").string()});
  std::this_thread::sleep_for(7s);
  ytpipe->signal(SIGTERM);
  const RunResult stopped = finish(*ytpipe, 30s);
  broker().start();
  EXPECT_EQ(stopped.exit_code, kExitUndelivered) << stopped.log;
  EXPECT_NE(stopped.log.find("kept 300 undelivered records"), std::string::npos) << stopped.log;
  ASSERT_TRUE(std::filesystem::exists(spool_path()));

  const RunResult next = run_ytpipe(
      {"run", manifest("spooled", {.count = 100, .key_prefix = "second-"}).string(), "--once"});
  ASSERT_EQ(next.exit_code, kExitSuccess) << next.log;
  EXPECT_FALSE(std::filesystem::exists(spool_path()));

  const auto messages = read_topic(broker().bootstrap(), "spooled", 401, 3s);
  ASSERT_EQ(messages.size(), 400u);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string expected =
        i < 300 ? "first-" + std::to_string(i) : "second-" + std::to_string(i - 300);
    EXPECT_EQ(messages[i].key, expected) << "at offset " << i;
  }
}

TEST_F(KafkaPipeline, AMissingTopicIsAConfigurationErrorAtItsLine) {
  const std::filesystem::path path = manifest("no-such-topic", {.count = 10});
  const RunResult run = run_ytpipe({"run", path.string(), "--once"});
  EXPECT_EQ(run.exit_code, kExitConfiguration) << run.log;
  const std::string place = "manifest.toml:" + std::to_string(line_of(path, "topic =")) + ":";
  EXPECT_NE(run.log.find(place), std::string::npos) << "expected " << place << " in\n" << run.log;
  EXPECT_NE(run.log.find("does not exist"), std::string::npos) << run.log;
}

TEST_F(KafkaPipeline, ABadPropertyIsAConfigurationErrorAtItsLine) {
  const std::filesystem::path path =
      manifest("round-trip", {.count = 10}, "60s", "\"linger.ms\" = \"soon\"\n");
  const std::string place = "manifest.toml:" + std::to_string(line_of(path, "\"linger.ms\"")) + ":";
  for (const char* command : {"check", "run"}) {
    const RunResult run = run_ytpipe({command, path.string()});
    EXPECT_EQ(run.exit_code, kExitConfiguration) << command << "\n" << run.log;
    EXPECT_NE(run.log.find(place), std::string::npos) << "expected " << place << " in\n" << run.log;
  }
}

// The YouTube simulator's demo playlist (seed 1): 200 entries, of which 188 distinct videos are
// returned by videos.list (see docs/simulator.md).
constexpr const char* kDemoPlaylist = "PLsimulatorDemoPlaylist01";
constexpr std::size_t kDemoVideos = 188;

TEST_F(KafkaPipeline, CarriesOneSchemaV1RecordPerVideoFromTheYoutubeSource) {
  create_topic(broker().bootstrap(), "youtube_videos", 3);
  ChildProcess simulator({.argv = {YTPIPE_YOUTUBE_SIMULATOR, "--port", "0"},
                          .environment = {},
                          .output = folder_ / "simulator.log",
                          .pipe_stdout = true});
  const std::string listening = simulator.read_line(10s);
  const std::string api_base = listening.substr(listening.find("http://")) + "/youtube/v3";

  const std::filesystem::path path = folder_ / "youtube.toml";
  std::ofstream(path) << "[host]\ndata_dir = \"" << (folder_ / "data").string() << "\"\n\n"
                      << "[[source]]\nname = \"watched\"\nplugin = \"youtube\"\n"
                      << "[source.config]\napi_key = \"sim-key\"\napi_base = \"" << api_base
                      << "\"\nplaylists = [\"" << kDemoPlaylist << "\"]\n\n"
                      << "[[sink]]\nname = \"stream\"\nplugin = \"kafka\"\n[sink.config]\n"
                      << "topic = \"youtube_videos\"\n\"bootstrap.servers\" = \""
                      << broker().bootstrap() << "\"\n";
  const RunResult run = run_ytpipe({"run", path.string(), "--once"});
  ASSERT_EQ(run.exit_code, kExitSuccess) << run.log;

  const auto messages = read_topic(broker().bootstrap(), "youtube_videos", kDemoVideos + 1, 3s);
  EXPECT_EQ(messages.size(), kDemoVideos);
  EXPECT_EQ(keys_of(messages).size(), messages.size()) << "a video was sent twice";
  const std::vector<std::pair<std::string, std::string>> headers{
      {"content-type", "application/json"}, {"schema", "youtube.video.v1"}};
  for (const ConsumedMessage& message : messages) {
    EXPECT_EQ(message.headers, headers);
    Poco::JSON::Parser parser;
    const auto video = parser.parse(message.value).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(video->getValue<std::string>("video_id"), message.key);
    EXPECT_EQ(video->getValue<std::string>("playlist_id"), kDemoPlaylist);
    EXPECT_TRUE(video->get("views").isInteger()) << message.value;
  }
}

}  // namespace
}  // namespace ytpipe::kafka::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new ytpipe::kafka::testing::BrokerEnvironment);
  return RUN_ALL_TESTS();
}
