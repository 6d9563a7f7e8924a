// The fault matrix: one row per fault, each a real `ytpipe run` of the YouTube source on the API
// simulator into Kafka and a JSON-lines file, with the fault injected while it runs.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kafka_broker.hpp"
#include "outcome.hpp"
#include "simulator_control.hpp"

namespace ytpipe::faults {

struct MatrixOptions {
  bool short_form = false;
  std::string only;       // run only the rows whose name contains this
  bool no_mount = false;  // the disk-full row uses a file size limit even where it could mount
};

class Matrix {
 public:
  Matrix(MatrixOptions options, std::filesystem::path root);

  std::vector<Row> run();

 private:
  struct RowSpec {
    std::string name;
    std::function<Row()> run;
  };
  std::vector<RowSpec> rows();

  // A fresh folder, topic and manifest for one row; the simulator is reset.
  ManifestSetup prepare(const std::string& slug, const std::string& bootstrap);

  // The common shape: run until one refresh is done, inject, wait for the effect and more
  // refreshes, stop with SIGTERM, then judge.
  Row simulator_fault(const std::string& fault, const std::string& slug, const std::string& post,
                      const std::vector<std::string>& log_must_match, const std::string& note);

  Row quota_exceeded();
  Row broker_down_then_up();
  Row broker_frozen();
  Row sigterm_while_broker_down();
  Row produce_errors();
  Row sigterm_during_refresh();
  Row sigkill_during_refresh();
  // `at_buffer_bound`: the file sink stays stuck until the host's record buffer is full.
  Row disk_full(bool at_buffer_bound);
  // Without a small filesystem to mount: the same row with a file size limit as the wall.
  Row file_size_limit(Row row, const ManifestSetup& setup, const std::string& why_not_tmpfs,
                      bool at_buffer_bound);
  // Runs until the file sink reports `effect` (and, `at_buffer_bound`, until the buffer is full
  // and the source held back), calls `free_space`, waits for the backlog, stops.
  void full_then_freed(Row& row, const ManifestSetup& setup,
                       const std::vector<std::string>& wrapper, const std::string& effect,
                       bool at_buffer_bound, const std::function<void(PipelineRun&)>& free_space);
  void check_backpressure(Row& row, PipelineRun& run, std::uint64_t bound);

  // Waits until the simulator has received a videos call the source has not had an answer to
  // (a latency fault holds it), i.e. a refresh is in progress.
  bool refresh_in_progress(PipelineRun& run, std::uint64_t videos_before);

  // Waits until both sinks have acknowledged every record emitted before the call: the backlog a
  // fault left behind is gone.
  void wait_for_backlog(PipelineRun& run);

  std::chrono::milliseconds patience() const;
  std::size_t refreshes_per_phase() const { return options_.short_form ? 1 : 3; }

  MatrixOptions options_;
  std::filesystem::path root_;
  std::string playlist_ = "PLfaultMatrix01";
  std::unique_ptr<Simulator> simulator_;
  std::unique_ptr<kafka::testing::KafkaBroker> broker_;
};

// The table the command prints.
std::string format_table(const std::vector<Row>& rows);

}  // namespace ytpipe::faults
