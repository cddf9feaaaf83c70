#include "vocabulary.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <fmt/format.h>
#include <re2/re2.h>

namespace keyward {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Status parse_vocabulary(const std::string& text, const std::string& origin, Vocabulary& v) {
  std::vector<std::string>* section = nullptr;
  bool split_words = false;
  size_t line_no = 0;
  std::istringstream in(text);
  for (std::string raw; std::getline(in, raw);) {
    ++line_no;
    std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      std::string_view name = line.substr(1, line.size() - 2);
      split_words = false;
      if (name == "words") section = &v.words, split_words = true;
      else if (name == "exempt-rules") section = &v.word_exempt_rules, split_words = true;
      else if (name == "values") section = &v.example_values;
      else if (name == "secret-patterns") section = &v.example_secret_patterns;
      else if (name == "after-patterns") section = &v.example_after_patterns;
      else
        return Error{fmt::format("{}:{}: unknown section [{}] (known: words, exempt-rules, values, "
                                 "secret-patterns, after-patterns)", origin, line_no, name)};
      continue;
    }
    if (!section)
      return Error{fmt::format("{}:{}: an entry before any [section]", origin, line_no)};
    if (!split_words) {  // a value or a pattern: the whole line
      if (section == &v.example_secret_patterns || section == &v.example_after_patterns) {
        re2::RE2::Options opt;
        opt.set_log_errors(false);
        opt.set_encoding(re2::RE2::Options::EncodingLatin1);
        re2::RE2 re(re2::StringPiece(line.data(), line.size()), opt);
        if (!re.ok()) return Error{fmt::format("{}:{}: RE2 rejects the pattern: {}", origin, line_no, re.error())};
      }
      section->emplace_back(line);
      continue;
    }
    std::istringstream words{std::string(line)};
    for (std::string w; words >> w;) {
      if (section == &v.words)
        for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      section->push_back(std::move(w));
    }
  }
  return std::nullopt;
}

Result<Vocabulary> load_vocabulary(const std::string& dir) {
  Vocabulary v;
  for (const char* name : kVocabularyFiles) {
    std::string path = dir + "/" + name;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // absent: nothing to add
      return Error{fmt::format("cannot read vocabulary file '{}': {}", path, std::strerror(errno))};
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return Error{fmt::format("cannot read vocabulary file '{}'", path)};
    if (auto e = parse_vocabulary(ss.str(), path, v)) return *e;
  }
  std::sort(v.words.begin(), v.words.end());
  v.words.erase(std::unique(v.words.begin(), v.words.end()), v.words.end());
  return v;
}

}  // namespace keyward
