// Durations as manifests write them: a whole number and one unit, "500ms", "60s", "15m", "1h".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ytpipe::host {

// The duration `text` names, or nullopt when it is not a whole number followed by one of the
// units ms, s, m, h (no sign, no spaces, no fractions, nothing that overflows 64 bits of ms).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// "1h", "15m", "60s" or "500ms": the largest unit that divides the duration exactly.
std::string format_duration(std::chrono::milliseconds duration);

// What every "wrong duration" message says was expected.
inline constexpr std::string_view kDurationExpectation =
    "a duration string like \"60s\" (a whole number and one of ms, s, m, h)";

}  // namespace ytpipe::host
