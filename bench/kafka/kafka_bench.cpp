// Throughput of ytpipe (generator -> Kafka sink) against kcat -P, both producing the same
// ~300-byte records with the same producer settings to one real broker, alternating, a few
// rounds each; prints each run and the medians.
//
//   kafka_bench [RECORDS] [ROUNDS]        defaults: 1000000 records, 3 rounds
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "kafka_broker.hpp"
#include "kafka_client.hpp"

namespace {

using ytpipe::kafka::testing::ChildOptions;
using ytpipe::kafka::testing::ChildProcess;

// The generator's value is {"seq":N,"payload":"x..."}: with this payload ~300 bytes in all.
constexpr int kPayloadBytes = 270;
constexpr int kPartitions = 3;

// The sink's defaults, given to kcat too so that both do the same work.
const std::vector<std::string> kProducerSettings = {"enable.idempotence=true", "acks=all",
                                                    "compression.codec=lz4", "linger.ms=20"};

struct Measurement {
  double seconds = 0;
  long peak_rss_kib = 0;
};

Measurement timed(ChildOptions options) {
  const auto started = std::chrono::steady_clock::now();
  ChildProcess process(std::move(options));
  const std::optional<int> code = process.wait_for(std::chrono::minutes(10));
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  if (code != 0) {
    throw std::runtime_error("a benchmark run failed; see its log");
  }
  return {elapsed.count(), process.peak_rss_kib()};
}

std::filesystem::path write_manifest(const std::filesystem::path& folder,
                                     const std::string& bootstrap, const std::string& topic,
                                     long records) {
  const std::filesystem::path path = folder / (topic + ".toml");
  std::ofstream(path) << "[host]\nlog_level = \"warn\"\ndata_dir = \"" << (folder / "data").string()
                      << "\"\n\n[[source]]\nname = \"numbers\"\nplugin = \"generator\"\n"
                      << "[source.config]\ncount = " << records
                      << "\npayload_bytes = " << kPayloadBytes << "\nkey_prefix = \"video-\"\n"
                      << "\n[[sink]]\nname = \"stream\"\nplugin = \"kafka\"\n[sink.config]\n"
                      << "topic = \"" << topic << "\"\n\"bootstrap.servers\" = \"" << bootstrap
                      << "\"\n";
  return path;
}

// The same keys and values the generator makes, as kcat's "key<TAB>value" lines.
std::filesystem::path write_kcat_input(const std::filesystem::path& folder, long records) {
  const std::filesystem::path path = folder / "records.tsv";
  std::ofstream file(path);
  const std::string payload(kPayloadBytes, 'x');
  for (long seq = 0; seq < records; ++seq) {
    file << "video-" << seq << "\t{\"seq\":" << seq << ",\"payload\":\"" << payload << "\"}\n";
  }
  return path;
}

Measurement run_ytpipe(const std::filesystem::path& folder, const std::string& bootstrap,
                       const std::string& topic, long records) {
  ytpipe::kafka::testing::create_topic(bootstrap, topic, kPartitions);
  const auto manifest = write_manifest(folder, bootstrap, topic, records);
  return timed({.argv = {YTPIPE_EXECUTABLE, "run", manifest.string(), "--once"},
                .environment = {},
                .output = folder / "ytpipe.log"});
}

Measurement run_kcat(const std::filesystem::path& folder, const std::string& bootstrap,
                     const std::string& topic, const std::filesystem::path& input) {
  ytpipe::kafka::testing::create_topic(bootstrap, topic, kPartitions);
  std::string command = "exec kcat -P -b " + bootstrap + " -t " + topic + " -K '\t'";
  for (const std::string& setting : kProducerSettings) {
    command += " -X " + setting;
  }
  command += " < " + input.string();
  return timed({.argv = {"sh", "-c", command}, .environment = {}, .output = folder / "kcat.log"});
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const long records = argc > 1 ? std::stol(argv[1]) : 1'000'000;
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 3;
  try {
    ytpipe::kafka::testing::KafkaBroker broker;
    const std::filesystem::path folder = broker.folder() / "bench";
    std::filesystem::create_directories(folder);
    const auto input = write_kcat_input(folder, records);

    // A fresh broker is slow until its JIT has warmed up; neither side should pay for that.
    run_ytpipe(folder, broker.bootstrap(), "warm-up-ytpipe", records);
    run_kcat(folder, broker.bootstrap(), "warm-up-kcat", input);

    std::vector<double> ytpipe_rates;
    std::vector<double> kcat_rates;
    long ytpipe_peak_rss = 0;
    for (int round = 0; round < rounds; ++round) {
      const std::string suffix = std::to_string(round);
      // Who goes first alternates, so neither always runs on the broker the other just loaded.
      Measurement ours;
      Measurement theirs;
      if (round % 2 == 0) {
        ours = run_ytpipe(folder, broker.bootstrap(), "ytpipe-" + suffix, records);
        theirs = run_kcat(folder, broker.bootstrap(), "kcat-" + suffix, input);
      } else {
        theirs = run_kcat(folder, broker.bootstrap(), "kcat-" + suffix, input);
        ours = run_ytpipe(folder, broker.bootstrap(), "ytpipe-" + suffix, records);
      }
      ytpipe_rates.push_back(static_cast<double>(records) / ours.seconds);
      kcat_rates.push_back(static_cast<double>(records) / theirs.seconds);
      ytpipe_peak_rss = std::max(ytpipe_peak_rss, ours.peak_rss_kib);
      std::printf(
          "round %d: ytpipe %.2f s (%.0f records/s, peak RSS %ld MiB), kcat %.2f s (%.0f "
          "records/s)\n",
          round + 1, ours.seconds, ytpipe_rates.back(), ours.peak_rss_kib / 1024, theirs.seconds,
          kcat_rates.back());
      std::fflush(stdout);
    }
    const double ours = median(ytpipe_rates);
    const double theirs = median(kcat_rates);
    std::printf(
        "median: ytpipe %.0f records/s, kcat %.0f records/s, ratio %.2f; ytpipe peak RSS "
        "%ld MiB; %ld records of ~300 bytes, %d partitions\n",
        ours, theirs, ours / theirs, ytpipe_peak_rss / 1024, records, kPartitions);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kafka_bench: %s\n", e.what());
    return 1;
  }
}
