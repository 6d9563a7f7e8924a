#include "record_schema.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <map>
#include <regex>
#include <stdexcept>

namespace ytpipe::ksql {
namespace {

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string json_type(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) {
    return "null";
  }
  if (value.isBoolean()) {
    return "boolean";
  }
  if (value.isInteger()) {
    return "integer";
  }
  if (value.isNumeric()) {
    return "number";
  }
  if (value.isString()) {
    return "string";
  }
  return value.type() == typeid(Poco::JSON::Array::Ptr) ? "array" : "object";
}

bool fits_int32(const Poco::Dynamic::Var& value) {
  if (value.type() == typeid(std::uint64_t)) {
    return false;  // Poco keeps only integers past INT64_MAX unsigned
  }
  const std::int64_t number = value.convert<std::int64_t>();
  return number >= std::numeric_limits<std::int32_t>::min() &&
         number <= std::numeric_limits<std::int32_t>::max();
}

// Why a value of `column`'s type cannot hold `value`, or "" when it can.
std::string type_mismatch(const Column& column, const Poco::Dynamic::Var& value) {
  const std::string found = json_type(value);
  if (found == "null") {
    return column.key ? "is a key column, and a key cannot be null" : "";
  }
  const std::string& type = column.type;
  std::string expected;
  if (type == "BIGINT") {
    expected = "integer";
  } else if (type == "INT" || type == "INTEGER") {
    if (found == "integer" && !fits_int32(value)) {
      return "is " + type + " (32 bits), but the record holds " + value.toString() +
             "; declare it BIGINT";
    }
    expected = "integer";
  } else if (type == "VARCHAR" || type == "STRING") {
    expected = "string";
  } else if (type == "BOOLEAN") {
    expected = "boolean";
  } else if (type == "DOUBLE") {
    expected = found == "integer" ? "integer" : "number";
  } else {
    return "has type " + type + ", which this check does not know how to compare";
  }
  if (found == expected) {
    return "";
  }
  return "is " + type + " (expects a JSON " + expected + "), but the record holds a JSON " + found;
}

}  // namespace

std::vector<std::string> compare_columns_with_record(const std::vector<Column>& columns,
                                                     const Poco::JSON::Object& record) {
  std::map<std::string, std::string> fields;  // upper-cased name -> name as in the record
  for (const auto& [name, value] : record) {
    fields.emplace(upper(name), name);
  }

  std::vector<std::string> problems;
  for (const Column& column : columns) {
    const auto field = fields.find(upper(column.name));
    if (field == fields.end()) {
      problems.push_back("column " + column.name + " " + column.type +
                         " has no field of that name in the record");
      continue;
    }
    const std::string mismatch = type_mismatch(column, record.get(field->second));
    if (!mismatch.empty()) {
      problems.push_back("column " + column.name + " " + mismatch + " in field \"" + field->second +
                         "\"");
    }
    fields.erase(field);
  }
  for (const auto& [upper_name, name] : fields) {
    problems.push_back("record field \"" + name + "\" (" + json_type(record.get(name)) +
                       ") has no column");
  }
  return problems;
}

namespace {

std::string regex_for_letters(char letter, std::size_t count) {
  const std::string digits = "[0-9]{" + std::to_string(count) + "}";
  switch (letter) {
    case 'y':
    case 'u':
      return count == 2 ? "[0-9]{2}" : "[0-9]{4}";
    case 'M':
    case 'd':
    case 'H':
    case 'm':
    case 's':
      return count == 1 ? "[0-9]{1,2}" : digits;
    case 'S':
      return digits;
    case 'X':
      return count == 1 ? "(Z|[+-][0-9]{2}([0-9]{2})?)"
                        : (count == 2 ? "(Z|[+-][0-9]{4})" : "(Z|[+-][0-9]{2}:[0-9]{2})");
    default:
      throw std::invalid_argument(std::string("pattern letter '") + letter +
                                  "' is not one this check understands");
  }
}

std::string escaped(char c) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{})";
  return kSpecial.find(c) == std::string::npos ? std::string(1, c) : std::string("\\") + c;
}

}  // namespace

bool matches_java_time_pattern(std::string_view pattern, std::string_view text) {
  std::string regex;
  std::size_t at = 0;
  while (at < pattern.size()) {
    const char c = pattern[at];
    if (c == '\'') {
      const std::size_t close = pattern.find('\'', at + 1);
      if (close == std::string_view::npos) {
        throw std::invalid_argument("unclosed quote in pattern " + std::string(pattern));
      }
      regex += close == at + 1 ? "'" : "";  // '' is a quote character
      for (std::size_t i = at + 1; i < close; ++i) {
        regex += escaped(pattern[i]);
      }
      at = close + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) != 0) {
      std::size_t end = at;
      while (end < pattern.size() && pattern[end] == c) {
        ++end;
      }
      regex += regex_for_letters(c, end - at);
      at = end;
    } else {
      regex += escaped(c);
      ++at;
    }
  }
  return std::regex_match(text.begin(), text.end(), std::regex(regex));
}

}  // namespace ytpipe::ksql
