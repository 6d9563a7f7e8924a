#include "mock_cluster_process.hpp"

#include <stdexcept>

namespace ytpipe::kafka::testing {

MockClusterProcess::MockClusterProcess(int brokers, const std::string& topic, int partitions,
                                       const std::filesystem::path& log)
    : process_({.argv = {YTPIPE_KAFKA_MOCK_CLUSTER, "--brokers", std::to_string(brokers), "--topic",
                         topic + ":" + std::to_string(partitions)},
                .environment = {},
                .output = log,
                .pipe_stdin = true,
                .pipe_stdout = true}),
      bootstrap_(process_.read_line(std::chrono::seconds(10))) {}

void MockClusterProcess::command(const std::string& line) {
  process_.write_line(line);
  const std::string answer = process_.read_line(std::chrono::seconds(10));
  if (answer != "ok") {
    throw std::runtime_error("mock cluster: \"" + line + "\": " + answer);
  }
}

}  // namespace ytpipe::kafka::testing
