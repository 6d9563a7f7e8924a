#include "kafka_client.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>

namespace ytpipe::kafka::testing {
namespace {

struct Deleter {
  void operator()(rd_kafka_t* client) const { rd_kafka_destroy(client); }
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
  void operator()(rd_kafka_NewTopic_t* topic) const { rd_kafka_NewTopic_destroy(topic); }
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};

template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

void set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
    throw std::runtime_error(std::string(name) + ": " + error);
  }
}

Owned<rd_kafka_t> client(rd_kafka_type_t type, const std::string& bootstrap) {
  Owned<rd_kafka_conf_t> conf(rd_kafka_conf_new());
  set(conf.get(), "bootstrap.servers", bootstrap);
  set(conf.get(), "log_level", "0");
  if (type == RD_KAFKA_CONSUMER) {
    set(conf.get(), "group.id", "ytpipe-tests-reader");
    set(conf.get(), "enable.auto.commit", "false");
    set(conf.get(), "enable.partition.eof", "false");
  }
  char error[512];
  Owned<rd_kafka_t> handle(rd_kafka_new(type, conf.get(), error, sizeof error));
  if (!handle) {
    throw std::runtime_error(std::string("cannot create a Kafka client: ") + error);
  }
  conf.release();
  return handle;
}

int partitions_with_leader(rd_kafka_t* handle, const std::string& topic) {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_topic_t* topic_handle = rd_kafka_topic_new(handle, topic.c_str(), nullptr);
  const rd_kafka_resp_err_t error = rd_kafka_metadata(handle, 0, topic_handle, &raw, 2000);
  rd_kafka_topic_destroy(topic_handle);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return -1;
  }
  Owned<const rd_kafka_metadata_t> metadata(raw);
  if (metadata->topic_cnt != 1 || metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return -1;
  }
  const rd_kafka_metadata_topic_t& described = metadata->topics[0];
  const rd_kafka_metadata_partition_t* begin = described.partitions;
  const bool led = std::all_of(begin, begin + described.partition_cnt, [](const auto& partition) {
    return partition.leader >= 0 && partition.err == RD_KAFKA_RESP_ERR_NO_ERROR;
  });
  return led ? described.partition_cnt : -1;
}

}  // namespace

bool cluster_answers(const std::string& bootstrap, std::chrono::milliseconds timeout) {
  Owned<rd_kafka_t> handle = client(RD_KAFKA_PRODUCER, bootstrap);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const rd_kafka_metadata_t* raw = nullptr;
    if (rd_kafka_metadata(handle.get(), 0, nullptr, &raw, 1000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_metadata_destroy(raw);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

void create_topic(const std::string& bootstrap, const std::string& topic, int partitions) {
  Owned<rd_kafka_t> handle = client(RD_KAFKA_PRODUCER, bootstrap);
  char error[512];
  Owned<rd_kafka_NewTopic_t> request(
      rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, error, sizeof error));
  if (!request) {
    throw std::runtime_error(error);
  }
  Owned<rd_kafka_queue_t> queue(rd_kafka_queue_new(handle.get()));
  rd_kafka_NewTopic_t* requests[] = {request.get()};
  rd_kafka_CreateTopics(handle.get(), requests, 1, nullptr, queue.get());
  Owned<rd_kafka_event_t> event(rd_kafka_queue_poll(queue.get(), 30000));
  if (!event) {
    throw std::runtime_error("no answer to CreateTopics for " + topic);
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  size_t count = 0;
  const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      (count == 1 && rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_NO_ERROR)) {
    const char* why = count == 1 ? rd_kafka_topic_result_error_string(topics[0])
                                 : rd_kafka_event_error_string(event.get());
    throw std::runtime_error("cannot create topic " + topic + ": " + (why ? why : "?"));
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (partitions_with_leader(handle.get(), topic) != partitions) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("topic " + topic + " has no leader after 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::vector<ConsumedMessage> read_topic(const std::string& bootstrap, const std::string& topic,
                                        std::size_t expected, std::chrono::milliseconds quiet) {
  Owned<rd_kafka_t> consumer = client(RD_KAFKA_CONSUMER, bootstrap);
  int partitions = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((partitions = partitions_with_leader(consumer.get(), topic)) < 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("topic " + topic + " cannot be described");
    }
  }
  Owned<rd_kafka_topic_partition_list_t> assignment(rd_kafka_topic_partition_list_new(partitions));
  for (int partition = 0; partition < partitions; ++partition) {
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer.get(), assignment.get());

  std::vector<ConsumedMessage> messages;
  auto last_arrival = std::chrono::steady_clock::now();
  while (messages.size() < expected && std::chrono::steady_clock::now() - last_arrival < quiet) {
    Owned<rd_kafka_message_t> message(rd_kafka_consumer_poll(consumer.get(), 200));
    if (!message || message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      continue;
    }
    last_arrival = std::chrono::steady_clock::now();
    ConsumedMessage& consumed = messages.emplace_back();
    if (message->key != nullptr) {
      consumed.key.assign(static_cast<const char*>(message->key), message->key_len);
    }
    consumed.value.assign(static_cast<const char*>(message->payload), message->len);
    consumed.timestamp_ms = rd_kafka_message_timestamp(message.get(), nullptr);
    consumed.partition = message->partition;
    consumed.offset = message->offset;
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(message.get(), &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t i = 0;
           rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        consumed.headers.emplace_back(name, std::string(static_cast<const char*>(value), size));
      }
    }
  }
  rd_kafka_consumer_close(consumer.get());
  std::stable_sort(messages.begin(), messages.end(), [](const auto& left, const auto& right) {
    return left.partition != right.partition ? left.partition < right.partition
                                             : left.offset < right.offset;
  });
  return messages;
}

}  // namespace ytpipe::kafka::testing
