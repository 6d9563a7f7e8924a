// librdkafka's mock cluster as a program, for tests that inject faults on cue.
//
//   ytpipe-kafka-mock-cluster [--brokers N] [--topic NAME:PARTITIONS]...
//
// Prints the bootstrap address on stdout, then reads commands on stdin, one per line, and answers
// each with "ok" (or "error: ...") on stdout:
//   down BROKER_ID | up BROKER_ID      take a broker off the network and back
//   rtt BROKER_ID MILLISECONDS         add round-trip time to a broker's responses
//   produce-errors CODE [CODE...]      the next Produce requests fail with these error codes
//   quit                               (or end of input) stop the cluster
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// The Produce request's API key in the Kafka protocol.
constexpr int16_t kProduceApiKey = 0;

struct ClientDeleter {
  void operator()(rd_kafka_t* client) const { rd_kafka_destroy(client); }
};

struct ClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* cluster) const {
    rd_kafka_mock_cluster_destroy(cluster);
  }
};

struct Options {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--brokers") {
      options.brokers = std::stoi(value);
    } else if (flag == "--topic") {
      const std::size_t colon = value.rfind(':');
      options.topics.emplace_back(value.substr(0, colon), colon == std::string::npos
                                                              ? 1
                                                              : std::stoi(value.substr(colon + 1)));
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  return options;
}

std::string run_command(rd_kafka_mock_cluster_t* cluster, const std::string& line) {
  std::istringstream words(line);
  std::string verb;
  words >> verb;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (verb == "down" || verb == "up") {
    int32_t broker = 0;
    words >> broker;
    error = verb == "down" ? rd_kafka_mock_broker_set_down(cluster, broker)
                           : rd_kafka_mock_broker_set_up(cluster, broker);
  } else if (verb == "rtt") {
    int32_t broker = 0;
    int milliseconds = 0;
    words >> broker >> milliseconds;
    error = rd_kafka_mock_broker_set_rtt(cluster, broker, milliseconds);
  } else if (verb == "produce-errors") {
    std::vector<rd_kafka_resp_err_t> codes;
    for (int code = 0; words >> code;) {
      codes.push_back(static_cast<rd_kafka_resp_err_t>(code));
    }
    rd_kafka_mock_push_request_errors_array(cluster, kProduceApiKey, codes.size(), codes.data());
  } else {
    return "error: unknown command \"" + verb + "\"";
  }
  return error == RD_KAFKA_RESP_ERR_NO_ERROR ? "ok"
                                             : std::string("error: ") + rd_kafka_err2str(error);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse_options(argc, argv);
    char reason[512];
    // The cluster lives inside a client handle; this one never connects anywhere.
    std::unique_ptr<rd_kafka_t, ClientDeleter> owner(
        rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), reason, sizeof reason));
    if (!owner) {
      throw std::runtime_error(reason);
    }
    std::unique_ptr<rd_kafka_mock_cluster_t, ClusterDeleter> cluster(
        rd_kafka_mock_cluster_new(owner.get(), options.brokers));
    if (!cluster) {
      throw std::runtime_error("cannot start the mock cluster");
    }
    for (const auto& [topic, partitions] : options.topics) {
      rd_kafka_mock_topic_create(cluster.get(), topic.c_str(), partitions, 1);
    }
    std::cout << rd_kafka_mock_cluster_bootstraps(cluster.get()) << std::endl;

    for (std::string line; std::getline(std::cin, line) && line != "quit";) {
      std::cout << run_command(cluster.get(), line) << std::endl;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "mock cluster: " << e.what() << std::endl;
    return 1;
  }
}
