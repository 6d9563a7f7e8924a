#include "kafka_sink.hpp"

#include <Poco/Exception.h>

#include <algorithm>
#include <cstdint>
#include <system_error>
#include <utility>

#include "producer_config.hpp"
#include "producer_statistics.hpp"

namespace ytpipe::kafka {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// How long start-up waits for the brokers to describe the topic before carrying on without.
constexpr milliseconds kMetadataWait{5000};
// How long destroy waits for librdkafka to hand back what it purged.
constexpr milliseconds kPurgeWait{5000};
// How long poll() waits for delivery reports after write() found the queue full, so that a host
// offering the same records again does not spin.
constexpr milliseconds kQueueFullWait{10};

// What a delivery report's error means for the record.
enum class Verdict {
  Delivered,
  Refused,      // permanently, for this record alone: reported failed
  Undelivered,  // not stored, through no fault of the record: kept for the spool
  Stop,         // as Undelivered, and the pipeline cannot go on until someone fixes something
};

Verdict verdict_of(rd_kafka_resp_err_t error) {
  switch (error) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Verdict::Delivered;
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__FATAL:
      return Verdict::Undelivered;
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      return Verdict::Stop;
    default:
      // librdkafka retries transient errors itself (message.timeout.ms = 0: for ever), so what
      // reaches a delivery report otherwise is about the record itself, e.g. its size.
      return Verdict::Refused;
  }
}

// A message for an error that stops the pipeline, saying what to fix.
std::string stop_reason(rd_kafka_resp_err_t error, const std::string& topic,
                        const std::string& detail) {
  switch (error) {
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return "topic \"" + topic + "\" does not exist (" + detail +
             "): create it, or let the brokers create topics (auto.create.topics.enable)";
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      return "not authorized to write to topic \"" + topic + "\" (" + detail +
             "): grant the producer's principal WRITE on it";
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return "not authorized for idempotent writes (" + detail +
             "): grant the producer's principal IDEMPOTENT_WRITE on the cluster";
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      return "the brokers refused the producer's credentials (" + detail +
             "): check security.protocol, sasl.mechanism, sasl.username and sasl.password";
    default:
      return "the Kafka producer failed for good (" + detail +
             "); check the brokers' logs, then restart: undelivered records are spooled";
  }
}

// Why librdkafka raised its fatal error, e.g. an idempotence sequence it cannot recover from.
std::string fatal_error_reason(rd_kafka_t& client, const std::string& topic) {
  char detail[512] = "";
  const rd_kafka_resp_err_t cause = rd_kafka_fatal_error(&client, detail, sizeof detail);
  return stop_reason(cause, topic, std::string(rd_kafka_err2name(cause)) + ": " + detail);
}

ytpipe_log_level log_level_of(int syslog_level) {
  // librdkafka logs a broker it cannot reach at LOG_ERR and keeps retrying on its own: the
  // pipeline is degraded but running, which is a warning here.
  if (syslog_level <= 2) {
    return YTPIPE_LOG_ERROR;
  }
  if (syslog_level <= 4) {
    return YTPIPE_LOG_WARN;
  }
  return syslog_level <= 6 ? YTPIPE_LOG_INFO : YTPIPE_LOG_DEBUG;
}

KafkaSink& sink_of(const rd_kafka_t* client) {
  return *static_cast<KafkaSink*>(rd_kafka_opaque(client));
}

std::string_view bytes_of(const void* data, size_t size) {
  return data == nullptr ? std::string_view()
                         : std::string_view(static_cast<const char*>(data), size);
}

HeadersHandle headers_of(const ytpipe::RecordView& record) {
  if (record.header_count() == 0) {
    return nullptr;
  }
  HeadersHandle headers(rd_kafka_headers_new(record.header_count()));
  for (std::size_t i = 0; i < record.header_count(); ++i) {
    const ytpipe::Header header = record.header(i);
    rd_kafka_header_add(headers.get(), header.key.data(), static_cast<ssize_t>(header.key.size()),
                        header.value.data(), static_cast<ssize_t>(header.value.size()));
  }
  return headers;
}

HeadersHandle headers_of(const SpooledRecord& record) {
  if (record.headers.empty()) {
    return nullptr;
  }
  HeadersHandle headers(rd_kafka_headers_new(record.headers.size()));
  for (const auto& [key, value] : record.headers) {
    rd_kafka_header_add(headers.get(), key.data(), static_cast<ssize_t>(key.size()), value.data(),
                        static_cast<ssize_t>(value.size()));
  }
  return headers;
}

SpooledRecord copy_of(const rd_kafka_message_t& message) {
  SpooledRecord record;
  record.key = bytes_of(message.key, message.key_len);
  record.value = bytes_of(message.payload, message.len);
  record.timestamp_ms = rd_kafka_message_timestamp(&message, nullptr);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return record;
  }
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    record.headers.emplace_back(name, bytes_of(value, size));
  }
  return record;
}

}  // namespace

KafkaSink::KafkaSink(const ytpipe::Context& context)
    : context_(context),
      topic_name_(topic_of(context.config())),
      spool_path_(spool_path_of(context)),
      producer_(start_producer()),
      topic_(rd_kafka_topic_new(producer_.get(), topic_name_.c_str(), nullptr)) {
  if (!topic_) {
    throw ytpipe::ConfigError("topic", "\"" + topic_name_ + "\" is not a usable topic name: " +
                                           rd_kafka_err2str(rd_kafka_last_error()));
  }
  check_topic();
  load_spool();
  context_.log().info("producing to topic \"", topic_name_, "\" at ", bootstrap_servers_,
                      "; spool ", spool_path_.string());
}

KafkaSink::~KafkaSink() {
  purge_in_flight();
  report_delivered();
  publish_counters();
  save_undelivered();
}

void KafkaSink::validate(const ytpipe::Context& context) {
  topic_of(context.config());
  make_producer_conf(context.config());
}

ClientHandle KafkaSink::start_producer() {
  ConfHandle conf = make_producer_conf(context_.config());
  bootstrap_servers_ = conf_value(*conf, "bootstrap.servers");
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaSink::on_delivery);
  rd_kafka_conf_set_log_cb(conf.get(), &KafkaSink::on_log);
  rd_kafka_conf_set_error_cb(conf.get(), &KafkaSink::on_error);
  rd_kafka_conf_set_stats_cb(conf.get(), &KafkaSink::on_statistics);

  char reason[512] = "";
  ClientHandle producer(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), reason, sizeof reason));
  if (!producer) {
    throw ytpipe::FatalError(std::string("cannot start the Kafka producer: ") + reason);
  }
  conf.release();
  return producer;
}

void KafkaSink::check_topic() {
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t error = rd_kafka_metadata(producer_.get(), 0, topic_.get(), &raw,
                                                      static_cast<int>(kMetadataWait.count()));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    context_.log().warn("no broker at ", bootstrap_servers_, " answered within ",
                        kMetadataWait.count(), " ms (", rd_kafka_err2str(error),
                        "); carrying on, records wait in the queue until one does");
    return;
  }

  const MetadataHandle metadata(raw);
  for (const rd_kafka_metadata_topic_t& topic :
       std::span(metadata->topics, static_cast<std::size_t>(metadata->topic_cnt))) {
    if (topic.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      throw ytpipe::ConfigError("topic", "topic \"" + topic_name_ + "\" does not exist at " +
                                             bootstrap_servers_ +
                                             " and the brokers do not create topics on first "
                                             "use: create it or correct the name");
    }
    if (topic.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
      throw ytpipe::FatalError(stop_reason(topic.err, topic_name_, rd_kafka_err2str(topic.err)));
    }
  }
}

void KafkaSink::load_spool() {
  std::error_code ignored;
  if (!std::filesystem::exists(spool_path_, ignored)) {
    return;
  }

  SpoolContents contents;
  try {
    contents = read_spool(spool_path_);
  } catch (const std::runtime_error& e) {
    context_.log().error("cannot read the spool: ", e.what(), "; starting without it");
    return;
  }

  if (contents.damage) {
    std::filesystem::path damaged = spool_path_;
    damaged += ".damaged";
    std::filesystem::rename(spool_path_, damaged);
    write_spool(spool_path_, contents.records);
    context_.log().warn("spool ", spool_path_.string(), " is damaged ", *contents.damage, "; kept ",
                        contents.records.size(), " intact records, the original is ",
                        damaged.string());
  }

  spool_outstanding_ = contents.records.size();
  backlog_.assign(std::make_move_iterator(contents.records.begin()),
                  std::make_move_iterator(contents.records.end()));
  if (spool_outstanding_ == 0) {
    std::filesystem::remove(spool_path_, ignored);
    return;
  }
  context_.log().info("sending ", spool_outstanding_, " spooled records from ",
                      spool_path_.string(), " before new ones");
  produce_backlog();
}

std::size_t KafkaSink::write(const ytpipe::RecordBatch& records) {
  throw_if_fatal();
  if (!produce_backlog()) {
    queue_was_full_ = true;
    return 0;
  }

  std::size_t accepted = 0;
  for (const ytpipe::RecordView record : records) {
    const Produced produced = produce_record(record);
    if (produced != Produced::Accepted) {
      queue_was_full_ = produced == Produced::QueueFull;
      break;
    }
    ++accepted;
  }
  if (accepted == 0) {
    throw_if_fatal();
  }
  return accepted;
}

void KafkaSink::poll() {
  throw_if_fatal();
  produce_backlog();
  serve(queue_was_full_ ? kQueueFullWait : milliseconds(0));
  queue_was_full_ = false;
  throw_if_fatal();
}

void KafkaSink::flush(milliseconds timeout) {
  const steady_clock::time_point deadline = steady_clock::now() + timeout;
  while (!produce_backlog() && steady_clock::now() < deadline) {
    serve(std::min(milliseconds(100),
                   std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now())));
  }

  const auto remaining = std::max(
      milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now()));
  rd_kafka_flush(producer_.get(), static_cast<int>(remaining.count()));
  report_delivered();
  throw_if_fatal();
}

bool KafkaSink::produce_backlog() {
  while (!backlog_.empty() && !fatal_) {
    const SpooledRecord& record = backlog_.front();
    Message message{record.key, record.value, record.timestamp_ms, headers_of(record)};
    if (produce(std::move(message), {.record_id = 0, .from_spool = true}) != Produced::Accepted) {
      return false;
    }
    backlog_.pop_front();
  }
  return backlog_.empty();
}

KafkaSink::Produced KafkaSink::produce_record(const ytpipe::RecordView& record) {
  Message message{record.key(), record.value(), record.timestamp_ms(), headers_of(record)};
  return produce(std::move(message), {.record_id = record.id(), .from_spool = false});
}

KafkaSink::Produced KafkaSink::produce(Message message, InFlight entry) {
  const std::size_t slot = in_flight_.add(entry);
  // The host keeps a record's bytes until its outcome is reported, and destroy() returns only
  // after librdkafka has let go of every message, so the value is not copied; a spooled record's
  // value is freed once produced, so librdkafka copies that. An empty key goes out as no key, so
  // that keyless records spread over the partitions.
  const int flags = entry.from_spool ? RD_KAFKA_MSG_F_COPY : 0;
  const rd_kafka_resp_err_t error = rd_kafka_producev(
      producer_.get(), RD_KAFKA_V_RKT(topic_.get()), RD_KAFKA_V_MSGFLAGS(flags),
      RD_KAFKA_V_KEY(message.key.empty() ? nullptr : message.key.data(), message.key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(message.value.data()), message.value.size()),
      RD_KAFKA_V_TIMESTAMP(message.timestamp_ms), RD_KAFKA_V_HEADERS(message.headers.get()),
      RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(slot)), RD_KAFKA_V_END);
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    message.headers.release();
    return Produced::Accepted;
  }

  in_flight_.take(slot);
  if (error == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    return Produced::QueueFull;
  }
  if (error == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || error == RD_KAFKA_RESP_ERR__INVALID_ARG) {
    ++failed_count_;
    const std::string reason = std::string("Kafka refused the record: ") + rd_kafka_err2str(error);
    if (entry.from_spool) {
      context_.log().error("dropping a spooled record: ", reason);
    } else {
      context_.failed(entry.record_id, reason);
    }
    return Produced::Accepted;
  }

  // The pipeline stops; records accepted before this one are still reported.
  fatal_ = error == RD_KAFKA_RESP_ERR__FATAL
               ? fatal_error_reason(*producer_, topic_name_)
               : stop_reason(error, topic_name_, rd_kafka_err2str(error));
  return Produced::Stopped;
}

void KafkaSink::on_delivery(rd_kafka_t* client, const rd_kafka_message_t* message, void*) {
  sink_of(client).handle_delivery(*message);
}

void KafkaSink::handle_delivery(const rd_kafka_message_t& message) {
  const InFlight entry = in_flight_.take(reinterpret_cast<std::uintptr_t>(message._private));
  switch (verdict_of(message.err)) {
    case Verdict::Delivered:
      ++delivered_count_;
      if (entry.from_spool) {
        spooled_message_done();
      } else {
        delivered_ids_.push_back(entry.record_id);
      }
      return;
    case Verdict::Refused: {
      ++failed_count_;
      const std::string reason =
          std::string("Kafka refused the record: ") + rd_kafka_err2str(message.err);
      if (entry.from_spool) {
        context_.log().error("dropping a spooled record: ", reason);
        spooled_message_done();
      } else {
        context_.failed(entry.record_id, reason);
      }
      return;
    }
    case Verdict::Stop:
      if (!fatal_) {
        fatal_ = stop_reason(message.err, topic_name_, rd_kafka_err2str(message.err));
      }
      keep_undelivered(message);
      return;
    case Verdict::Undelivered:
      keep_undelivered(message);
      return;
  }
}

void KafkaSink::keep_undelivered(const rd_kafka_message_t& message) {
  undelivered_.push_back(copy_of(message));
}

void KafkaSink::spooled_message_done() {
  --spool_outstanding_;
  if (spool_outstanding_ > 0 || !backlog_.empty()) {
    return;
  }
  std::error_code error;
  std::filesystem::remove(spool_path_, error);
  context_.log().info("every spooled record is delivered; removed ", spool_path_.string());
}

void KafkaSink::serve(milliseconds wait) {
  rd_kafka_poll(producer_.get(), static_cast<int>(wait.count()));
  report_delivered();
}

void KafkaSink::report_delivered() {
  if (delivered_ids_.empty()) {
    return;
  }
  context_.delivered(delivered_ids_);
  delivered_ids_.clear();
}

void KafkaSink::publish_counters() const {
  context_.set_metric("kafka.delivered", delivered_count_);
  context_.set_metric("kafka.failed", failed_count_);
}

void KafkaSink::on_log(const rd_kafka_t* client, int level, const char* facility,
                       const char* message) {
  const ytpipe_context& host = sink_of(client).context_.raw();
  const ytpipe_log_level mapped = log_level_of(level);
  if (host.log_enabled(host.host, mapped) == 0) {
    return;
  }
  const std::string line = std::string("librdkafka ") + facility + ": " + message;
  host.log(host.host, mapped, line.c_str());
}

void KafkaSink::on_error(rd_kafka_t* client, int error, const char* reason, void*) {
  KafkaSink& sink = sink_of(client);
  const auto code = static_cast<rd_kafka_resp_err_t>(error);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    sink.fatal_ = fatal_error_reason(*client, sink.topic_name_);
    return;
  }
  if (verdict_of(code) == Verdict::Stop) {
    sink.fatal_ = stop_reason(code, sink.topic_name_, reason);
    return;
  }
  if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    sink.context_.log().warn("every broker is unreachable; ", rd_kafka_outq_len(client),
                             " records wait in the queue until one answers");
    return;
  }
  // librdkafka has already logged the connection trouble it reports here, and retries it.
  sink.context_.log().debug("librdkafka: ", reason);
}

int KafkaSink::on_statistics(rd_kafka_t* client, char* json, size_t size, void*) {
  KafkaSink& sink = sink_of(client);
  try {
    const ProducerStatistics statistics = parse_statistics({json, size});
    sink.context_.set_metric("kafka.queued", statistics.queued_messages);
    sink.context_.set_metric("kafka.retries", statistics.retries);
    sink.context_.set_metric("kafka.broker_rtt_ms", statistics.broker_rtt_ms);
    sink.context_.set_metric("kafka.brokers_up", statistics.brokers_up);
  } catch (const Poco::Exception& e) {
    sink.context_.log().debug("unreadable librdkafka statistics: ", e.displayText());
  }
  sink.publish_counters();
  return 0;  // librdkafka frees the JSON
}

void KafkaSink::throw_if_fatal() {
  if (!fatal_ && rd_kafka_fatal_error(producer_.get(), nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fatal_ = fatal_error_reason(*producer_, topic_name_);
  }
  if (fatal_) {
    throw ytpipe::FatalError(*fatal_);
  }
}

void KafkaSink::purge_in_flight() {
  if (in_flight_.size() == 0) {
    return;
  }
  rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  const steady_clock::time_point deadline = steady_clock::now() + kPurgeWait;
  while (in_flight_.size() > 0 && steady_clock::now() < deadline) {
    rd_kafka_poll(producer_.get(), 50);
  }
  if (in_flight_.size() > 0) {
    context_.log().error(in_flight_.size(), " records were neither delivered nor handed back by ",
                         "librdkafka within ", kPurgeWait.count(), " ms; they are lost");
  }
}

void KafkaSink::save_undelivered() {
  for (SpooledRecord& record : backlog_) {
    undelivered_.push_back(std::move(record));
  }
  backlog_.clear();
  if (undelivered_.empty()) {
    return;
  }

  try {
    write_spool(spool_path_, undelivered_);
    context_.set_metric("kafka.spooled", static_cast<std::int64_t>(undelivered_.size()));
    context_.log().warn("kept ", undelivered_.size(), " undelivered records in ",
                        spool_path_.string(), "; the next start sends them before new ones");
  } catch (const std::exception& e) {
    context_.log().error("could not spool ", undelivered_.size(),
                         " undelivered records: ", e.what(), "; they are lost");
  }
}

}  // namespace ytpipe::kafka
