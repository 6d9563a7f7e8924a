#include "field_selection.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cctype>

namespace ytsim {

// Recursive descent over: list := item ("," item)* ; item := path ["(" list ")"] ;
// path := name ("/" name)* ; name := [A-Za-z0-9_]+ | "*".
class FieldSelection::Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  bool parse_list(FieldSelection& into) {
    do {
      if (!parse_item(into)) {
        return false;
      }
    } while (accept(','));
    return true;
  }

  bool at_end() const { return position_ == text_.size(); }
  std::size_t position() const { return position_; }

 private:
  bool parse_item(FieldSelection& into) {
    FieldSelection* node = &into;
    do {
      const std::string name = parse_name();
      if (name.empty()) {
        return false;
      }
      node = &node->child(name);
    } while (accept('/'));

    if (!accept('(')) {
      node->whole_ = true;
      return true;
    }
    return parse_list(*node) && accept(')');
  }

  std::string parse_name() {
    if (accept('*')) {
      return "*";
    }
    const std::size_t start = position_;
    while (position_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[position_])) != 0 ||
            text_[position_] == '_')) {
      ++position_;
    }
    return std::string(text_.substr(start, position_ - start));
  }

  bool accept(char expected) {
    if (position_ < text_.size() && text_[position_] == expected) {
      ++position_;
      return true;
    }
    return false;
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

std::optional<FieldSelection> FieldSelection::parse(std::string_view text, std::string& error) {
  FieldSelection root;
  Parser parser(text);
  if (parser.parse_list(root) && parser.at_end()) {
    return root;
  }

  error = "Invalid field selection " + std::string(text) + " (at character " +
          std::to_string(parser.position() + 1) + ")";
  return std::nullopt;
}

FieldSelection& FieldSelection::child(const std::string& name) {
  return children_[name];
}

const FieldSelection* FieldSelection::find(const std::string& name) const {
  auto found = children_.find(name);
  if (found == children_.end()) {
    found = children_.find("*");
  }
  return found == children_.end() ? nullptr : &found->second;
}

Poco::Dynamic::Var FieldSelection::apply(const Poco::Dynamic::Var& value) const {
  if (whole_) {
    return value;
  }

  if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
    const auto source = value.extract<Poco::JSON::Array::Ptr>();
    Poco::JSON::Array::Ptr narrowed = new Poco::JSON::Array;
    for (std::size_t index = 0; index < source->size(); ++index) {
      const Poco::Dynamic::Var kept = apply(source->get(static_cast<unsigned>(index)));
      if (!kept.isEmpty()) {
        narrowed->add(kept);
      }
    }
    return narrowed;
  }

  if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
    return {};  // a scalar has no sub-fields to select
  }

  const auto source = value.extract<Poco::JSON::Object::Ptr>();
  Poco::JSON::Object::Ptr narrowed = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const std::string& name : source->getNames()) {
    const FieldSelection* selected = find(name);
    if (selected == nullptr) {
      continue;
    }
    const Poco::Dynamic::Var kept = selected->apply(source->get(name));
    const bool emptied_object = kept.type() == typeid(Poco::JSON::Object::Ptr) &&
                                kept.extract<Poco::JSON::Object::Ptr>()->size() == 0 &&
                                !selected->whole_;
    if (!kept.isEmpty() && !emptied_object) {
      narrowed->set(name, kept);
    }
  }
  return narrowed;
}

}  // namespace ytsim
