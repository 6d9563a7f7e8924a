#include "duration.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

namespace ytpipe::host {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// "ms" comes before "m" and "s" so that the longest suffix wins.
constexpr std::array<Unit, 4> kUnits{{{"ms", 1}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}}};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  for (const Unit& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) {
      continue;
    }
    const std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), count);
    const bool whole = !number.empty() && error == std::errc() &&
                       end == number.data() + number.size() && number.front() != '-';
    if (!whole || count > std::numeric_limits<std::int64_t>::max() / unit.millis) {
      return std::nullopt;
    }
    return std::chrono::milliseconds(count * unit.millis);
  }
  return std::nullopt;
}

std::string format_duration(std::chrono::milliseconds duration) {
  const std::int64_t millis = duration.count();
  for (const Unit& unit : {kUnits[1], kUnits[2], kUnits[3]}) {
    if (millis != 0 && millis % unit.millis == 0) {
      return std::to_string(millis / unit.millis) + std::string(unit.suffix);
    }
  }
  return std::to_string(millis) + "ms";
}

}  // namespace ytpipe::host
