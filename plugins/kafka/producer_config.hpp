// The librdkafka configuration the Kafka sink runs with: defaults that lose nothing, then every
// property the manifest passes through, minus those that would break the delivery promise.
#pragma once

#include <filesystem>
#include <string>
#include <ytpipe/sdk.hpp>

#include "rdkafka_handles.hpp"

namespace ytpipe::kafka {

// Builds the producer configuration from an instance's config. Throws ytpipe::ConfigError naming
// the first key librdkafka rejects, or that would let records be lost, doubled or reordered.
ConfHandle make_producer_conf(const ytpipe::Config& config);

// The `topic` key, checked to be non-empty.
std::string topic_of(const ytpipe::Config& config);

// `spool_path`, or `<data_dir>/<instance name>.kafka-spool` when the manifest does not set it.
std::filesystem::path spool_path_of(const ytpipe::Context& context);

// A configuration property's current value, or "" when librdkafka does not know it.
std::string conf_value(const rd_kafka_conf_t& conf, const char* name);

}  // namespace ytpipe::kafka
