// Holds a stream's declared columns to the JSON records of the topic it reads, field by field,
// the way ksqlDB's JSON format reads them: names match case-insensitively, BIGINT and INT take
// JSON integers (INT only within 32 bits), VARCHAR takes strings, null fits any value column.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>
#include <vector>

#include "statement_model.hpp"

namespace ytpipe::ksql {

// Every mismatch between `columns` and `record`: a column without a field, a field without a
// column, a JSON type the column's type cannot take, a null in a key column. Empty when they fit.
std::vector<std::string> compare_columns_with_record(const std::vector<Column>& columns,
                                                     const Poco::JSON::Object& record);

// Whether `text` is in the form a Java DateTimeFormatter `pattern` (TIMESTAMP_FORMAT) parses.
// Knows the letters timestamps use (y M d H m s S X) and 'quoted' literals; throws
// std::invalid_argument naming any other letter, so an unchecked pattern cannot pass silently.
bool matches_java_time_pattern(std::string_view pattern, std::string_view text);

}  // namespace ytpipe::ksql
