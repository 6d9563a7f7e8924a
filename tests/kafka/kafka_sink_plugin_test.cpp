// The Kafka sink library, loaded through Boost.DLL and driven across the C ABI: its config checks
// (no broker needed) and its delivery under faults injected on librdkafka's mock cluster.
//
// The mock cluster stores an idempotent producer's retry after a lost acknowledgement twice (it
// checks sequence numbers only for transactional producers), so these tests assert that nothing
// is lost; the real-broker suite also asserts that nothing is doubled.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kafka_client.hpp"
#include "mock_cluster_process.hpp"
#include "sink_driver.hpp"

namespace ytpipe::kafka::testing {
namespace {

using Config = std::vector<std::pair<std::string, std::string>>;
using namespace std::chrono_literals;

constexpr const char* kTopic = "videos";

class TempFolder {
 public:
  TempFolder() {
    char name[] = "/tmp/ytpipe-kafka-test-XXXXXX";
    path_ = ::mkdtemp(name);
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::vector<DriverRecord> numbered(const std::string& prefix, int count, int keys = 0) {
  std::vector<DriverRecord> records;
  for (int i = 0; i < count; ++i) {
    const std::string key =
        keys > 0 ? prefix + std::to_string(i % keys) : prefix + std::to_string(i);
    records.push_back(
        {.key = key,
         .value = "{\"seq\":" + std::to_string(i) + ",\"from\":\"" + prefix + "\"}",
         .timestamp_ms = 1'700'000'000'000 + i,
         .headers = {{"content-type", "application/json"}, {"seq", std::to_string(i)}}});
  }
  return records;
}

std::set<std::string> values_of(const std::vector<ConsumedMessage>& messages) {
  std::set<std::string> values;
  for (const ConsumedMessage& message : messages) {
    values.insert(message.value);
  }
  return values;
}

std::set<std::string> values_of(const std::vector<DriverRecord>& records) {
  std::set<std::string> values;
  for (const DriverRecord& record : records) {
    values.insert(record.value);
  }
  return values;
}

// --- Config: checked before anything connects ---------------------------------------------

CallResult validate(Config config) {
  TempFolder folder;
  SinkDriver driver(std::move(config), folder.path());
  return driver.validate();
}

TEST(KafkaSinkConfig, AcceptsTuningPropertiesPassedThrough) {
  const CallResult result = validate({{"topic", kTopic},
                                      {"bootstrap.servers", "127.0.0.1:9"},
                                      {"compression.codec", "zstd"},
                                      {"linger.ms", "5"}});
  EXPECT_EQ(result.status, YTPIPE_OK) << result.message;
}

TEST(KafkaSinkConfig, BlamesThePropertyLibrdkafkaRejects) {
  const CallResult result =
      validate({{"topic", kTopic}, {"bootstrap.servers", "127.0.0.1:9"}, {"linger.ms", "soon"}});
  EXPECT_EQ(result.status, YTPIPE_FATAL);
  EXPECT_EQ(result.config_key, "linger.ms");
  EXPECT_NE(result.message.find("linger.ms"), std::string::npos) << result.message;
}

TEST(KafkaSinkConfig, BlamesAnUnknownProperty) {
  const CallResult result =
      validate({{"topic", kTopic}, {"bootstrap.servers", "127.0.0.1:9"}, {"linger.msec", "5"}});
  EXPECT_EQ(result.status, YTPIPE_FATAL);
  EXPECT_EQ(result.config_key, "linger.msec");
}

TEST(KafkaSinkConfig, RefusesAcknowledgementsThatCanLoseRecords) {
  for (const auto& [key, value] : Config{{"acks", "1"}, {"request.required.acks", "0"}}) {
    const CallResult result =
        validate({{"topic", kTopic}, {"bootstrap.servers", "127.0.0.1:9"}, {key, value}});
    EXPECT_EQ(result.status, YTPIPE_FATAL) << key;
    EXPECT_EQ(result.config_key, key);
    EXPECT_NE(result.message.find("all"), std::string::npos) << result.message;
  }
}

TEST(KafkaSinkConfig, RefusesSettingsThatLetRecordsExpireOrDouble) {
  for (const auto& [key, value] : Config{{"delivery.timeout.ms", "30000"},
                                         {"message.timeout.ms", "1000"},
                                         {"enable.idempotence", "false"},
                                         {"transactional.id", "x"}}) {
    const CallResult result =
        validate({{"topic", kTopic}, {"bootstrap.servers", "127.0.0.1:9"}, {key, value}});
    EXPECT_EQ(result.status, YTPIPE_FATAL) << key;
    EXPECT_EQ(result.config_key, key);
  }
}

TEST(KafkaSinkConfig, RequiresBootstrapServers) {
  const CallResult result = validate({{"topic", kTopic}});
  EXPECT_EQ(result.status, YTPIPE_FATAL);
  EXPECT_EQ(result.config_key, "bootstrap.servers");
}

// --- Delivery on the mock cluster ----------------------------------------------------------

class KafkaSinkOnMockCluster : public ::testing::Test {
 protected:
  void start_cluster(int brokers, int partitions) {
    cluster_ = std::make_unique<MockClusterProcess>(brokers, kTopic, partitions,
                                                    folder_.path() / "mock.log");
  }

  std::unique_ptr<SinkDriver> sink(Config extra = {}) {
    Config config{{"topic", kTopic}, {"bootstrap.servers", cluster_->bootstrap()}};
    config.insert(config.end(), extra.begin(), extra.end());
    auto driver = std::make_unique<SinkDriver>(std::move(config), folder_.path());
    const CallResult created = driver->create();
    EXPECT_EQ(created.status, YTPIPE_OK) << created.message;
    return driver;
  }

  std::filesystem::path spool_path() const { return folder_.path() / "stream.kafka-spool"; }

  TempFolder folder_;
  std::unique_ptr<MockClusterProcess> cluster_;
};

TEST_F(KafkaSinkOnMockCluster, DeliversKeysValuesHeadersAndTimestamps) {
  start_cluster(1, 3);
  const std::vector<DriverRecord> records = numbered("video-", 300, 10);
  auto driver = sink();
  ASSERT_EQ(driver->write_all(records).status, YTPIPE_OK);
  ASSERT_EQ(driver->flush(20s).status, YTPIPE_OK);
  EXPECT_EQ(driver->delivered_count(), records.size());

  const auto messages = read_topic(cluster_->bootstrap(), kTopic, records.size());
  ASSERT_EQ(messages.size(), records.size());
  std::map<std::string, int> last_seq_of_key;
  for (const ConsumedMessage& message : messages) {
    const int seq = std::stoi(message.headers.at(1).second);
    const DriverRecord& sent = records.at(static_cast<std::size_t>(seq));
    EXPECT_EQ(message.key, sent.key);
    EXPECT_EQ(message.value, sent.value);
    EXPECT_EQ(message.timestamp_ms, sent.timestamp_ms);
    EXPECT_EQ(message.headers, sent.headers);
    const auto previous = last_seq_of_key.find(message.key);
    if (previous != last_seq_of_key.end()) {
      EXPECT_LT(previous->second, seq) << "records of key " << message.key << " out of order";
    }
    last_seq_of_key[message.key] = seq;
  }
}

TEST_F(KafkaSinkOnMockCluster, LosesNothingWhenProduceRequestsFail) {
  start_cluster(1, 2);
  auto driver = sink({{"linger.ms", "1"}});
  // NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  // REQUEST_TIMED_OUT
  cluster_->command("produce-errors 6 19 20 7 19 6");
  const std::vector<DriverRecord> records = numbered("video-", 2000);
  ASSERT_EQ(driver->write_all(records).status, YTPIPE_OK);
  ASSERT_EQ(driver->flush(30s).status, YTPIPE_OK);
  EXPECT_EQ(driver->delivered_count(), records.size());
  EXPECT_TRUE(driver->failed().empty());

  const auto messages = read_topic(cluster_->bootstrap(), kTopic, records.size());
  EXPECT_EQ(values_of(messages), values_of(records));
}

TEST_F(KafkaSinkOnMockCluster, LosesNothingWhenTheBrokerGoesDownAndComesBack) {
  start_cluster(1, 1);
  auto driver = sink();
  const std::vector<DriverRecord> first = numbered("before-", 500);
  ASSERT_EQ(driver->write_all(first).status, YTPIPE_OK);
  ASSERT_EQ(driver->flush(20s).status, YTPIPE_OK);

  cluster_->command("down 1");
  const std::vector<DriverRecord> second = numbered("during-", 500);
  ASSERT_EQ(driver->write_all(second).status, YTPIPE_OK);
  EXPECT_EQ(driver->flush(2s).status, YTPIPE_OK);
  EXPECT_LT(driver->delivered_count(), first.size() + second.size());

  cluster_->command("up 1");
  ASSERT_EQ(driver->flush(30s).status, YTPIPE_OK);
  EXPECT_EQ(driver->delivered_count(), first.size() + second.size());

  std::set<std::string> sent = values_of(first);
  sent.merge(values_of(second));
  EXPECT_EQ(values_of(read_topic(cluster_->bootstrap(), kTopic, sent.size())), sent);
}

TEST_F(KafkaSinkOnMockCluster, ReportsAnOversizedRecordFailedAndDeliversTheRest) {
  start_cluster(1, 1);
  auto driver = sink({{"message.max.bytes", "2000"}});
  std::vector<DriverRecord> records = numbered("video-", 3);
  records[1].value = std::string(5000, 'x');
  ASSERT_EQ(driver->write_all(records).status, YTPIPE_OK);
  ASSERT_EQ(driver->flush(20s).status, YTPIPE_OK);
  EXPECT_EQ(driver->delivered_count(), 2u);
  ASSERT_EQ(driver->failed().size(), 1u);
  EXPECT_EQ(driver->failed().begin()->first, 1001u);
  EXPECT_NE(driver->failed().begin()->second.find("too large"), std::string::npos)
      << driver->failed().begin()->second;
}

TEST_F(KafkaSinkOnMockCluster, StopsWithWhatToFixWhenNotAuthorizedAndSpoolsTheRecords) {
  start_cluster(1, 1);
  auto driver = sink();
  std::string denied = "produce-errors";
  for (int i = 0; i < 20; ++i) {
    denied += " 29";  // TOPIC_AUTHORIZATION_FAILED
  }
  cluster_->command(denied);
  ASSERT_EQ(driver->write_all(numbered("video-", 10)).status, YTPIPE_OK);
  const CallResult flushed = driver->flush(10s);
  EXPECT_EQ(flushed.status, YTPIPE_FATAL);
  EXPECT_NE(flushed.message.find("grant the producer's principal WRITE"), std::string::npos)
      << flushed.message;
  EXPECT_EQ(driver->poll().status, YTPIPE_FATAL);
  EXPECT_TRUE(driver->failed().empty());

  driver->destroy();
  EXPECT_EQ(driver->delivered_count(), 0u);
  EXPECT_TRUE(driver->logged("kept 10 undelivered records")) << driver->log_text();
}

// Writes `records` while every broker is down and destroys the sink: they go to the spool.
void spool_while_down(MockClusterProcess& cluster, SinkDriver& driver,
                      const std::vector<DriverRecord>& records) {
  ASSERT_EQ(driver.write_all(records).status, YTPIPE_OK);
  EXPECT_EQ(driver.flush(1s).status, YTPIPE_OK);
  driver.destroy();
  EXPECT_EQ(driver.delivered_count(), 0u);
  EXPECT_TRUE(driver.logged("kept " + std::to_string(records.size()) + " undelivered records"))
      << driver.log_text();
  cluster.command("up 1");
}

TEST_F(KafkaSinkOnMockCluster, SpoolsUndeliveredRecordsAndSendsThemFirstOnTheNextStart) {
  start_cluster(1, 1);
  cluster_->command("down 1");
  const std::vector<DriverRecord> old_records = numbered("old-", 200);
  {
    auto driver = sink();
    spool_while_down(*cluster_, *driver, old_records);
  }
  ASSERT_TRUE(std::filesystem::exists(spool_path()));

  auto driver = sink();
  EXPECT_TRUE(driver->logged("sending 200 spooled records")) << driver->log_text();
  const std::vector<DriverRecord> new_records = numbered("new-", 100);
  ASSERT_EQ(driver->write_all(new_records).status, YTPIPE_OK);
  ASSERT_EQ(driver->flush(20s).status, YTPIPE_OK);
  EXPECT_EQ(driver->delivered_count(), new_records.size());
  EXPECT_FALSE(std::filesystem::exists(spool_path()));

  const auto messages = read_topic(cluster_->bootstrap(), kTopic, 300);
  ASSERT_EQ(messages.size(), 300u);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const DriverRecord& expected = i < 200 ? old_records[i] : new_records[i - 200];
    EXPECT_EQ(messages[i].value, expected.value) << "at offset " << i;
    EXPECT_EQ(messages[i].headers, expected.headers);
  }
}

TEST_F(KafkaSinkOnMockCluster, ReportsADamagedSpoolTailAndDeliversTheIntactRecords) {
  start_cluster(1, 1);
  cluster_->command("down 1");
  const std::vector<DriverRecord> old_records = numbered("old-", 50);
  {
    auto driver = sink();
    spool_while_down(*cluster_, *driver, old_records);
  }
  std::filesystem::resize_file(spool_path(), std::filesystem::file_size(spool_path()) - 7);

  auto driver = sink();
  EXPECT_TRUE(driver->logged("is damaged")) << driver->log_text();
  EXPECT_TRUE(driver->logged("sending 49 spooled records")) << driver->log_text();
  ASSERT_EQ(driver->flush(20s).status, YTPIPE_OK);
  std::filesystem::path damaged = spool_path();
  damaged += ".damaged";
  EXPECT_TRUE(std::filesystem::exists(damaged));

  const auto messages = read_topic(cluster_->bootstrap(), kTopic, 49);
  std::set<std::string> intact = values_of(old_records);
  intact.erase(old_records.back().value);
  EXPECT_EQ(values_of(messages), intact);
}

}  // namespace
}  // namespace ytpipe::kafka::testing
