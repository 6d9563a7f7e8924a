// The host's logger: one line per event on stderr, with time, level, component and message.
// Process-wide, thread-safe. Registered secrets are masked in every line, whoever wrote it.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace ytpipe::host {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };

std::optional<LogLevel> parse_log_level(std::string_view text);
std::string_view to_string(LogLevel level);

class Log {
 public:
  static void set_level(LogLevel level);
  static bool enabled(LogLevel level);

  // Masks `secret` in every later line. Values shorter than four characters are not registered:
  // masking them would garble ordinary words while protecting nothing.
  static void add_secret(std::string secret);

  // Replaces every registered secret in `text` with "***".
  static std::string redact(std::string text);

  static void write(LogLevel level, std::string_view component, std::string_view message);

  template <typename... Parts>
  static void error(std::string_view component, const Parts&... parts) {
    format(LogLevel::Error, component, parts...);
  }
  template <typename... Parts>
  static void warn(std::string_view component, const Parts&... parts) {
    format(LogLevel::Warn, component, parts...);
  }
  template <typename... Parts>
  static void info(std::string_view component, const Parts&... parts) {
    format(LogLevel::Info, component, parts...);
  }
  template <typename... Parts>
  static void debug(std::string_view component, const Parts&... parts) {
    format(LogLevel::Debug, component, parts...);
  }

 private:
  template <typename... Parts>
  static void format(LogLevel level, std::string_view component, const Parts&... parts) {
    if (!enabled(level)) {
      return;
    }
    std::ostringstream line;
    (line << ... << parts);
    write(level, component, line.str());
  }
};

}  // namespace ytpipe::host
