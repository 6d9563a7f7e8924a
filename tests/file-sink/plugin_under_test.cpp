#include "plugin_under_test.hpp"

#include <stdexcept>

namespace ytpipe::file_sink::testing {
namespace {

Outcome outcome_of(ytpipe_status status, const ytpipe_error& error) {
  return {status, status == YTPIPE_OK ? "" : error.message,
          status == YTPIPE_OK ? "" : error.config_key};
}

}  // namespace

PluginUnderTest::PluginUnderTest(const std::filesystem::path& library)
    : library_(library.string()) {
  auto& entry = library_.get_alias<ytpipe_entry_point>(YTPIPE_ENTRY_POINT_NAME);
  descriptor_ = entry();
  if (descriptor_->abi_version != YTPIPE_ABI_VERSION) {
    throw std::runtime_error(library.string() + ": unexpected ABI version");
  }
}

PluginUnderTest::~PluginUnderTest() {
  destroy();
}

void PluginUnderTest::build_context(const SinkSettings& settings) {
  // The entries point into texts_, which stays untouched until the next build_context().
  texts_ = {settings.path.string(), settings.fsync, std::to_string(settings.max_bytes),
            std::to_string(settings.max_files)};
  entries_ = {
      {"path", YTPIPE_CONFIG_STRING, texts_[0].c_str(), 0, nullptr, 0, 0},
      {"fsync", YTPIPE_CONFIG_STRING, texts_[1].c_str(), 0, nullptr, 0, 0},
      {"max_bytes", YTPIPE_CONFIG_INTEGER, texts_[2].c_str(), settings.max_bytes, nullptr, 0, 0},
      {"max_files", YTPIPE_CONFIG_INTEGER, texts_[3].c_str(), settings.max_files, nullptr, 0, 0},
  };

  context_ = {};
  context_.context_size = sizeof(ytpipe_context);
  context_.host = this;
  context_.instance_name = "archive";
  context_.config = entries_.data();
  context_.config_count = entries_.size();
  context_.data_dir = ".";
  context_.log_enabled = &PluginUnderTest::log_enabled;
  context_.log = &PluginUnderTest::log;
  context_.set_metric = &PluginUnderTest::set_metric;
  context_.stop_requested = &PluginUnderTest::stop_requested;
  context_.wait = &PluginUnderTest::wait;
  context_.report = &PluginUnderTest::report;
}

Outcome PluginUnderTest::validate(const SinkSettings& settings) {
  build_context(settings);
  ytpipe_error error{};
  return outcome_of(descriptor_->validate(&context_, &error), error);
}

Outcome PluginUnderTest::create(const SinkSettings& settings) {
  destroy();
  build_context(settings);
  ytpipe_error error{};
  const ytpipe_status status = descriptor_->create(&context_, &instance_, &error);
  if (status != YTPIPE_OK) {
    instance_ = nullptr;
  }
  return outcome_of(status, error);
}

void PluginUnderTest::destroy() {
  if (instance_ != nullptr) {
    descriptor_->destroy(instance_);
    instance_ = nullptr;
  }
}

std::pair<Outcome, std::size_t> PluginUnderTest::write(const std::vector<std::string>& values,
                                                       std::uint64_t first_id) {
  std::vector<ytpipe_record> records;
  for (std::size_t index = 0; index < values.size(); ++index) {
    records.push_back(
        {"key", 3, values[index].data(), values[index].size(), 0, nullptr, 0, first_id + index});
  }
  ytpipe_error error{};
  std::size_t accepted = 0;
  const ytpipe_status status =
      descriptor_->write(instance_, records.data(), records.size(), &accepted, &error);
  return {outcome_of(status, error), accepted};
}

Outcome PluginUnderTest::flush(std::int64_t timeout_ms) {
  ytpipe_error error{};
  return outcome_of(descriptor_->flush(instance_, timeout_ms, &error), error);
}

std::vector<std::uint64_t> PluginUnderTest::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

std::map<std::uint64_t, std::string> PluginUnderTest::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

bool PluginUnderTest::logged(ytpipe_log_level level, const std::string& part) const {
  std::lock_guard lock(mutex_);
  for (const auto& [at, message] : logs_) {
    if (at == level && message.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

int PluginUnderTest::log_enabled(void*, ytpipe_log_level) {
  return 1;
}

void PluginUnderTest::log(void* host, ytpipe_log_level level, const char* message) {
  auto* self = static_cast<PluginUnderTest*>(host);
  std::lock_guard lock(self->mutex_);
  self->logs_.emplace_back(level, message);
}

void PluginUnderTest::set_metric(void*, const char*, std::int64_t) {}

int PluginUnderTest::stop_requested(void*) {
  return 0;
}

int PluginUnderTest::wait(void*, std::int64_t) {
  return 0;
}

void PluginUnderTest::report(void* host, const std::uint64_t* ids, std::size_t count,
                             ytpipe_outcome outcome, const char* reason) {
  auto* self = static_cast<PluginUnderTest*>(host);
  std::lock_guard lock(self->mutex_);
  for (std::size_t index = 0; index < count; ++index) {
    if (outcome == YTPIPE_DELIVERED) {
      self->delivered_.push_back(ids[index]);
    } else {
      self->failed_[ids[index]] = reason != nullptr ? reason : "";
    }
  }
}

}  // namespace ytpipe::file_sink::testing
