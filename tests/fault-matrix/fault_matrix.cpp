// fault-matrix [--short] [--only TEXT] [--table FILE] [--keep] [--no-mount]
//
// Runs every fault row (see docs/fault-matrix.md), prints the table on stdout and exits 1 when a
// row failed. --short is the CI form: a small playlist and one refresh per phase. --keep keeps
// the logs and data of a passing run; --no-mount runs the disk-full row with its fallback.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "matrix.hpp"

namespace {

struct CommandLine {
  ytpipe::faults::MatrixOptions matrix;
  std::string table_file;
  bool keep = false;
};

CommandLine parse(int argc, char** argv) {
  CommandLine line;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--short") {
      line.matrix.short_form = true;
    } else if (argument == "--only" && i + 1 < argc) {
      line.matrix.only = argv[++i];
    } else if (argument == "--table" && i + 1 < argc) {
      line.table_file = argv[++i];
    } else if (argument == "--no-mount") {
      line.matrix.no_mount = true;
    } else if (argument == "--keep") {
      line.keep = true;
    } else {
      throw std::invalid_argument("unknown argument \"" + argument +
                                  "\"; usage: fault-matrix [--short] [--only TEXT] "
                                  "[--table FILE] [--keep] [--no-mount]");
    }
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine line;
  try {
    line = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << e.what() << std::endl;
    return 64;
  }
  char name[] = "/tmp/ytpipe-fault-matrix-XXXXXX";
  const std::filesystem::path root = ::mkdtemp(name);

  int code = 0;
  try {
    ytpipe::faults::Matrix matrix(line.matrix, root);
    const auto rows = matrix.run();
    const std::string table = ytpipe::faults::format_table(rows);
    std::cout << table << std::flush;
    if (!line.table_file.empty()) {
      std::ofstream(line.table_file) << table;
    }
    for (const auto& row : rows) {
      code = row.passed() ? code : 1;
    }
    code = rows.empty() ? 1 : code;
  } catch (const std::exception& e) {
    std::cerr << "fault-matrix: " << e.what() << std::endl;
    code = 1;
  }
  if (line.keep || code != 0) {
    std::cerr << "fault-matrix: logs and data kept in " << root.string() << std::endl;
  } else {
    std::filesystem::remove_all(root);
  }
  return code;
}
