// The mock cluster program (tests/kafka/mock_cluster.cpp) running beside a test, driven through
// its stdin.
#pragma once

#include <filesystem>
#include <string>

#include "child_process.hpp"

namespace ytpipe::kafka::testing {

class MockClusterProcess {
 public:
  // Starts `brokers` mock brokers with `topic` of `partitions` partitions.
  MockClusterProcess(int brokers, const std::string& topic, int partitions,
                     const std::filesystem::path& log);

  const std::string& bootstrap() const { return bootstrap_; }

  // Sends one command (see mock_cluster.cpp) and throws unless the cluster answers "ok".
  void command(const std::string& line);

 private:
  ChildProcess process_;
  std::string bootstrap_;
};

}  // namespace ytpipe::kafka::testing
