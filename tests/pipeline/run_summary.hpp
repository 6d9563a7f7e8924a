// The counts of a run, read back from the final summary line the host logs at exit:
// "final: records in=N ...; sink NAME: in=.. delivered=.. undelivered=.. failed=.. ...".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace ytpipe::test {

struct SinkOutcomes {
  std::uint64_t in = 0;
  std::uint64_t delivered = 0;
  std::uint64_t undelivered = 0;
  std::uint64_t failed = 0;
};

struct RunSummary {
  std::uint64_t records_in = 0;
  std::map<std::string, SinkOutcomes> sinks;
};

// Nullopt when the log has no final summary line.
std::optional<RunSummary> parse_final_summary(const std::string& log);

}  // namespace ytpipe::test
