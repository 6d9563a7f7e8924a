#include "log.hpp"

#include <Poco/URI.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <vector>

namespace ytpipe::host {
namespace {

// The characters a query parameter's value must percent-encode besides the unsafe ones.
constexpr const char* kUriReserved = "!#$&'()*+,/:;=?@[]";

std::atomic<int> g_level{static_cast<int>(LogLevel::Info)};
std::mutex g_mutex;
std::vector<std::string> g_secrets;  // guarded by g_mutex

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];  // room for any year the compiler assumes possible, so no truncation warning
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

std::string redact_locked(std::string text) {
  for (const std::string& secret : g_secrets) {
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "error")
    return LogLevel::Error;
  if (text == "warn")
    return LogLevel::Warn;
  if (text == "info")
    return LogLevel::Info;
  if (text == "debug")
    return LogLevel::Debug;
  return std::nullopt;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::Error:
      return "ERROR";
    case LogLevel::Warn:
      return "WARN";
    case LogLevel::Info:
      return "INFO";
    case LogLevel::Debug:
      return "DEBUG";
  }
  return "?";
}

void Log::set_level(LogLevel level) {
  g_level.store(static_cast<int>(level));
}

bool Log::enabled(LogLevel level) {
  return static_cast<int>(level) <= g_level.load();
}

void Log::add_secret(std::string secret) {
  if (secret.size() < 4) {
    return;
  }
  // A secret also travels percent-encoded, in the query of a URL a plugin might log.
  std::string encoded;
  Poco::URI::encode(secret, kUriReserved, encoded);

  std::lock_guard lock(g_mutex);
  if (encoded != secret) {
    g_secrets.push_back(std::move(encoded));
  }
  g_secrets.push_back(std::move(secret));
}

std::string Log::redact(std::string text) {
  std::lock_guard lock(g_mutex);
  return redact_locked(std::move(text));
}

void Log::write(LogLevel level, std::string_view component, std::string_view message) {
  if (!enabled(level)) {
    return;
  }
  std::string line = timestamp();
  line += ' ';
  line += to_string(level);
  line += ' ';
  line += component;
  line += ": ";
  line += message;

  std::lock_guard lock(g_mutex);
  line = redact_locked(std::move(line));
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace ytpipe::host
