#include "outcome.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <regex>
#include <set>

namespace ytpipe::faults {
namespace {

using namespace std::chrono_literals;

std::set<std::string> values_of(const std::vector<kafka::testing::ConsumedMessage>& messages) {
  std::set<std::string> values;
  for (const auto& message : messages) {
    values.insert(message.value);
  }
  return values;
}

// How many of `wanted` are not in `present`.
std::uint64_t missing(const std::set<std::string>& wanted, const std::set<std::string>& present) {
  return static_cast<std::uint64_t>(
      std::count_if(wanted.begin(), wanted.end(),
                    [&](const std::string& value) { return !present.contains(value); }));
}

std::uint64_t shortfall(std::uint64_t acknowledged, std::uint64_t held) {
  return acknowledged > held ? acknowledged - held : 0;
}

}  // namespace

Row make_row(std::string fault, std::string kafka, std::string note) {
  Row row;
  row.fault = std::move(fault);
  row.kafka = std::move(kafka);
  row.note = std::move(note);
  return row;
}

std::vector<std::string> whole_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!in.eof()) {
      lines.push_back(line);
    }
  }
  return lines;
}

Stored read_stored(const std::string& bootstrap, const std::string& topic,
                   const std::filesystem::path& file) {
  // No count to stop at: the read ends after 2 s without a message, so duplicates show up too.
  constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();
  return {.kafka = kafka::testing::read_topic(bootstrap, topic, kNoLimit, 2s),
          .file_lines = whole_lines(file)};
}

std::uint64_t duplicates_in(const std::vector<kafka::testing::ConsumedMessage>& messages) {
  std::set<std::pair<std::string, std::string>> distinct;
  for (const auto& message : messages) {
    distinct.emplace(message.key, message.value);
  }
  return messages.size() - distinct.size();
}

void check_log(Row& row, const std::string& log, const std::vector<std::string>& patterns) {
  for (const std::string& pattern : patterns) {
    if (!std::regex_search(log, std::regex(pattern))) {
      row.problems.push_back("the log has no line matching /" + pattern + "/");
    }
  }
}

void record_run(Row& row, const RunEnd& end, int expected_exit,
                const std::vector<std::string>& log_must_match) {
  row.peak_rss_kib = std::max(row.peak_rss_kib, end.peak_rss_kib);
  if (kRssLimitChecked && row.peak_rss_kib > kRssLimitKib) {
    row.problems.push_back("peak RSS " + std::to_string(row.peak_rss_kib / 1024) + " MiB over " +
                           std::to_string(kRssLimitKib / 1024) + " MiB");
  }
  if (end.exit_code != expected_exit) {
    row.problems.push_back("exit code " + std::to_string(end.exit_code) + ", expected " +
                           std::to_string(expected_exit));
  }
  check_log(row, end.log, log_must_match);
  if (!end.summary) {
    row.problems.push_back("no final summary line");
    return;
  }
  const auto& sinks = end.summary->sinks;
  const std::uint64_t records_in = end.summary->records_in;
  const std::uint64_t to_kafka = sinks.contains("stream") ? sinks.at("stream").delivered : 0;
  const std::uint64_t to_file = sinks.contains("archive") ? sinks.at("archive").delivered : 0;
  row.expected += records_in;
  row.delivered += to_kafka;
  row.file_delivered += to_file;
  if (expected_exit == 0 && (to_kafka != records_in || to_file != records_in)) {
    row.problems.push_back("exit 0 but not every record was acknowledged by both sinks");
  }
}

void judge_stored(Row& row, const Stored& stored, bool same_records_in_both) {
  const std::set<std::string> in_kafka = values_of(stored.kafka);
  const std::set<std::string> in_file(stored.file_lines.begin(), stored.file_lines.end());
  row.lost +=
      shortfall(row.delivered, in_kafka.size()) + shortfall(row.file_delivered, in_file.size());
  // When both sinks acknowledged everything, both must hold exactly the same records.
  if (same_records_in_both && row.delivered == row.expected && row.file_delivered == row.expected) {
    row.lost += missing(in_file, in_kafka) + missing(in_kafka, in_file);
  }
  row.duplicated = duplicates_in(stored.kafka);

  if (row.lost > 0) {
    row.problems.push_back(std::to_string(row.lost) + " acknowledged records are missing");
  }
  if (row.duplicated > 0) {
    row.problems.push_back(std::to_string(row.duplicated) + " records are in Kafka twice");
  }
}

void judge_run(Row& row, const RunEnd& end, const Stored& stored, int expected_exit,
               const std::vector<std::string>& log_must_match, bool same_records_in_both) {
  record_run(row, end, expected_exit, log_must_match);
  judge_stored(row, stored, same_records_in_both);
}

}  // namespace ytpipe::faults
