#include "pipeline_spec.hpp"

namespace ytpipe::host {

std::string SourceLocation::to_string() const {
  std::string text = file;
  if (line > 0) {
    text += ':' + std::to_string(line);
    if (column > 0) {
      text += ':' + std::to_string(column);
    }
  }
  return text;
}

InstanceConfig::InstanceConfig(std::vector<Value> values) : values_(std::move(values)) {
  rebuild_view();
}

InstanceConfig::InstanceConfig(const InstanceConfig& other) : values_(other.values_) {
  rebuild_view();
}

InstanceConfig& InstanceConfig::operator=(const InstanceConfig& other) {
  if (this != &other) {
    values_ = other.values_;
    rebuild_view();
  }
  return *this;
}

SourceLocation InstanceConfig::location_of(const std::string& key,
                                           const SourceLocation& fallback) const {
  for (const Value& value : values_) {
    if (value.key == key && value.location.line > 0) {
      return value.location;
    }
  }
  return fallback;
}

// The C view points into values_, so it is rebuilt whenever values_ is copied. A move hands over
// the vectors' buffers, so the elements and their strings stay put and the view stays valid.
void InstanceConfig::rebuild_view() {
  item_pointers_.clear();
  entries_.clear();
  item_pointers_.reserve(values_.size());
  entries_.reserve(values_.size());
  for (const Value& value : values_) {
    std::vector<const char*>& items = item_pointers_.emplace_back();
    for (const std::string& item : value.items) {
      items.push_back(item.c_str());
    }
    entries_.push_back({value.key.c_str(), value.type, value.text.c_str(), value.integer,
                        items.data(), items.size(), value.extra ? 1 : 0});
  }
}

}  // namespace ytpipe::host
