#include "kafka_broker.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/UUIDGenerator.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "kafka_client.hpp"

namespace ytpipe::kafka::testing {
namespace {

std::filesystem::path cache_root() {
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache != nullptr && *cache != '\0') {
    return std::filesystem::path(cache) / "ytpipe";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "/tmp") / ".cache" / "ytpipe";
}

// A KRaft cluster id: 16 random bytes, base64url without padding. One that starts with '-' is
// drawn again, as Kafka's own generator does: the storage tool would take it for an option.
std::string cluster_id() {
  while (true) {
    const Poco::UUID uuid = Poco::UUIDGenerator::defaultGenerator().createRandom();
    char bytes[16];
    uuid.copyTo(bytes);
    std::ostringstream text;
    Poco::Base64Encoder encoder(text, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.write(bytes, sizeof bytes);
    encoder.close();
    if (!text.str().starts_with('-')) {
      return text.str();
    }
  }
}

std::string java_classpath(const std::filesystem::path& jars) {
  return (jars / "*").string();
}

// Runs a command to completion, throwing with its output when it fails.
void run(std::vector<std::string> argv, const std::filesystem::path& output) {
  ChildProcess child({.argv = std::move(argv), .environment = {}, .output = output});
  const std::optional<int> code = child.wait_for(std::chrono::minutes(10));
  if (code != 0) {
    throw std::runtime_error("command failed:\n" + read_text(output));
  }
}

}  // namespace

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::filesystem::path kafka_jars() {
  const std::filesystem::path jars = cache_root() / YTPIPE_TEST_KAFKA_CACHE;
  if (std::filesystem::exists(jars / ("kafka_2.13-" YTPIPE_TEST_KAFKA_VERSION ".jar"))) {
    return jars;
  }

  // Test processes may start together: one fetches, the others wait on the lock.
  std::filesystem::create_directories(cache_root());
  const std::filesystem::path lock_path = cache_root() / "kafka-fetch.lock";
  const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  ::flock(lock, LOCK_EX);
  if (!std::filesystem::exists(jars)) {
    std::filesystem::path partial = jars;
    partial += ".partial";
    std::filesystem::remove_all(partial);
    try {
      run({"mvn", "-q", "-B", "-f", YTPIPE_TEST_KAFKA_POM, "dependency:copy-dependencies",
           "-DincludeScope=runtime", "-DoutputDirectory=" + partial.string()},
          cache_root() / "kafka-fetch.log");
      std::filesystem::rename(partial, jars);
    } catch (...) {
      ::close(lock);
      throw;
    }
  }
  ::close(lock);
  return jars;
}

KafkaBroker::KafkaBroker(BrokerOptions options) : jars_(kafka_jars()) {
  char folder_template[] = "/tmp/ytpipe-kafka-XXXXXX";
  folder_ = ::mkdtemp(folder_template);
  try {
    write_config(options);
    format_storage();
    start();
  } catch (...) {
    // No destructor runs for a constructor that throws; the failure's text carries the logs.
    process_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
    throw;
  }
}

KafkaBroker::~KafkaBroker() {
  try {
    stop();
  } catch (...) {
    process_.reset();
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

void KafkaBroker::write_config(const BrokerOptions& options) {
  const int port = options.port != 0 ? options.port : free_port();
  const int controller_port = free_port();
  bootstrap_ = "127.0.0.1:" + std::to_string(port);
  std::ofstream config(folder_ / "server.properties");
  config << "process.roles=broker,controller\n"
         << "node.id=1\n"
         << "controller.quorum.voters=1@127.0.0.1:" << controller_port << "\n"
         << "listeners=PLAINTEXT://" << bootstrap_ << ",CONTROLLER://127.0.0.1:" << controller_port
         << "\n"
         << "advertised.listeners=PLAINTEXT://" << bootstrap_ << "\n"
         << "controller.listener.names=CONTROLLER\n"
         << "inter.broker.listener.name=PLAINTEXT\n"
         << "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n"
         << "log.dirs=" << (folder_ / "data").string() << "\n"
         << "num.partitions=1\n"
         << "auto.create.topics.enable=" << (options.auto_create_topics ? "true" : "false") << "\n"
         << "offsets.topic.replication.factor=1\n"
         << "offsets.topic.num.partitions=1\n"
         << "transaction.state.log.replication.factor=1\n"
         << "transaction.state.log.min.isr=1\n"
         << "share.coordinator.state.topic.replication.factor=1\n"
         << "share.coordinator.state.topic.min.isr=1\n"
         << "group.initial.rebalance.delay.ms=0\n";
  std::ofstream logging(folder_ / "log4j2.properties");
  logging << "status = error\n"
          << "appender.console.type = Console\n"
          << "appender.console.name = STDOUT\n"
          << "appender.console.layout.type = PatternLayout\n"
          << "appender.console.layout.pattern = [%d] %p %m (%c)%n\n"
          << "rootLogger.level = warn\n"
          << "rootLogger.appenderRef.stdout.ref = STDOUT\n";
}

void KafkaBroker::format_storage() {
  run({"java", "-cp", java_classpath(jars_),
       "-Dlog4j2.configurationFile=" + (folder_ / "log4j2.properties").string(),
       "kafka.tools.StorageTool", "format", "-t", cluster_id(), "-c",
       (folder_ / "server.properties").string()},
      folder_ / "format.log");
}

void KafkaBroker::start() {
  process_ = std::make_unique<ChildProcess>(ChildOptions{
      .argv = {"java", "-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true",
               "-Dlog4j2.configurationFile=" + (folder_ / "log4j2.properties").string(), "-cp",
               java_classpath(jars_), "kafka.Kafka", (folder_ / "server.properties").string()},
      .environment = {},
      .output = folder_ / "broker.log"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (!cluster_answers(bootstrap_, std::chrono::seconds(1))) {
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the Kafka broker did not come up:\n" +
                               read_text(folder_ / "broker.log"));
    }
  }
}

void KafkaBroker::freeze() {
  process_->signal(SIGSTOP);
}

void KafkaBroker::thaw() {
  process_->signal(SIGCONT);
}

void KafkaBroker::kill() {
  process_->kill();
}

void KafkaBroker::stop() {
  if (!process_) {
    return;
  }
  process_->signal(SIGCONT);
  process_->signal(SIGTERM);
  if (!process_->wait_for(std::chrono::seconds(30))) {
    process_->kill();
  }
  process_.reset();
}

}  // namespace ytpipe::kafka::testing
