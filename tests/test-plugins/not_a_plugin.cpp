// A well-formed shared library that exports no ytpipe entry point.
extern "C" __attribute__((visibility("default"))) int ytpipe_test_answer() {
  return 42;
}
