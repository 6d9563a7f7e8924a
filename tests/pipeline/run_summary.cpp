#include "run_summary.hpp"

#include <regex>
#include <sstream>

namespace ytpipe::test {
namespace {

std::uint64_t number_after(const std::string& text, const std::string& label) {
  const std::regex pattern("(?:^| )" + label + "=([0-9]+)");
  std::smatch match;
  return std::regex_search(text, match, pattern) ? std::stoull(match[1]) : 0;
}

}  // namespace

std::optional<RunSummary> parse_final_summary(const std::string& log) {
  std::istringstream lines(log);
  std::string line;
  std::optional<std::string> last;
  while (std::getline(lines, line)) {
    if (line.find("pipeline: final: ") != std::string::npos) {
      last = line.substr(line.find("final: ") + 7);
    }
  }
  if (!last) {
    return std::nullopt;
  }

  RunSummary summary;
  std::istringstream parts(*last);
  std::string part;
  const std::regex sink_part(" ?sink ([^:]+):(.*)");
  while (std::getline(parts, part, ';')) {
    std::smatch match;
    if (std::regex_match(part, match, sink_part)) {
      const std::string counts = match[2];
      summary.sinks[match[1]] = {number_after(counts, "in"), number_after(counts, "delivered"),
                                 number_after(counts, "undelivered"),
                                 number_after(counts, "failed")};
    } else if (part.find("records in=") != std::string::npos) {
      summary.records_in = number_after(part, "in");
    }
  }
  return summary;
}

}  // namespace ytpipe::test
