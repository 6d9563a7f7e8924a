// The single-node Apache Kafka broker the tests start, as a program: for trying ytpipe into a
// real Kafka without Docker, and for looking at what a test would see.
//
//   ytpipe-test-broker [--port N] [--topic NAME:PARTITIONS]... [--auto-create-topics]
//
// Fetches the broker's jars through Maven on first use (into ${XDG_CACHE_HOME:-~/.cache}/ytpipe),
// formats a fresh data folder under /tmp, starts the broker on 127.0.0.1, creates the topics and
// prints "bootstrap 127.0.0.1:PORT" on stdout. Runs until SIGINT or SIGTERM, then stops the
// broker and deletes its data.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kafka_broker.hpp"
#include "kafka_client.hpp"

namespace {

using ytpipe::kafka::testing::BrokerOptions;

struct Options {
  BrokerOptions broker;
  std::vector<std::pair<std::string, int>> topics;
};

std::pair<std::string, int> parse_topic(const std::string& value) {
  const std::size_t colon = value.rfind(':');
  if (colon == std::string::npos) {
    return {value, 1};
  }
  return {value.substr(0, colon), std::stoi(value.substr(colon + 1))};
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--auto-create-topics") {
      options.broker.auto_create_topics = true;
      continue;
    }
    if (i + 1 == argc) {
      throw std::invalid_argument(flag == "--topic" || flag == "--port" ? flag + " needs a value"
                                                                        : "unknown option " + flag);
    }
    const std::string value = argv[++i];
    if (flag == "--topic") {
      options.topics.push_back(parse_topic(value));
    } else if (flag == "--port") {
      options.broker.port = std::stoi(value);
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  return options;
}

volatile std::sig_atomic_t stop_requested = 0;

// A handler rather than a blocked mask: a mask would be inherited by the broker's JVM, which then
// could not be stopped with SIGTERM. A stop asked for during start-up takes effect once it is up.
void catch_stop_signals() {
  struct sigaction action {};
  action.sa_handler = [](int) { stop_requested = 1; };
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::exception& failure) {
    std::cerr << "ytpipe-test-broker: " << failure.what() << "\nusage: ytpipe-test-broker "
              << "[--port N] [--topic NAME:PARTITIONS]... [--auto-create-topics]\n";
    return 64;
  }
  catch_stop_signals();

  try {
    std::cerr << "ytpipe-test-broker: starting Apache Kafka (the first start fetches its jars)\n";
    ytpipe::kafka::testing::KafkaBroker broker(options.broker);
    for (const auto& [topic, partitions] : options.topics) {
      ytpipe::kafka::testing::create_topic(broker.bootstrap(), topic, partitions);
      std::cerr << "ytpipe-test-broker: created topic " << topic << " (" << partitions
                << " partitions)\n";
    }
    std::cout << "bootstrap " << broker.bootstrap() << std::endl;
    std::cerr << "ytpipe-test-broker: data in " << broker.folder().string()
              << "; Ctrl-C stops the broker and deletes it\n";

    while (stop_requested == 0) {
      ::pause();
    }
    std::cerr << "ytpipe-test-broker: stopping\n";
  } catch (const std::exception& failure) {
    std::cerr << "ytpipe-test-broker: " << failure.what() << "\n";
    return 1;
  }
  return 0;
}
