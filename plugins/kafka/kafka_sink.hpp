// The Kafka sink: produces each record with librdkafka and reports it delivered only when its
// delivery report says the brokers stored it (acks=all, idempotent).
//
// Lifecycle: at start it checks that the topic exists (a bounded metadata request), then queues
// the records a previous run spooled, ahead of any new record. On destroy, whatever librdkafka
// still holds is purged and written to the spool; those records are not reported to the host,
// which counts them as undelivered.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>
#include <ytpipe/sdk.hpp>

#include "in_flight_table.hpp"
#include "rdkafka_handles.hpp"
#include "spool_file.hpp"

namespace ytpipe::kafka {

class KafkaSink : public ytpipe::Sink {
 public:
  explicit KafkaSink(const ytpipe::Context& context);
  ~KafkaSink() override;

  KafkaSink(const KafkaSink&) = delete;
  KafkaSink& operator=(const KafkaSink&) = delete;

  // Builds the producer configuration without connecting; throws ConfigError for a bad key.
  static void validate(const ytpipe::Context& context);

  std::size_t write(const ytpipe::RecordBatch& records) override;
  void poll() override;
  void flush(std::chrono::milliseconds timeout) override;

 private:
  enum class Produced { Accepted, QueueFull, Stopped };

  struct Message {
    std::string_view key;
    std::string_view value;
    std::int64_t timestamp_ms = 0;
    HeadersHandle headers;
  };

  static void on_delivery(rd_kafka_t* client, const rd_kafka_message_t* message, void* opaque);
  static void on_log(const rd_kafka_t* client, int level, const char* facility,
                     const char* message);
  static void on_error(rd_kafka_t* client, int error, const char* reason, void* opaque);
  static int on_statistics(rd_kafka_t* client, char* json, size_t size, void* opaque);

  ClientHandle start_producer();
  void check_topic();
  void load_spool();

  bool produce_backlog();
  Produced produce_record(const ytpipe::RecordView& record);
  Produced produce(Message message, InFlight entry);

  void handle_delivery(const rd_kafka_message_t& message);
  void keep_undelivered(const rd_kafka_message_t& message);
  void spooled_message_done();
  void serve(std::chrono::milliseconds wait);
  void report_delivered();
  void publish_counters() const;
  void throw_if_fatal();

  void purge_in_flight();
  void save_undelivered();

  const ytpipe::Context& context_;
  const std::string topic_name_;
  const std::filesystem::path spool_path_;
  std::string bootstrap_servers_;  // for messages; set by start_producer()
  ClientHandle producer_;
  TopicHandle topic_;

  InFlightTable in_flight_;
  std::vector<std::uint64_t> delivered_ids_;  // reported to the host after each serve()
  std::deque<SpooledRecord> backlog_;         // spooled records not yet handed to librdkafka
  std::size_t spool_outstanding_ = 0;         // spooled records not yet delivered
  std::vector<SpooledRecord> undelivered_;    // returned by librdkafka; spooled at destroy
  std::optional<std::string> fatal_;
  bool queue_was_full_ = false;

  std::int64_t delivered_count_ = 0;
  std::int64_t failed_count_ = 0;
};

}  // namespace ytpipe::kafka
