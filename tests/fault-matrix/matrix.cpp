#include "matrix.hpp"

#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "mock_cluster_process.hpp"

namespace ytpipe::faults {
namespace {

using namespace std::chrono_literals;
using kafka::testing::create_topic;

constexpr int kExitSuccess = 0;

// Librdkafka error codes the mock cluster answers Produce requests with: retriable ones a
// healthy cluster does send (leader moved, too few in-sync replicas, request timed out).
constexpr const char* kProduceErrors = "produce-errors 6 6 19 19 7 7 6 19";

std::string fault(const std::string& endpoint, const std::string& kind_and_options, int count) {
  return "fault?endpoint=" + endpoint + "&kind=" + kind_and_options +
         "&count=" + std::to_string(count);
}

std::string mebibytes(long kib) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << static_cast<double>(kib) / 1024.0 << " MiB";
  return text.str();
}

}  // namespace

Matrix::Matrix(MatrixOptions options, std::filesystem::path root)
    : options_(std::move(options)), root_(std::move(root)) {
  simulator_ = std::make_unique<Simulator>(playlist_, options_.short_form ? 150 : 2000,
                                           root_ / "simulator.log");
  broker_ = std::make_unique<kafka::testing::KafkaBroker>();
}

std::chrono::milliseconds Matrix::patience() const {
  return options_.short_form ? 30s : 90s;
}

std::vector<Matrix::RowSpec> Matrix::rows() {
  return {
      {"5xx burst",
       [this] {
         return simulator_fault("5xx burst (503 x3)", "5xx-burst",
                                fault("videos", "status&status=503", 3), {"503.*; retry 1 of 4"},
                                "retried within max_retries; the refresh completes");
       }},
      {"5xx beyond retries",
       [this] {
         return simulator_fault(
             "5xx beyond retries (500 x25)", "5xx-beyond", fault("videos", "status&status=500", 25),
             {"500.*; retry 4 of 4", "ERROR source watched: refresh incomplete: .*failed after 5"},
             "one refresh incomplete (logged as an error), the next one recovers");
       }},
      {"connection resets",
       [this] {
         return simulator_fault("connection resets (x3)", "resets", fault("videos", "reset", 3),
                                {"; retry 1 of 4"}, "TCP reset without a response; retried");
       }},
      {"latency spike",
       [this] {
         return simulator_fault("latency spike (2.5 s > 1 s timeout, x3)", "latency",
                                fault("videos", "latency&ms=2500", 3), {"[Tt]ime.*; retry 1 of 4"},
                                "the call times out after request_timeout and is retried");
       }},
      {"malformed bodies",
       [this] {
         return simulator_fault(
             "malformed bodies (x3)", "malformed", fault("videos", "malformed", 3),
             {"malformed response.*; retry 1 of 4"}, "200 with half a body; retried");
       }},
      {"quotaExceeded", [this] { return quota_exceeded(); }},
      {"broker down then up", [this] { return broker_down_then_up(); }},
      {"broker frozen", [this] { return broker_frozen(); }},
      {"SIGTERM while broker down", [this] { return sigterm_while_broker_down(); }},
      {"produce errors", [this] { return produce_errors(); }},
      {"SIGTERM during refresh", [this] { return sigterm_during_refresh(); }},
      {"SIGKILL during refresh", [this] { return sigkill_during_refresh(); }},
      {"disk full", [this] { return disk_full(false); }},
      {"buffer bound", [this] { return disk_full(true); }},
  };
}

std::vector<Row> Matrix::run() {
  std::vector<Row> results;
  for (const RowSpec& spec : rows()) {
    if (!options_.only.empty() && spec.name.find(options_.only) == std::string::npos) {
      continue;
    }
    std::cerr << "fault-matrix: " << spec.name << " ..." << std::endl;
    try {
      results.push_back(spec.run());
    } catch (const std::exception& e) {
      Row row = make_row(spec.name, "", "");
      row.problems.push_back(std::string("the row could not run: ") + e.what());
      results.push_back(row);
    }
    const Row& row = results.back();
    std::cerr << "fault-matrix: " << spec.name << ": " << (row.passed() ? "pass" : "FAIL");
    for (const std::string& problem : row.problems) {
      std::cerr << "\n  - " << problem;
    }
    std::cerr << std::endl;
  }
  return results;
}

ManifestSetup Matrix::prepare(const std::string& slug, const std::string& bootstrap) {
  const std::filesystem::path folder = root_ / slug;
  std::filesystem::create_directories(folder);
  simulator_->reset();
  return {.folder = folder,
          .file_path = folder / "videos.jsonl",
          .api_base = simulator_->api_base(),
          .playlist = playlist_,
          .bootstrap = bootstrap,
          .topic = "faults-" + slug,
          .interval = options_.short_form ? "1s" : "2s",
          .shutdown_timeout = "20s",
          .kafka_extra = ""};
}

Row Matrix::simulator_fault(const std::string& fault_name, const std::string& slug,
                            const std::string& post, const std::vector<std::string>& log_must_match,
                            const std::string& note) {
  Row row = make_row(fault_name, "broker", note);
  const ManifestSetup setup = prepare(slug, broker_->bootstrap());
  create_topic(setup.bootstrap, setup.topic, 3);
  PipelineRun run(write_manifest(setup), setup.folder / "ytpipe.log", false);

  if (!run.wait_for_refreshes(1, patience())) {
    row.problems.push_back("no refresh completed before the fault");
  }
  simulator_->post(post);
  const std::size_t before = run.refreshes();
  run.wait_for_refreshes(before + refreshes_per_phase() + 1, patience());
  run.signal(SIGTERM);
  const RunEnd end = run.finish(60s);

  judge_run(row, end, read_stored(setup.bootstrap, setup.topic, setup.file_path), kExitSuccess,
            log_must_match);
  return row;
}

Row Matrix::quota_exceeded() {
  Row row = make_row("quotaExceeded (quota left 0)", "broker",
                     "waits for the Pacific reset; no API call while it waits");
  const ManifestSetup setup = prepare("quota", broker_->bootstrap());
  create_topic(setup.bootstrap, setup.topic, 3);
  PipelineRun run(write_manifest(setup), setup.folder / "ytpipe.log", false);

  run.wait_for_refreshes(1, patience());
  simulator_->post("quota?left=0");
  const bool reported = run.wait_for_text("daily API quota exhausted (quotaExceeded)", patience());
  const std::uint64_t calls_when_reported = simulator_->requests().total();
  // Several intervals: a source that ignored the reset would call again each time.
  std::this_thread::sleep_for(options_.short_form ? 3s : 8s);
  const std::uint64_t calls_later = simulator_->requests().total();
  run.signal(SIGTERM);
  const RunEnd end = run.finish(60s);

  judge_run(row, end, read_stored(setup.bootstrap, setup.topic, setup.file_path), kExitSuccess,
            {"no calls until the reset at "});
  if (reported && calls_later != calls_when_reported) {
    row.problems.push_back(std::to_string(calls_later - calls_when_reported) +
                           " API calls while the quota was exhausted");
  }
  return row;
}

Row Matrix::broker_down_then_up() {
  Row row =
      make_row("Kafka broker down, then up", "broker",
               "real broker stopped for several refreshes; idempotent retries must not double");
  const ManifestSetup setup = prepare("broker-down", broker_->bootstrap());
  create_topic(setup.bootstrap, setup.topic, 3);
  PipelineRun run(write_manifest(setup), setup.folder / "ytpipe.log", false);

  run.wait_for_refreshes(1, patience());
  broker_->stop();
  const std::size_t before = run.refreshes();
  run.wait_for_refreshes(before + refreshes_per_phase() + 1, patience());
  broker_->start();
  // Caught up: everything the source emitted so far is acknowledged by Kafka.
  wait_for_backlog(run);
  run.signal(SIGTERM);
  const RunEnd end = run.finish(60s);

  judge_run(row, end, read_stored(setup.bootstrap, setup.topic, setup.file_path), kExitSuccess,
            {"every broker is unreachable"});
  return row;
}

Row Matrix::broker_frozen() {
  Row row = make_row("Kafka broker frozen (acks lost)", "broker",
                     "SIGSTOP for longer than socket.timeout.ms (1.5 s): requests time out and "
                     "are retried though the broker may have stored them; the real broker must "
                     "keep one copy (the mock would keep two)");
  ManifestSetup setup = prepare("broker-frozen", broker_->bootstrap());
  setup.kafka_extra = "\"socket.timeout.ms\" = \"1500\"\n";
  create_topic(setup.bootstrap, setup.topic, 3);
  PipelineRun run(write_manifest(setup), setup.folder / "ytpipe.log", false);

  run.wait_for_refreshes(1, patience());
  const std::size_t before = run.refreshes();
  // Frozen while the next refresh's records are produced, so some requests are in flight.
  run.wait_until([&] { return run.refreshes() > before; }, patience());
  broker_->freeze();
  std::this_thread::sleep_for(options_.short_form ? 4s : 10s);
  broker_->thaw();
  wait_for_backlog(run);
  run.signal(SIGTERM);
  const RunEnd end = run.finish(60s);

  judge_run(row, end, read_stored(setup.bootstrap, setup.topic, setup.file_path), kExitSuccess,
            {"librdkafka .*[Tt]imed out"});
  return row;
}

Row Matrix::sigterm_while_broker_down() {
  Row row = make_row("SIGTERM while the broker is down, restart", "broker",
                     "undelivered records go to the spool (exit 75); the restart sends them first");
  ManifestSetup setup = prepare("spool", broker_->bootstrap());
  setup.shutdown_timeout = "3s";
  create_topic(setup.bootstrap, setup.topic, 3);
  const std::filesystem::path manifest = write_manifest(setup);

  PipelineRun stopped(manifest, setup.folder / "ytpipe-stopped.log", false);
  stopped.wait_for_refreshes(1, patience());
  broker_->stop();
  const std::size_t before = stopped.refreshes();
  stopped.wait_for_refreshes(before + refreshes_per_phase(), patience());
  stopped.signal(SIGTERM);
  const RunEnd stopped_end = stopped.finish(60s);
  broker_->start();
  constexpr int kExitUndelivered = 75;
  record_run(row, stopped_end, kExitUndelivered, {"kept [1-9][0-9]* undelivered records in"});
  const std::uint64_t spooled =
      stopped_end.summary ? stopped_end.summary->sinks.at("stream").undelivered : 0;
  if (spooled == 0) {
    row.problems.push_back("nothing was left undelivered: the broker outage did not bite");
  }

  // The restart: its own records plus the spooled ones, all in Kafka once.
  PipelineRun restarted(manifest, setup.folder / "ytpipe.log", true);
  const RunEnd end = restarted.finish(patience());
  row.delivered += spooled;
  const Stored stored = read_stored(setup.bootstrap, setup.topic, setup.file_path);
  judge_run(row, end, stored, kExitSuccess,
            {"sending [1-9][0-9]* spooled records", "every spooled record is delivered"});
  return row;
}

Row Matrix::produce_errors() {
  Row row = make_row("Produce errors (6, 19, 7 x8)", "mock",
                     "errors injected on cue need the mock; it refuses before storing, so a "
                     "doubled record here would be ytpipe's");
  kafka::testing::MockClusterProcess cluster(1, "faults-produce-errors", 3,
                                             root_ / "mock-cluster.log");
  ManifestSetup setup = prepare("produce-errors", cluster.bootstrap());
  // librdkafka reports a refused Produce and its retry only in its "msg" debug context.
  setup.kafka_extra = "debug = \"msg\"\n";
  PipelineRun run(write_manifest(setup), setup.folder / "ytpipe.log", false);

  run.wait_for_refreshes(1, patience());
  cluster.command(kProduceErrors);
  const std::size_t before = run.refreshes();
  run.wait_for_refreshes(before + refreshes_per_phase() + 1, patience());
  run.signal(SIGTERM);
  const RunEnd end = run.finish(60s);

  judge_run(row, end, read_stored(setup.bootstrap, setup.topic, setup.file_path), kExitSuccess,
            {"encountered error: Broker: (Not leader|Not enough in-sync|Request timed out)"});
  return row;
}

namespace {

// Every line the restarted run appended (it acknowledged them all) is in Kafka too.
void check_restart_in_kafka(Row& row, const Stored& stored, std::size_t lines_before) {
  std::set<std::string> in_kafka;
  for (const auto& message : stored.kafka) {
    in_kafka.insert(message.value);
  }
  std::uint64_t missing = 0;
  for (std::size_t i = lines_before; i < stored.file_lines.size(); ++i) {
    missing += in_kafka.contains(stored.file_lines[i]) ? 0 : 1;
  }
  if (missing > 0) {
    row.lost += missing;
    row.problems.push_back(std::to_string(missing) +
                           " records of the restarted run are in the file but not in Kafka");
  }
}

}  // namespace

void Matrix::wait_for_backlog(PipelineRun& run) {
  // A summary line from after the recovery names the records emitted so far.
  std::this_thread::sleep_for(1100ms);
  const std::uint64_t target = run.latest_counts().records_in;
  run.wait_until(
      [&] {
        const PeriodicCounts counts = run.latest_counts();
        return counts.stream_delivered >= target && counts.archive_delivered >= target;
      },
      2 * patience());
}

bool Matrix::refresh_in_progress(PipelineRun& run, std::uint64_t videos_before) {
  return run.wait_until([&] { return simulator_->requests().videos > videos_before; }, patience());
}

Row Matrix::sigterm_during_refresh() {
  Row row = make_row("SIGTERM during a refresh", "broker",
                     "videos calls held 3 s by the simulator when the signal arrives");
  const ManifestSetup setup = prepare("sigterm", broker_->bootstrap());
  create_topic(setup.bootstrap, setup.topic, 3);
  PipelineRun run(write_manifest(setup), setup.folder / "ytpipe.log", false);

  run.wait_for_refreshes(refreshes_per_phase(), patience());
  const std::uint64_t videos_before = simulator_->requests().videos;
  simulator_->post(fault("videos", "latency&ms=3000", 1000));
  if (!refresh_in_progress(run, videos_before)) {
    row.problems.push_back("no refresh started after the latency fault");
  }
  run.signal(SIGTERM);
  const RunEnd end = run.finish(60s);
  simulator_->reset();

  judge_run(row, end, read_stored(setup.bootstrap, setup.topic, setup.file_path), kExitSuccess,
            {"stopping \\(SIGTERM received\\)", "finished: every record has an outcome"});
  return row;
}

Row Matrix::sigkill_during_refresh() {
  Row row =
      make_row("SIGKILL during a refresh, restart", "broker",
               "acknowledged before the kill (last periodic summary) must survive the restart");
  const ManifestSetup setup = prepare("sigkill", broker_->bootstrap());
  create_topic(setup.bootstrap, setup.topic, 3);
  const std::filesystem::path manifest = write_manifest(setup);

  PipelineRun killed(manifest, setup.folder / "ytpipe-killed.log", false);
  killed.wait_for_refreshes(refreshes_per_phase() + 1, patience());
  // A periodic summary after the last refresh, so it counts that refresh's acknowledgements.
  killed.wait_until(
      [&] { return killed.latest_counts().archive_delivered == killed.latest_counts().records_in; },
      patience());
  const std::uint64_t videos_before = simulator_->requests().videos;
  simulator_->post(fault("videos", "latency&ms=3000", 1000));
  if (!refresh_in_progress(killed, videos_before)) {
    row.problems.push_back("no refresh started after the latency fault");
  }
  const PeriodicCounts acknowledged = killed.latest_counts();
  killed.signal(SIGKILL);
  const RunEnd killed_end = killed.finish(30s);
  row.peak_rss_kib = killed_end.peak_rss_kib;
  const std::vector<std::string> file_before = whole_lines(setup.file_path);
  simulator_->reset();

  PipelineRun restarted(manifest, setup.folder / "ytpipe.log", true);
  const RunEnd end = restarted.finish(patience());
  const Stored stored = read_stored(setup.bootstrap, setup.topic, setup.file_path);

  // The restarted run's own records: judged as any run, then the killed run's acknowledged ones.
  row.expected = acknowledged.stream_delivered;
  row.delivered = acknowledged.stream_delivered;
  row.file_delivered = acknowledged.archive_delivered;
  // A killed run leaves records in Kafka whose acknowledgement it never saw and lines written
  // but not yet synced, so the two sinks may differ by those; the checks below cover the rest.
  judge_run(row, end, stored, kExitSuccess, {"appending to .* \\([1-9][0-9]* bytes\\)"}, false);
  check_restart_in_kafka(row, stored, file_before.size());
  const std::size_t kept =
      std::min<std::size_t>(file_before.size(), acknowledged.archive_delivered);
  const std::vector<std::string> file_after = whole_lines(setup.file_path);
  for (std::size_t i = 0; i < kept; ++i) {
    if (i >= file_after.size() || file_after[i] != file_before[i]) {
      row.problems.push_back("line " + std::to_string(i + 1) +
                             " acknowledged before the kill changed or went missing");
      break;
    }
  }
  if (file_before.size() < acknowledged.archive_delivered) {
    row.problems.push_back("the file held fewer lines than were acknowledged before the kill");
  }
  return row;
}

Row Matrix::disk_full(bool at_buffer_bound) {
  // The buffer-bound row's buffer is small, so a stuck sink fills it in seconds.
  const std::uint64_t small_buffer = options_.short_form ? 1u << 20 : 2u << 20;
  const std::string bound = std::to_string(small_buffer >> 20) + " MiB";
  Row row =
      at_buffer_bound
          ? make_row("file sink stuck until the buffer bound (" + bound + "), then freed", "broker",
                     "max_buffer_bytes = " + bound +
                         ": the source must be held back, the buffer never past its bound")
          : make_row("disk full (file sink), then space freed", "broker",
                     "file on a small tmpfs that another file fills to 8 KiB of free space; "
                     "that file is then removed");
  ManifestSetup setup =
      prepare(at_buffer_bound ? "buffer-bound" : "disk-full", broker_->bootstrap());
  setup.max_buffer_bytes = at_buffer_bound ? small_buffer : 0;
  const std::filesystem::path disk = setup.folder / "disk";
  std::filesystem::create_directories(disk);
  if (options_.no_mount) {
    return file_size_limit(row, setup, "--no-mount", at_buffer_bound);
  }
  // Room for all the records the row writes once the filler is gone.
  const std::string size = options_.short_form ? "size=8m" : "size=64m";
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, size.c_str()) != 0) {
    return file_size_limit(row, setup, std::string("mount: ") + std::strerror(errno),
                           at_buffer_bound);
  }
  setup.file_path = disk / "videos.jsonl";
  try {
    // Leave room for a few records only, so the first refresh already hits the wall.
    const std::filesystem::path filler = disk / "filler";
    struct statvfs space {};
    ::statvfs(disk.c_str(), &space);
    const std::uint64_t free_bytes = space.f_bavail * space.f_frsize;
    std::ofstream(filler, std::ios::binary) << std::string(free_bytes - 8 * 1024, 'x');
    full_then_freed(row, setup, {}, "No space left on device", at_buffer_bound,
                    [&](PipelineRun&) { std::filesystem::remove(filler); });
  } catch (...) {
    ::umount2(disk.c_str(), MNT_DETACH);
    throw;
  }
  ::umount2(disk.c_str(), MNT_DETACH);
  return row;
}

Row Matrix::file_size_limit(Row row, const ManifestSetup& setup, const std::string& why_not_tmpfs,
                            bool at_buffer_bound) {
  row.note +=
      "; no tmpfs (" + why_not_tmpfs +
      "), so a soft RLIMIT_FSIZE of 512 KiB stands in for a full disk: writes past it "
      "fail with EFBIG instead of ENOSPC, and the limit is lifted instead of a file removed";
  // SIGXFSZ would kill ytpipe at the limit; ignored, the write fails instead. An ignored signal
  // stays ignored across exec.
  ::signal(SIGXFSZ, SIG_IGN);
  // Only the soft limit: raising it again needs no privilege.
  full_then_freed(row, setup, {"prlimit", "--fsize=524288:unlimited"}, "File too large",
                  at_buffer_bound, [&row](PipelineRun& run) {
                    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
                    if (::prlimit(run.pid(), RLIMIT_FSIZE, &unlimited, nullptr) != 0) {
                      row.problems.push_back(std::string("cannot lift the file size limit: ") +
                                             std::strerror(errno));
                    }
                  });
  return row;
}

void Matrix::full_then_freed(Row& row, const ManifestSetup& setup,
                             const std::vector<std::string>& wrapper, const std::string& effect,
                             bool at_buffer_bound,
                             const std::function<void(PipelineRun&)>& free_space) {
  create_topic(setup.bootstrap, setup.topic, 3);
  PipelineRun run(write_manifest(setup), setup.folder / "ytpipe.log", false, wrapper);
  run.wait_for_text(effect, 2 * patience());
  if (at_buffer_bound) {
    check_backpressure(row, run, setup.max_buffer_bytes);
  } else {
    run.wait_for_refreshes(run.refreshes() + refreshes_per_phase(), patience());
  }
  free_space(run);
  wait_for_backlog(run);
  run.signal(SIGTERM);
  const RunEnd end = run.finish(60s);

  std::vector<std::string> log_must_match{effect, "sink archive: restarted"};
  if (at_buffer_bound) {
    log_must_match.push_back("source watched: held back [0-9]+ ms.*: the record buffer is full");
  }
  judge_run(row, end, read_stored(setup.bootstrap, setup.topic, setup.file_path), kExitSuccess,
            log_must_match);
  const std::smatch peak = [&] {
    std::smatch match;
    std::regex_search(end.log, match, std::regex("peak_buffered_bytes=([0-9]+)"));
    return match;
  }();
  if (at_buffer_bound && !peak.empty() && std::stoull(peak[1]) > setup.max_buffer_bytes) {
    row.problems.push_back("the buffer grew to " + std::string(peak[1]) + " bytes, past its bound");
  }
}

void Matrix::check_backpressure(Row& row, PipelineRun& run, std::uint64_t bound) {
  const bool filled = run.wait_until(
      [&] { return run.latest_counts().buffered_bytes > bound * 9 / 10; }, 2 * patience());
  if (!filled) {
    row.problems.push_back("the buffer never came near its bound of " + std::to_string(bound));
    return;
  }
  // Held back: once the last room is taken (a few more refreshes' worth), the source emits
  // nothing while the sink is stuck, though its interval comes round every second or two.
  std::this_thread::sleep_for(3s);
  const std::uint64_t in_when_full = run.latest_counts().records_in;
  std::this_thread::sleep_for(options_.short_form ? 4s : 8s);
  const std::uint64_t in_later = run.latest_counts().records_in;
  if (in_later != in_when_full) {
    row.problems.push_back("the source went on emitting with the buffer full (" +
                           std::to_string(in_later - in_when_full) + " more records)");
  }
}

std::string format_table(const std::vector<Row>& rows) {
  std::ostringstream table;
  table << "| fault | kafka | expected | delivered (kafka/file) | lost | duplicated | peak RSS | "
           "verdict | note |\n"
        << "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n";
  for (const Row& row : rows) {
    std::string note = row.note;
    for (const std::string& problem : row.problems) {
      note += "; " + problem;
    }
    table << "| " << row.fault << " | " << row.kafka << " | " << row.expected << " | "
          << row.delivered << "/" << row.file_delivered << " | " << row.lost << " | "
          << row.duplicated << " | " << mebibytes(row.peak_rss_kib) << " | "
          << (row.passed() ? "pass" : "FAIL") << " | " << note << " |\n";
  }
  table << "\npeak RSS limit: " << mebibytes(kRssLimitKib)
        << (kRssLimitChecked ? "" : " (not checked: sanitizer build)") << "\n";
  return table.str();
}

}  // namespace ytpipe::faults
