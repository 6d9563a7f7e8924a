// The `file` sink: each record's value becomes one line of a JSON Lines file.
//
// Delivery: a record is acknowledged only after its line is written and synced per `fsync`.
//   always  each record is written, fdatasync'ed and acknowledged on its own: slowest, and after
//           a crash at most one record is written but unacknowledged (and so written again).
//   batch   the records of one write() call go out in one write(2); a commit thread then runs
//           fdatasync and acknowledges every record written before that fdatasync started
//           (group commit: while one fdatasync runs, later batches queue for the next one).
//   never   acknowledged after write(2): survives a crash of ytpipe, not of the machine.
// Records whose value would not make one JSON Lines line (empty, or containing '\n') are
// reported as failed and never written. Keys, timestamps and headers are not stored.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <ytpipe/sdk.hpp>

#include "group_commit.hpp"
#include "line_file.hpp"

namespace ytpipe::file_sink {
namespace {

constexpr std::chrono::seconds kRefusalLogInterval{10};

const ConfigKey kKeys[] = {
    {.name = "path",
     .type = ConfigType::String,
     .required = true,
     .doc = "file to append one JSON value per line to; missing parent folders are created"},
    {.name = "fsync",
     .type = ConfigType::String,
     .default_value = "batch",
     .doc = "when records count as durable: always (fsync each record), batch (fsync each "
            "batch), never (after write, no fsync)"},
    {.name = "max_bytes",
     .type = ConfigType::Integer,
     .default_value = "0",
     .doc = "start a new file before this one would grow past this many bytes; 0 never rotates"},
    {.name = "max_files",
     .type = ConfigType::Integer,
     .default_value = "5",
     .doc = "rotated files to keep as <path>.1 (newest) to <path>.N; older ones are deleted"},
};

const PluginInfo kInfo{
    .name = "file",
    .version = "1.0.0",
    .description = "appends record values to a JSON Lines file, with fsync policy and rotation",
    .config = kKeys,
};

LineFileOptions read_options(const Config& config) {
  LineFileOptions options;
  options.path = config.string("path");
  if (options.path.empty()) {
    throw ConfigError("path", "expected a file path such as \"data/videos.jsonl\", found \"\"");
  }
  std::error_code error;
  if (std::filesystem::is_directory(options.path, error)) {
    throw ConfigError("path", options.path.string() +
                                  " is a folder; expected a file path such as \"" +
                                  (options.path / "videos.jsonl").string() + "\"");
  }

  const std::string sync = config.string("fsync");
  const std::optional<SyncPolicy> policy = parse_sync_policy(sync);
  if (!policy) {
    throw ConfigError("fsync", "expected always, batch or never, found \"" + sync + "\"");
  }
  options.sync = *policy;

  const std::int64_t max_bytes = config.integer("max_bytes");
  if (max_bytes < 0) {
    throw ConfigError("max_bytes", "expected 0 (never rotate) or a positive byte count, found " +
                                       std::to_string(max_bytes));
  }
  options.max_bytes = static_cast<std::uint64_t>(max_bytes);

  const std::int64_t max_files = config.integer("max_files");
  if (max_files < 1 || max_files > 100000) {
    throw ConfigError("max_files", "expected 1 to 100000 rotated files to keep, found " +
                                       std::to_string(max_files));
  }
  options.max_files = static_cast<std::uint32_t>(max_files);
  return options;
}

std::optional<std::string> refusal_reason(std::string_view value) {
  if (value.empty()) {
    return "the value is empty, and an empty line is not a JSON Lines record";
  }
  const std::size_t newline = value.find('\n');
  if (newline != std::string_view::npos) {
    return "the value contains a newline at byte " + std::to_string(newline) +
           ", which would split it across two JSON Lines records";
  }
  return std::nullopt;
}

// A path that cannot be opened at start is a configuration problem, reported against `path`.
LineFile open_line_file(const LineFileOptions& options) {
  try {
    return LineFile(options);
  } catch (const PathError& e) {
    throw ConfigError("path", e.what());
  }
}

class FileSink : public Sink {
 public:
  static void validate(const Context& context) { read_options(context.config()); }

  explicit FileSink(const Context& context)
      : context_(context),
        options_(read_options(context.config())),
        file_(open_line_file(options_)) {
    if (file_.repaired_bytes() > 0) {
      context_.log().warn("cut ", file_.repaired_bytes(), " bytes of a partial last line from ",
                          file_.path().string(), ": an unacknowledged write was interrupted");
    }

    if (options_.sync == SyncPolicy::Batch) {
      commits_.emplace([this] { file_.sync(); },
                       [this](std::span<const std::uint64_t> ids) { acknowledge(ids); },
                       file_.size());
    }
    context_.log().info("appending to ", file_.path().string(), " (", file_.size(),
                        " bytes), fsync=", context.config().string("fsync"),
                        ", max_bytes=", options_.max_bytes, ", max_files=", options_.max_files);
  }

  std::size_t write(const RecordBatch& records) override {
    raise_sync_failure();

    committed_ = 0;
    try {
      for (const RecordView record : records) {
        stage(record);
        if (options_.sync == SyncPolicy::Always) {
          commit();
        }
      }
      commit();
    } catch (const std::exception& e) {
      pending_.clear();
      if (committed_ == 0) {
        throw;
      }
      // The host offers the rest again; if the trouble persists the next write() raises it.
      context_.log().warn("wrote ", committed_, " of ", records.size(), " records: ", e.what());
    }
    return committed_;
  }

  void poll() override { raise_sync_failure(); }

  void flush(std::chrono::milliseconds timeout) override {
    if (commits_) {
      commits_->wait_idle(timeout);
    }
    raise_sync_failure();
  }

 private:
  struct Pending {
    std::string lines;
    std::vector<std::uint64_t> written;
    std::vector<std::pair<std::uint64_t, std::string>> refused;
    std::size_t records = 0;

    void clear() {
      lines.clear();
      written.clear();
      refused.clear();
      records = 0;
    }
  };

  void stage(const RecordView& record) {
    const std::string_view value = record.value();
    if (std::optional<std::string> reason = refusal_reason(value)) {
      pending_.refused.emplace_back(record.id(), std::move(*reason));
      ++pending_.records;
      return;
    }

    if (file_.needs_rotation_before(pending_.lines.size() + value.size() + 1)) {
      commit();
      rotate();
    }
    pending_.lines.append(value);
    pending_.lines.push_back('\n');
    pending_.written.push_back(record.id());
    ++pending_.records;
  }

  // Writes the staged lines; with `batch` the commit thread acknowledges them after its next
  // fdatasync, otherwise they are acknowledged here.
  void commit() {
    if (pending_.records == 0) {
      return;
    }

    if (commits_) {
      file_.append(pending_.lines);
      commits_->add(pending_.written, file_.size());
    } else {
      file_.commit(pending_.lines);
      acknowledge(pending_.written);
    }

    for (const auto& [id, reason] : pending_.refused) {
      context_.failed(id, reason);
    }
    refused_ += pending_.refused.size();
    committed_ += pending_.records;
    report_refusals();
    pending_.clear();
  }

  // Runs on the commit thread with `batch`.
  void acknowledge(std::span<const std::uint64_t> ids) {
    context_.delivered(ids);
    const std::uint64_t lines = lines_ += ids.size();
    context_.set_metric("lines", static_cast<std::int64_t>(lines));
  }

  // Renames move only durable lines: with `batch` the commit thread first syncs what it holds.
  void rotate() {
    if (commits_) {
      commits_->wait_idle();
      raise_sync_failure();
    }

    const std::uint64_t size = file_.size();
    file_.rotate();
    if (commits_) {
      commits_->restart_at(file_.size());
    }
    context_.log().info("rotated ", file_.path().string(), " at ", size, " bytes");
    context_.set_metric("rotations", static_cast<std::int64_t>(file_.rotations()));
  }

  // After a failed fdatasync nothing written since the last good one is acknowledged: those
  // lines are cut off, and the host offers their records to the instance it starts next.
  void raise_sync_failure() {
    if (!commits_) {
      return;
    }
    const std::optional<std::string> failure = commits_->failure();
    if (!failure) {
      return;
    }
    try {
      file_.truncate_to(commits_->durable_size());
    } catch (const WriteError& e) {
      context_.log().warn(e.what());
    }
    throw WriteError(*failure);
  }

  // One warning per interval at most: a source sending bad values must not flood the log.
  void report_refusals() {
    if (pending_.refused.empty()) {
      return;
    }
    context_.set_metric("refused", static_cast<std::int64_t>(refused_));
    const auto now = std::chrono::steady_clock::now();
    if (last_refusal_log_ && now - *last_refusal_log_ < kRefusalLogInterval) {
      return;
    }
    last_refusal_log_ = now;
    context_.log().warn("refused ", refused_,
                        " records so far as failed; latest: ", pending_.refused.back().second);
  }

  const Context& context_;
  LineFileOptions options_;
  LineFile file_;
  Pending pending_;
  std::size_t committed_ = 0;
  std::atomic<std::uint64_t> lines_ = 0;
  std::uint64_t refused_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_refusal_log_;
  // Last, so that it is destroyed first: it syncs and acknowledges what it holds while the file
  // is still open.
  std::optional<GroupCommit> commits_;
};

}  // namespace
}  // namespace ytpipe::file_sink

YTPIPE_PLUGIN(ytpipe::file_sink::FileSink, ytpipe::file_sink::kInfo)
