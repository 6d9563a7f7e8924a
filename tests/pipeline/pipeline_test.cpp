// Whole pipelines run by the real `ytpipe` executable with the real generator, discard and file
// plugins: what a user sees in exit codes, logs and delivered records.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "run_summary.hpp"
#include "ytpipe_process.hpp"

namespace ytpipe::test {
namespace {

namespace fs = std::filesystem;

// Adds up every sink's outcomes against the records the sources handed over.
void expect_counts_add_up(const RunSummary& summary) {
  for (const auto& [name, sink] : summary.sinks) {
    EXPECT_EQ(sink.in, sink.delivered + sink.failed + sink.undelivered) << "sink " << name;
  }
}

int count_occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

// The "seq" of every line of a file sink's output, in file order.
std::vector<long> sequence_numbers(const fs::path& file) {
  std::ifstream in(file);
  std::vector<long> numbers;
  std::string line;
  const std::regex seq("^\\{\"seq\":([0-9]+),");
  while (std::getline(in, line)) {
    std::smatch match;
    if (std::regex_search(line, match, seq)) {
      numbers.push_back(std::stol(match[1]));
    }
  }
  return numbers;
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              ("ytpipe-pipeline-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }

  void TearDown() override {
    if (!HasFailure()) {
      fs::remove_all(folder_);
    }
  }

  // A manifest with the given [host] extras and instance tables; plugins come from the build.
  fs::path write_manifest(const std::string& host_extras, const std::string& instances) {
    const fs::path manifest = folder_ / "pipeline.toml";
    std::ofstream out(manifest);
    out << "[host]\n"
        << "plugin_dirs = [\"" << YTPIPE_PLUGIN_DIR << "\"]\n"
        << "data_dir = \"" << (folder_ / "data").string() << "\"\n"
        << host_extras << "\n"
        << instances;
    return manifest;
  }

  ProcessResult run_once(const fs::path& manifest) {
    ProcessResult result = run_ytpipe({"run", manifest.string(), "--once"}, folder_ / "log.txt");
    if (result.exit_code != 0) {
      std::cerr << result.log;
    }
    return result;
  }

  RunSummary summary_of(const ProcessResult& result) {
    const std::optional<RunSummary> summary = parse_final_summary(result.log);
    EXPECT_TRUE(summary.has_value()) << result.log;
    return summary.value_or(RunSummary{});
  }

  fs::path folder_;
};

TEST_F(PipelineTest, OnceDeliversEveryRecordAndTheCountsAddUp) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = 25000

[[sink]]
name = "sink"
plugin = "discard"
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  const RunSummary summary = summary_of(result);
  EXPECT_EQ(summary.records_in, 25000u);
  EXPECT_EQ(summary.sinks.at("sink").in, 25000u);
  EXPECT_EQ(summary.sinks.at("sink").delivered, 25000u);
  EXPECT_EQ(summary.sinks.at("sink").undelivered, 0u);
  expect_counts_add_up(summary);
}

TEST_F(PipelineTest, PartialAcceptsAndRejectedRecordsAreCountedOnce) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = 10000

[[sink]]
name = "picky"
plugin = "discard"
[sink.config]
accept_max = 7
reject_every = 10
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  const RunSummary summary = summary_of(result);
  EXPECT_EQ(summary.sinks.at("picky").failed, 1000u);
  EXPECT_EQ(summary.sinks.at("picky").delivered, 9000u);
  EXPECT_NE(result.log.find("rejected on cue"), std::string::npos);
  expect_counts_add_up(summary);
}

// 50,000 records of 8 KiB would hold about 400 MB if the host buffered them all.
TEST_F(PipelineTest, SlowSinkKeepsHostMemoryWithinTheBuffer) {
  const fs::path manifest = write_manifest("max_buffer_bytes = 4194304", R"(
[[source]]
name = "big"
plugin = "generator"
[source.config]
count = 50000
payload_bytes = 8192
batch = 64

[[sink]]
name = "slow"
plugin = "discard"
[sink.config]
delay = "1ms"
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  EXPECT_EQ(summary_of(result).sinks.at("slow").delivered, 50000u);
  std::cout << "peak RSS with a 4 MiB buffer and 400 MB passing through: "
            << result.peak_rss_kib / 1024 << " MiB\n";
#ifndef __SANITIZE_ADDRESS__
  // AddressSanitizer keeps freed memory in quarantine, so RSS says nothing under it.
  EXPECT_LT(result.peak_rss_kib, 60 * 1024);
#endif
  const std::regex peak("peak_buffered_bytes=([0-9]+)");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(result.log, match, peak)) << result.log;
  EXPECT_LE(std::stoull(match[1]), 4194304u);
}

// 40 writes of 50 records, 100 ms each: the source spends about 4 s waiting for room.
TEST_F(PipelineTest, SourceHeldBackBySlowSinkIsLoggedOnce) {
  const fs::path manifest = write_manifest("max_buffer_bytes = 65536", R"(
[[source]]
name = "fast"
plugin = "generator"
[source.config]
count = 2000
payload_bytes = 1000
batch = 50

[[sink]]
name = "slow"
plugin = "discard"
[sink.config]
delay = "100ms"
accept_max = 50
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  EXPECT_EQ(summary_of(result).sinks.at("slow").delivered, 2000u);
  const std::regex notice(
      "WARN source fast: held back [0-9]+ ms: the record buffer is full \\([0-9]+ of 65536 "
      "bytes\\); a sink takes records more slowly than the sources make them");
  EXPECT_TRUE(std::regex_search(result.log, notice)) << result.log;
  EXPECT_EQ(count_occurrences(result.log, "held back"), 1) << result.log;
}

TEST_F(PipelineTest, UnhinderedRunSaysNothingAboutBackpressure) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = 1000

[[sink]]
name = "out"
plugin = "discard"
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  EXPECT_EQ(count_occurrences(result.log, "held back"), 0) << result.log;
}

TEST_F(PipelineTest, FailingSinkIsRestartedAndEveryRecordStillArrives) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = 20000
batch = 500

[[sink]]
name = "flaky"
plugin = "discard"
[sink.config]
fail_after = 3000
failures = 2
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  EXPECT_EQ(count_occurrences(result.log, "sink flaky: restarted"), 2) << result.log;
  const RunSummary summary = summary_of(result);
  EXPECT_EQ(summary.sinks.at("flaky").delivered, 20000u);
  expect_counts_add_up(summary);
}

TEST_F(PipelineTest, FailingSourceIsRestartedAndResumesWhereItStopped) {
  const fs::path output = folder_ / "out.jsonl";
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = 10000
batch = 300
fail_after = 2500
failures = 3

[[sink]]
name = "archive"
plugin = "file"
[sink.config]
path = ")" + output.string() + R"("
fsync = "never"
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  EXPECT_EQ(count_occurrences(result.log, "source numbers: restarted"), 3) << result.log;
  const std::vector<long> lines = sequence_numbers(output);
  ASSERT_EQ(lines.size(), 10000u);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    ASSERT_EQ(lines[index], static_cast<long>(index));
  }
}

TEST_F(PipelineTest, OnceGivesUpOnASourceCycleThatKeepsFailing) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "broken"
plugin = "generator"
[source.config]
count = 1000
fail_after = 10
failures = 100

[[sink]]
name = "sink"
plugin = "discard"
)");

  YtpipeProcess process({"run", "--once", manifest.string()}, folder_ / "log.txt");
  const ProcessResult result = process.wait(std::chrono::seconds(20));

  EXPECT_EQ(result.exit_code, 1) << result.log;
  EXPECT_NE(result.log.find("giving up after 5 attempts at the --once cycle"), std::string::npos)
      << result.log;
  const RunSummary summary = summary_of(result);
  expect_counts_add_up(summary);
  EXPECT_EQ(summary.sinks.at("sink").undelivered, 0u);
}

TEST_F(PipelineTest, FanOutDeliversEveryRecordToEachSink) {
  const fs::path output = folder_ / "out.jsonl";
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = 8000

[[sink]]
name = "first"
plugin = "discard"

[[sink]]
name = "second"
plugin = "discard"
[sink.config]
accept_max = 100

[[sink]]
name = "archive"
plugin = "file"
inputs = ["numbers"]
[sink.config]
path = ")" + output.string() + R"("
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  const RunSummary summary = summary_of(result);
  for (const char* sink : {"first", "second", "archive"}) {
    EXPECT_EQ(summary.sinks.at(sink).delivered, 8000u) << sink;
  }
  EXPECT_EQ(sequence_numbers(output).size(), 8000u);
}

// Stopped mid-run: the drain either completes (0) or the log says what is left (75); either
// way every record the file sink acknowledged is in the file.
TEST_F(PipelineTest, SigtermMidRunDrainsAndKeepsEveryAcknowledgedRecord) {
  const fs::path output = folder_ / "out.jsonl";
  const fs::path manifest = write_manifest("shutdown_timeout = \"2s\"\nmax_buffer_bytes = 1048576",
                                           R"(
[[source]]
name = "endless"
plugin = "generator"
[source.config]
count = 0
payload_bytes = 200

[[sink]]
name = "archive"
plugin = "file"
[sink.config]
path = ")" + output.string() + R"("

[[sink]]
name = "slow"
plugin = "discard"
[sink.config]
delay = "20ms"
accept_max = 200
)");

  YtpipeProcess process({"run", manifest.string()}, folder_ / "log.txt");
  ASSERT_TRUE(process.wait_for_log("pipeline: running", std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  process.send(SIGTERM);
  const ProcessResult result = process.wait(std::chrono::seconds(20));

  EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 75) << result.log;
  EXPECT_NE(result.log.find("stopping (SIGTERM received)"), std::string::npos);
  const RunSummary summary = summary_of(result);
  expect_counts_add_up(summary);
  EXPECT_GT(summary.records_in, 0u);
  EXPECT_GE(sequence_numbers(output).size(), summary.sinks.at("archive").delivered);
  if (result.exit_code == 75) {
    EXPECT_NE(result.log.find("records undelivered: "), std::string::npos);
  }
}

TEST_F(PipelineTest, DrainCutShortByTheTimeoutExitsWithUndeliveredCount) {
  const fs::path manifest =
      write_manifest("shutdown_timeout = \"300ms\"\nmax_buffer_bytes = 1048576",
                     R"(
[[source]]
name = "endless"
plugin = "generator"
[source.config]
count = 0

[[sink]]
name = "crawl"
plugin = "discard"
[sink.config]
delay = "100ms"
accept_max = 10
)");

  YtpipeProcess process({"run", manifest.string()}, folder_ / "log.txt");
  ASSERT_TRUE(process.wait_for_log("pipeline: running", std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  process.send(SIGTERM);
  const ProcessResult result = process.wait(std::chrono::seconds(10));

  ASSERT_EQ(result.exit_code, 75) << result.log;
  const RunSummary summary = summary_of(result);
  expect_counts_add_up(summary);
  const SinkOutcomes& crawl = summary.sinks.at("crawl");
  EXPECT_GT(crawl.undelivered, 0u);
  EXPECT_NE(
      result.log.find("records undelivered: sink crawl: " + std::to_string(crawl.undelivered)),
      std::string::npos)
      << result.log;
  EXPECT_LT(result.elapsed, std::chrono::seconds(5));
}

TEST_F(PipelineTest, OnceDrainIsBoundedByTheShutdownTimeout) {
  const fs::path manifest =
      write_manifest("shutdown_timeout = \"500ms\"\nmax_buffer_bytes = 1048576",
                     R"(
[[source]]
name = "burst"
plugin = "generator"
[source.config]
count = 5000

[[sink]]
name = "crawl"
plugin = "discard"
[sink.config]
delay = "100ms"
accept_max = 10
)");

  YtpipeProcess process({"run", "--once", manifest.string()}, folder_ / "log.txt");
  const ProcessResult result = process.wait(std::chrono::seconds(15));

  ASSERT_EQ(result.exit_code, 75) << result.log;
  EXPECT_NE(result.log.find("drain cut short (shutdown timeout of 500 ms ran out)"),
            std::string::npos)
      << result.log;
  const RunSummary summary = summary_of(result);
  expect_counts_add_up(summary);
  EXPECT_GT(summary.sinks.at("crawl").undelivered, 0u);
}

TEST_F(PipelineTest, SecondSignalCutsTheDrainShort) {
  const fs::path manifest = write_manifest("shutdown_timeout = \"60s\"", R"(
[[source]]
name = "endless"
plugin = "generator"
[source.config]
count = 0

[[sink]]
name = "crawl"
plugin = "discard"
[sink.config]
delay = "100ms"
accept_max = 10
)");

  YtpipeProcess process({"run", manifest.string()}, folder_ / "log.txt");
  ASSERT_TRUE(process.wait_for_log("pipeline: running", std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  process.send(SIGINT);
  ASSERT_TRUE(process.wait_for_log("stopping (SIGINT received)", std::chrono::seconds(5)));
  process.send(SIGINT);
  const ProcessResult result = process.wait(std::chrono::seconds(10));

  EXPECT_EQ(result.exit_code, 75) << result.log;
  EXPECT_NE(result.log.find("drain cut short (SIGINT received again)"), std::string::npos);
  expect_counts_add_up(summary_of(result));
}

TEST_F(PipelineTest, SinkStuckInAPluginCallDoesNotKeepTheProcessAlive) {
  const fs::path manifest = write_manifest("shutdown_timeout = \"200ms\"", R"(
[[source]]
name = "endless"
plugin = "generator"
[source.config]
count = 0

[[sink]]
name = "hung"
plugin = "discard"
[sink.config]
delay = "1h"
ignore_stop = true
)");

  YtpipeProcess process({"run", manifest.string()}, folder_ / "log.txt");
  ASSERT_TRUE(process.wait_for_log("pipeline: running", std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  process.send(SIGTERM);
  const ProcessResult result = process.wait(std::chrono::seconds(20));

  EXPECT_EQ(result.exit_code, 75) << result.log;
  EXPECT_NE(result.log.find("sink hung is stuck in a plugin call"), std::string::npos)
      << result.log;
  EXPECT_LT(result.elapsed, std::chrono::seconds(10));
  expect_counts_add_up(summary_of(result));
}

TEST_F(PipelineTest, FatalPluginErrorStopsWithExitOneAndItsMessage) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = 0

[[sink]]
name = "doomed"
plugin = "discard"
[sink.config]
fatal_after = 500
)");

  const ProcessResult result = run_ytpipe({"run", manifest.string()}, folder_ / "log.txt");

  EXPECT_EQ(result.exit_code, 1) << result.log;
  EXPECT_NE(result.log.find("failed: sink doomed: stopping fatally after 500 records"),
            std::string::npos)
      << result.log;
  expect_counts_add_up(summary_of(result));
}

TEST_F(PipelineTest, InstanceThatCannotStartIsAConfigurationError) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "stubborn"
plugin = "generator"
[source.config]
fail_on_create = true

[[sink]]
name = "sink"
plugin = "discard"
)");

  const ProcessResult result = run_ytpipe({"run", manifest.string()}, folder_ / "log.txt");

  EXPECT_EQ(result.exit_code, 78) << result.log;
  EXPECT_NE(result.log.find("source stubborn"), std::string::npos) << result.log;
  EXPECT_NE(result.log.find("ytpipe-generator.so"), std::string::npos) << result.log;
  EXPECT_NE(result.log.find("refusing to start"), std::string::npos) << result.log;
  EXPECT_NE(result.log.find("pipeline.toml:"), std::string::npos) << result.log;
  EXPECT_EQ(result.log.find("pipeline: running"), std::string::npos) << result.log;
}

TEST_F(PipelineTest, GeneratorRejectsANegativeCountAtItsPlaceInTheManifest) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = -5

[[sink]]
name = "sink"
plugin = "discard"
)");

  const ProcessResult result = run_ytpipe({"run", manifest.string()}, folder_ / "log.txt");

  EXPECT_EQ(result.exit_code, 78) << result.log;
  EXPECT_NE(result.log.find("pipeline.toml:10:9"), std::string::npos) << result.log;
  EXPECT_NE(result.log.find("expected an integer of at least 0, found -5"), std::string::npos)
      << result.log;
}

TEST_F(PipelineTest, SinkTakesOnlyTheSourcesNamedInItsInputs) {
  const fs::path manifest = write_manifest("", R"(
[[source]]
name = "few"
plugin = "generator"
[source.config]
count = 300

[[source]]
name = "many"
plugin = "generator"
[source.config]
count = 5000

[[sink]]
name = "only_few"
plugin = "discard"
inputs = ["few"]

[[sink]]
name = "everything"
plugin = "discard"
)");

  const ProcessResult result = run_once(manifest);

  ASSERT_EQ(result.exit_code, 0) << result.log;
  const RunSummary summary = summary_of(result);
  EXPECT_EQ(summary.records_in, 5300u);
  EXPECT_EQ(summary.sinks.at("only_few").delivered, 300u);
  EXPECT_EQ(summary.sinks.at("everything").delivered, 5300u);
}

}  // namespace
}  // namespace ytpipe::test
