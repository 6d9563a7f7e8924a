#include "producer_statistics.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <string>

namespace ytpipe::kafka {
namespace {

std::int64_t integer_at(const Poco::JSON::Object& object, const std::string& name) {
  return object.optValue<Poco::Int64>(name, 0);
}

}  // namespace

ProducerStatistics parse_statistics(std::string_view json) {
  Poco::JSON::Parser parser;
  const auto root = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();

  ProducerStatistics statistics;
  statistics.queued_messages = integer_at(*root, "msg_cnt");
  const Poco::JSON::Object::Ptr brokers = root->getObject("brokers");
  if (brokers.isNull()) {
    return statistics;
  }
  for (const auto& [name, value] : *brokers) {
    const auto broker = value.extract<Poco::JSON::Object::Ptr>();
    statistics.retries += integer_at(*broker, "txretries");
    if (broker->optValue<std::string>("state", "") != "UP") {
      continue;
    }
    ++statistics.brokers_up;
    const Poco::JSON::Object::Ptr rtt = broker->getObject("rtt");
    if (!rtt.isNull()) {
      statistics.broker_rtt_ms = std::max(statistics.broker_rtt_ms, integer_at(*rtt, "avg") / 1000);
    }
  }
  return statistics;
}

}  // namespace ytpipe::kafka
