// A real single-node Apache Kafka broker (KRaft, combined broker and controller) on 127.0.0.1,
// run from jars Maven fetches once into ${XDG_CACHE_HOME:-~/.cache}/ytpipe/kafka-<version>-<hash
// of pom.xml>. The tests stop, freeze and restart it on the same ports and data folder.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "child_process.hpp"

namespace ytpipe::kafka::testing {

struct BrokerOptions {
  bool auto_create_topics = false;
  int port = 0;  // the client listener; 0 takes a free one
};

class KafkaBroker {
 public:
  // Fetches the jars if needed, formats a fresh data folder, starts the broker and waits until it
  // answers. Throws std::runtime_error with the broker's log on failure.
  explicit KafkaBroker(BrokerOptions options = {});
  ~KafkaBroker();

  KafkaBroker(const KafkaBroker&) = delete;
  KafkaBroker& operator=(const KafkaBroker&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }
  const std::filesystem::path& folder() const { return folder_; }

  void freeze();  // SIGSTOP: the process keeps its sockets but answers nothing
  void thaw();    // SIGCONT
  void kill();    // SIGKILL: no clean shutdown
  void stop();    // SIGTERM, then waits for a clean shutdown
  void start();   // again, on the same ports and data, and waits until it answers
  bool running() { return process_ && process_->running(); }

 private:
  void write_config(const BrokerOptions& options);
  void format_storage();

  std::filesystem::path folder_;
  std::filesystem::path jars_;
  std::string bootstrap_;
  std::unique_ptr<ChildProcess> process_;
};

// The folder holding the broker's jars, fetched through Maven when missing.
std::filesystem::path kafka_jars();

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

}  // namespace ytpipe::kafka::testing
