#include "producer_config.hpp"

#include <array>
#include <string_view>

namespace ytpipe::kafka {
namespace {

struct Property {
  const char* name;
  const char* value;
};

// Applied before the manifest's properties, which override them (except the guarded ones below).
//
// Compression and linger suit a stream of ~300-byte JSON records that refreshes every minute or
// so: lz4 compresses repetitive JSON field names about 3-4x at a CPU cost far below zstd's or
// gzip's, and a 20 ms linger lets a refresh's records share batches (compression works per batch)
// while adding no delay anyone watching minute-scale statistics would notice.
constexpr std::array kDefaults{
    Property{"enable.idempotence", "true"},
    Property{"acks", "all"},
    // Zero: a record never expires in the local queue, however long the brokers are away.
    Property{"message.timeout.ms", "0"},
    Property{"compression.codec", "lz4"},
    Property{"linger.ms", "20"},
    Property{"statistics.interval.ms", "10000"},
};

// A property the delivery promise depends on, the value it must keep (as librdkafka reports it
// back, so aliases such as request.required.acks and delivery.timeout.ms are caught too) and why.
struct GuardedProperty {
  const char* name;
  const char* required;
  const char* why;
};

constexpr std::array kGuarded{
    GuardedProperty{"acks", "-1",
                    "must stay \"all\" (-1): with fewer acknowledgements a record the leader "
                    "accepted can be lost when it fails before replicating it"},
    GuardedProperty{"enable.idempotence", "true",
                    "must stay true: without idempotence a retried produce can be stored twice "
                    "or out of order"},
    GuardedProperty{"message.timeout.ms", "0",
                    "must stay 0: a finite timeout lets queued records expire during a broker "
                    "outage; the sink keeps them until delivered and spools them at shutdown"},
};

// Properties that would change what the sink is rather than tune it.
constexpr std::array kRefused{
    GuardedProperty{"transactional.id", "",
                    "is not supported: the sink produces outside transactions (idempotence "
                    "already keeps retries from doubling records)"},
};

void set_property(rd_kafka_conf_t& conf, const std::string& name, const std::string& value) {
  char message[512] = "";
  if (rd_kafka_conf_set(&conf, name.c_str(), value.c_str(), message, sizeof message) !=
      RD_KAFKA_CONF_OK) {
    throw ytpipe::ConfigError(name, "\"" + name + "\" = \"" + value + "\": " + message);
  }
}

void check_guarded(const rd_kafka_conf_t& conf, const std::string& key) {
  for (const GuardedProperty& guarded : kGuarded) {
    const std::string value = conf_value(conf, guarded.name);
    if (value != guarded.required) {
      throw ytpipe::ConfigError(key, "\"" + key + "\": " + guarded.name + " " + guarded.why +
                                         " (found \"" + value + "\")");
    }
  }
}

void check_refused(const std::string& key) {
  for (const GuardedProperty& refused : kRefused) {
    if (key == refused.name) {
      throw ytpipe::ConfigError(key, "\"" + key + "\" " + refused.why);
    }
  }
}

}  // namespace

std::string conf_value(const rd_kafka_conf_t& conf, const char* name) {
  std::array<char, 1024> value{};
  size_t size = value.size();
  if (rd_kafka_conf_get(&conf, name, value.data(), &size) != RD_KAFKA_CONF_OK) {
    return {};
  }
  return value.data();
}

ConfHandle make_producer_conf(const ytpipe::Config& config) {
  ConfHandle conf(rd_kafka_conf_new());
  for (const Property& property : kDefaults) {
    set_property(*conf, property.name, property.value);
  }

  for (const auto& [key, value] : config.extras()) {
    check_refused(key);
    set_property(*conf, key, value);
    check_guarded(*conf, key);
  }

  if (conf_value(*conf, "bootstrap.servers").empty()) {
    throw ytpipe::ConfigError("bootstrap.servers",
                              "\"bootstrap.servers\" is required: the brokers to connect to, "
                              "e.g. \"localhost:9092\"");
  }
  return conf;
}

std::string topic_of(const ytpipe::Config& config) {
  std::string topic = config.string("topic");
  if (topic.empty()) {
    throw ytpipe::ConfigError("topic", "\"topic\" must name a Kafka topic; found an empty string");
  }
  return topic;
}

std::filesystem::path spool_path_of(const ytpipe::Context& context) {
  const std::string configured = context.config().string_or("spool_path", "");
  if (!configured.empty()) {
    return configured;
  }
  return std::filesystem::path(context.data_dir()) / (std::string(context.name()) + ".kafka-spool");
}

}  // namespace ytpipe::kafka
