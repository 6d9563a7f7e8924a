// youtube-simulator: a local stand-in for the YouTube Data API v3, for tests and benchmarks.
// Prints "listening on http://127.0.0.1:PORT" (https:// with --tls-cert and --tls-key) once ready
// and serves until SIGINT or SIGTERM.
#include <Poco/NumberParser.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <csignal>
#include <iostream>
#include <stdexcept>

#include "simulator_server.hpp"

namespace {

constexpr int kExitUsage = 64;

struct OptionError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::uint64_t parse_count(const std::string& option, const std::string& text) {
  std::uint64_t value = 0;
  if (!Poco::NumberParser::tryParseUnsigned64(text, value)) {
    throw OptionError("--" + option + ": expected a non-negative integer, got \"" + text + "\"");
  }
  return value;
}

// Splits "LEFT<separator>RIGHT"; both sides must be non-empty.
std::pair<std::string, std::string> split_pair(const std::string& option, const std::string& text,
                                               char separator) {
  const std::size_t at = text.rfind(separator);
  if (at == std::string::npos || at == 0 || at + 1 == text.size()) {
    throw OptionError("--" + option + " " + text + ": expected the form A" + separator + "B");
  }
  return {text.substr(0, at), text.substr(at + 1)};
}

class SimulatorApp : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    ServerApplication::defineOptions(options);
    add(options, "help", "", "print the options and exit");
    add(options, "port", "N", "port on 127.0.0.1 (default 0: any free port)");
    add(options, "base-path", "P", "API base path (default /youtube/v3)");
    add(options, "seed", "N", "dataset seed (default 1)");
    add(options, "playlist", "ID=SIZE", "an ordinary playlist of SIZE entries (repeatable)", true);
    add(options, "channel", "ID=SIZE", "a channel with SIZE uploads (repeatable)", true);
    add(options, "share", "PLAYLIST=CHANNEL:K",
        "the playlist starts with the channel's first K uploads (repeatable)", true);
    add(options, "api-key", "KEY", "the one accepted API key (default sim-key)");
    add(options, "daily-quota", "N", "quota units per Pacific day (default 10000)");
    add(options, "latency-ms", "N", "delay added to every API response (default 0)");
    add(options, "time-scale", "X", "statistics grow X times faster than wall time (default 1)");
    add(options, "threads", "N", "server threads (default 16)");
    add(options, "tls-cert", "FILE", "serve HTTPS with this PEM certificate (needs --tls-key)");
    add(options, "tls-key", "FILE", "the PEM private key of --tls-cert");
  }

  void handleOption(const std::string& name, const std::string& value) override {
    ServerApplication::handleOption(name, value);
    if (name == "help") {
      help_requested_ = true;
      stopOptionsProcessing();
    } else {
      given_.emplace_back(name, value);
    }
  }

  int main(const std::vector<std::string>& arguments) override {
    if (help_requested_) {
      print_help();
      return EXIT_OK;
    }

    ytsim::ServerOptions options;
    try {
      if (!arguments.empty()) {
        throw OptionError("unexpected argument \"" + arguments.front() + "\"");
      }
      options = read_options();
      block_termination_signals();
      ytsim::SimulatorServer server(options);
      const std::uint16_t port = server.start();
      std::cout << "listening on " << server.scheme() << "://127.0.0.1:" << port << std::endl;
      waitForTerminationRequest();
      server.stop();
    } catch (const std::invalid_argument& error) {
      std::cerr << "youtube-simulator: " << error.what() << " (see --help)\n";
      return kExitUsage;
    }
    return EXIT_OK;
  }

 private:
  // Blocked before any server thread exists, so every thread inherits the mask and a signal
  // sent right after the "listening on" line waits for waitForTerminationRequest instead of
  // killing the process.
  static void block_termination_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGQUIT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  }

  static void add(Poco::Util::OptionSet& options, const std::string& name,
                  const std::string& argument, const std::string& description,
                  bool repeatable = false) {
    Poco::Util::Option option(name, "", description, false);
    if (!argument.empty()) {
      option.argument(argument);
    }
    options.addOption(option.repeatable(repeatable));
  }

  ytsim::ServerOptions read_options() const {
    ytsim::ServerOptions options;
    ytsim::DatasetSpec spec;
    for (const auto& [name, value] : given_) {
      if (name == "port") {
        options.port = static_cast<std::uint16_t>(bounded(name, value, 65535));
      } else if (name == "base-path") {
        options.base_path = value;
      } else if (name == "seed") {
        spec.seed = parse_count(name, value);
      } else if (name == "playlist") {
        const auto [id, size] = split_pair(name, value, '=');
        spec.playlists.push_back({id, bounded(name, size, 20000)});
      } else if (name == "channel") {
        const auto [id, size] = split_pair(name, value, '=');
        spec.channels.push_back({id, bounded(name, size, 20000)});
      } else if (name == "share") {
        const auto [playlist, rest] = split_pair(name, value, '=');
        const auto [channel, count] = split_pair(name, rest, ':');
        spec.shares.push_back({playlist, channel, bounded(name, count, 20000)});
      } else if (name == "api-key") {
        options.api_key = value;
      } else if (name == "daily-quota") {
        options.daily_quota = parse_count(name, value);
      } else if (name == "latency-ms") {
        options.latency_ms = static_cast<int>(bounded(name, value, 600000));
      } else if (name == "time-scale") {
        options.time_scale = scale(value);
      } else if (name == "threads") {
        options.threads = static_cast<int>(std::max<std::size_t>(1, bounded(name, value, 1024)));
      } else if (name == "tls-cert") {
        options.tls_cert = value;
      } else if (name == "tls-key") {
        options.tls_key = value;
      }
    }
    if (options.tls_cert.empty() != options.tls_key.empty()) {
      throw OptionError("--tls-cert and --tls-key go together: give both or neither");
    }

    options.dataset = spec.playlists.empty() && spec.channels.empty()
                          ? ytsim::demo_dataset_spec(spec.seed)
                          : spec;
    return options;
  }

  static std::size_t bounded(const std::string& option, const std::string& text,
                             std::uint64_t limit) {
    const std::uint64_t value = parse_count(option, text);
    if (value > limit) {
      throw OptionError("--" + option + " " + text + ": at most " + std::to_string(limit));
    }
    return static_cast<std::size_t>(value);
  }

  static double scale(const std::string& text) {
    double value = 0;
    if (!Poco::NumberParser::tryParseFloat(text, value) || value < 0) {
      throw OptionError("--time-scale: expected a non-negative number, got \"" + text + "\"");
    }
    return value;
  }

  void print_help() const {
    Poco::Util::HelpFormatter formatter(options());
    formatter.setUnixStyle(true);
    formatter.setCommand(commandName());
    formatter.setUsage("[options]");
    formatter.setHeader(
        "A local YouTube Data API v3 (videos, playlistItems, playlists, channels) with quota, "
        "faults and a deterministic dataset. See docs/simulator.md.");
    formatter.format(std::cout);
  }

  bool help_requested_ = false;
  std::vector<std::pair<std::string, std::string>> given_;
};

}  // namespace

int main(int argc, char** argv) {
  SimulatorApp app;
  return app.run(argc, argv);
}
