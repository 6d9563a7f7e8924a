// librdkafka clients the tests use to look at a cluster: wait until it answers, create topics,
// and read back everything a topic holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ytpipe::kafka::testing {

struct ConsumedMessage {
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
  std::int64_t timestamp_ms = 0;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

// True once a broker at `bootstrap` answers a metadata request, within `timeout`.
bool cluster_answers(const std::string& bootstrap, std::chrono::milliseconds timeout);

// Creates a topic through the admin API and waits until every partition has a leader. Throws
// std::runtime_error with the broker's message.
void create_topic(const std::string& bootstrap, const std::string& topic, int partitions);

// Reads the topic from the start of every partition until `expected` messages arrived, or until
// no new message came for `quiet` (whichever is first). Messages come in partition, offset order.
std::vector<ConsumedMessage> read_topic(const std::string& bootstrap, const std::string& topic,
                                        std::size_t expected,
                                        std::chrono::milliseconds quiet = std::chrono::seconds(5));

}  // namespace ytpipe::kafka::testing
