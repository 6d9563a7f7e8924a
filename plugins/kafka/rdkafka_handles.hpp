// Owners for librdkafka's C objects, so that every exit path releases them exactly once.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

namespace ytpipe::kafka {

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
  void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};

using ClientHandle = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
// rd_kafka_new() takes ownership of the conf only when it succeeds: release() it then.
using ConfHandle = std::unique_ptr<rd_kafka_conf_t, RdKafkaDeleter>;
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, RdKafkaDeleter>;
// rd_kafka_producev() takes ownership of the headers only when it succeeds: release() them then.
using HeadersHandle = std::unique_ptr<rd_kafka_headers_t, RdKafkaDeleter>;
using MetadataHandle = std::unique_ptr<const rd_kafka_metadata_t, RdKafkaDeleter>;

}  // namespace ytpipe::kafka
