// The few numbers an operator wants from librdkafka's statistics JSON, as the host's gauges.
#pragma once

#include <cstdint>
#include <string_view>

namespace ytpipe::kafka {

struct ProducerStatistics {
  std::int64_t queued_messages = 0;  // waiting in the producer or in flight to a broker
  std::int64_t retries = 0;          // produce requests sent again, summed over brokers
  std::int64_t broker_rtt_ms = 0;    // the slowest connected broker's average round trip
  std::int64_t brokers_up = 0;
};

// Parses one statistics document (librdkafka's STATISTICS.md). Throws Poco::Exception on JSON
// that does not parse.
ProducerStatistics parse_statistics(std::string_view json);

}  // namespace ytpipe::kafka
