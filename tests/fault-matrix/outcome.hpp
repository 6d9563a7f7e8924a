// What a row measured and whether it passed: records the host acknowledged, what Kafka and the
// file hold, memory, and the log lines that should name the fault's effect.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kafka_client.hpp"
#include "pipeline_run.hpp"

namespace ytpipe::faults {

// Peak resident set every run must stay under: the host's default record buffer (64 MiB) plus
// room for the process itself, librdkafka's queue of ~300-byte records and the YouTube client.
constexpr long kRssLimitKib = 128 * 1024;

// AddressSanitizer's shadow memory and quarantine say nothing about ytpipe's own footprint: a
// sanitizer build checks everything but that limit.
#ifdef __SANITIZE_ADDRESS__
constexpr bool kRssLimitChecked = false;
#else
constexpr bool kRssLimitChecked = true;
#endif

struct Row {
  std::string fault;
  std::string kafka;           // "broker" (real Apache Kafka) or "mock" (librdkafka's mock cluster)
  std::uint64_t expected = 0;  // records the source handed to the host
  std::uint64_t delivered = 0;  // acknowledged by the Kafka sink
  std::uint64_t file_delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  long peak_rss_kib = 0;
  std::string note;
  std::vector<std::string> problems;

  bool passed() const { return problems.empty(); }
};

Row make_row(std::string fault, std::string kafka, std::string note);

struct Stored {
  std::vector<kafka::testing::ConsumedMessage> kafka;
  std::vector<std::string> file_lines;  // whole lines only
};

// Everything in `topic` and in the file sink's file right now.
Stored read_stored(const std::string& bootstrap, const std::string& topic,
                   const std::filesystem::path& file);

std::vector<std::string> whole_lines(const std::filesystem::path& file);

// Adds a run's counts from its final summary to `row` and checks its exit code, memory and log.
void record_run(Row& row, const RunEnd& end, int expected_exit,
                const std::vector<std::string>& log_must_match);

// Compares what `row` counts as acknowledged with what Kafka and the file hold.
void judge_stored(Row& row, const Stored& stored, bool same_records_in_both = true);

// Fills the counts of a run that ended with a final summary, and notes every broken promise:
// wrong exit code, acknowledged records missing from Kafka or the file, a record twice in Kafka,
// memory over the bound, a log without the expected lines (regular expressions). Counts add to
// what `row` already holds (an earlier run's acknowledged records). `same_records_in_both`: when
// both sinks acknowledged everything, Kafka and the file must hold the same records.
void judge_run(Row& row, const RunEnd& end, const Stored& stored, int expected_exit,
               const std::vector<std::string>& log_must_match, bool same_records_in_both = true);

// Records in Kafka more than once (identity: key and value).
std::uint64_t duplicates_in(const std::vector<kafka::testing::ConsumedMessage>& messages);

void check_log(Row& row, const std::string& log, const std::vector<std::string>& patterns);

}  // namespace ytpipe::faults
