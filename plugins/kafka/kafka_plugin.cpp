// Exports the Kafka sink as the plugin `kafka`.
#include <ytpipe/sdk.hpp>

#include "kafka_sink.hpp"

namespace {

const ytpipe::ConfigKey kKafkaKeys[] = {
    {.name = "topic", .required = true, .doc = "the topic every record is produced to"},
    {.name = "spool_path",
     .doc = "where undelivered records are kept at shutdown for the next start "
            "(default: <data_dir>/<instance name>.kafka-spool)"},
};

const ytpipe::PluginInfo kKafkaInfo{
    .name = "kafka",
    .version = "1.0.0",
    .description = "produces records to a Kafka topic (librdkafka, idempotent, acks=all)",
    .config = kKafkaKeys,
    .extra_keys_doc =
        "any librdkafka producer property by its dotted name, e.g. \"bootstrap.servers\" "
        "(required), \"compression.codec\", \"security.protocol\"; acks, enable.idempotence and "
        "message.timeout.ms are fixed to all, true and 0 so that no record is lost",
};

}  // namespace

YTPIPE_PLUGIN(ytpipe::kafka::KafkaSink, kKafkaInfo)
