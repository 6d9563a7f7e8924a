// Peak resident memory of a whole deployment-shaped pipeline: `ytpipe run` with the youtube
// source on the API simulator (one playlist of 5,000 entries) feeding both the Kafka sink (a real
// broker) and the file sink, for a number of refreshes; then SIGTERM and the peak RSS the kernel
// reports for the process.
//
//   rss_bench [--videos N] [--refreshes N] [--latency-ms N] [--sinks LIST]
//
// Defaults: 5000 videos, 5 refreshes, 0 ms, sinks "kafka,file". --sinks takes any of kafka, file
// and discard, comma-separated, to see what each sink adds to the figure.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "kafka_broker.hpp"
#include "kafka_client.hpp"

namespace {

using ytpipe::kafka::testing::ChildProcess;

const std::string kPlaylist = "PLrssBenchmarkPlaylist01";
const std::string kTopic = "youtube_videos";

struct Options {
  int videos = 5000;
  int refreshes = 5;
  int latency_ms = 0;
  std::string sinks = "kafka,file";
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--sinks") {
      options.sinks = argv[i + 1];
      continue;
    }
    const int value = std::stoi(argv[i + 1]);
    if (name == "--videos") {
      options.videos = value;
    } else if (name == "--refreshes") {
      options.refreshes = value;
    } else if (name == "--latency-ms") {
      options.latency_ms = value;
    } else {
      throw std::invalid_argument("unknown option " + name +
                                  "; expected --videos, --refreshes, --latency-ms or --sinks");
    }
  }
  return options;
}

// The simulator prints "listening on http://127.0.0.1:PORT" once it serves.
std::string start_simulator(ChildProcess& simulator) {
  const std::string line = simulator.read_line(std::chrono::seconds(30));
  return line.substr(line.find("http://")) + "/youtube/v3";
}

bool wanted(const std::string& sinks, const std::string& sink) {
  return ("," + sinks + ",").find("," + sink + ",") != std::string::npos;
}

std::string sinks_toml(const std::filesystem::path& folder, const std::string& bootstrap,
                       const std::string& sinks) {
  std::string toml;
  if (wanted(sinks, "kafka")) {
    toml += "[[sink]]\nname = \"stream\"\nplugin = \"kafka\"\n[sink.config]\ntopic = \"" + kTopic +
            "\"\n\"bootstrap.servers\" = \"" + bootstrap + "\"\n\n";
  }
  if (wanted(sinks, "file")) {
    toml += "[[sink]]\nname = \"archive\"\nplugin = \"file\"\n[sink.config]\npath = \"" +
            (folder / "videos.jsonl").string() + "\"\n\n";
  }
  if (wanted(sinks, "discard")) {
    toml += "[[sink]]\nname = \"nowhere\"\nplugin = \"discard\"\n\n";
  }
  if (toml.empty()) {
    throw std::invalid_argument("--sinks " + sinks + ": expected kafka, file or discard");
  }
  return toml;
}

std::filesystem::path write_manifest(const std::filesystem::path& folder,
                                     const std::string& api_base, const std::string& bootstrap,
                                     const std::string& sinks) {
  const std::filesystem::path path = folder / "rss.toml";
  std::ofstream(path) << "[host]\nplugin_dirs = [\"" << YTPIPE_PLUGIN_DIR << "\"]\n"
                      << "data_dir = \"" << (folder / "data").string() << "\"\n\n"
                      << "[[source]]\nname = \"watched\"\nplugin = \"youtube\"\n"
                      << "[source.config]\napi_key = \"sim-key\"\napi_base = \"" << api_base
                      << "\"\nplaylists = [\"" << kPlaylist << "\"]\n"
                      << "interval = \"1s\"\ndaily_quota = 100000000\n\n"
                      << sinks_toml(folder, bootstrap, sinks);
  return path;
}

int count_refreshes(const std::filesystem::path& log) {
  std::ifstream in(log);
  int refreshes = 0;
  for (std::string line; std::getline(in, line);) {
    refreshes += line.find(" refresh: ") != std::string::npos ? 1 : 0;
  }
  return refreshes;
}

void wait_for_refreshes(ChildProcess& host, const std::filesystem::path& log, int refreshes) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (count_refreshes(log) < refreshes) {
    if (!host.running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("ytpipe did not log " + std::to_string(refreshes) +
                               " refreshes; its log:\n" + ytpipe::kafka::testing::read_text(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    ytpipe::kafka::testing::KafkaBroker broker;
    ytpipe::kafka::testing::create_topic(broker.bootstrap(), kTopic, 3);
    const std::filesystem::path folder = broker.folder() / "rss-bench";
    std::filesystem::create_directories(folder);

    ChildProcess simulator(
        {.argv = {YTPIPE_SIMULATOR, "--port", "0", "--playlist",
                  kPlaylist + "=" + std::to_string(options.videos), "--latency-ms",
                  std::to_string(options.latency_ms), "--daily-quota", "100000000"},
         .environment = {},
         .output = folder / "simulator.log",
         .pipe_stdout = true});
    const auto manifest =
        write_manifest(folder, start_simulator(simulator), broker.bootstrap(), options.sinks);

    const std::filesystem::path log = folder / "ytpipe.log";
    ChildProcess host(
        {.argv = {YTPIPE_EXECUTABLE, "run", manifest.string()}, .environment = {}, .output = log});
    wait_for_refreshes(host, log, options.refreshes);
    host.signal(SIGTERM);
    const std::optional<int> code = host.wait_for(std::chrono::minutes(1));
    if (code != 0) {
      throw std::runtime_error("ytpipe exited with " + (code ? std::to_string(*code) : "nothing") +
                               "; its log:\n" + ytpipe::kafka::testing::read_text(log));
    }
    std::printf("peak RSS %ld KiB: ytpipe run, youtube (%d-entry playlist) -> %s, %d refreshes\n",
                host.peak_rss_kib(), options.videos, options.sinks.c_str(), options.refreshes);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rss_bench: %s\n", e.what());
    return 1;
  }
}
