/*
 * ytpipe plugin ABI, version 1.
 *
 * This is the whole binary contract between the ytpipe host and a plugin shared library. It uses
 * plain C types only, so a plugin built by another team, at another time and with another compiler
 * can be loaded safely. Plugin authors normally write against the C++ layer in <ytpipe/sdk.hpp>,
 * which fills these structures and keeps exceptions on the plugin's side.
 *
 * Loading sequence, as the host performs it:
 *   1. dlopen the library and look up the Boost.DLL alias YTPIPE_ENTRY_POINT_NAME.
 *   2. Call it; it returns a pointer to a descriptor with static storage duration.
 *   3. Read descriptor->abi_version and refuse the library unless it equals the host's
 *      YTPIPE_ABI_VERSION. No other member is read before this check.
 *   4. Validate the instance's config against descriptor->config_keys, then call create().
 *
 * Ownership: every pointer the host passes stays valid for the duration of the call it is passed
 * to, except ytpipe_context, which stays valid from create() until destroy() returns. Every pointer
 * in the descriptor must stay valid while the library is loaded. Strings are NUL-terminated UTF-8
 * unless a size accompanies them.
 *
 * Errors: a function that can fail returns a ytpipe_status and, on failure, fills the
 * ytpipe_error the host passed in. No C++ exception may leave a plugin function.
 */
#ifndef YTPIPE_PLUGIN_H
#define YTPIPE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change to the structures or functions below. */
#define YTPIPE_ABI_VERSION 1u

/* The Boost.DLL alias every plugin exports: a function returning its descriptor. */
#define YTPIPE_ENTRY_POINT_NAME "ytpipe_plugin"

typedef enum ytpipe_status {
  YTPIPE_OK = 0,
  /* A source has nothing more to produce, ever (for example a generator that reached its count). */
  YTPIPE_END = 1,
  /* A failure the host may recover from by recreating the instance after a backoff. */
  YTPIPE_ERROR = 2,
  /* A failure that retrying cannot fix (bad credentials, a rejected configuration): the host
   * stops the pipeline and exits non-zero with the message. */
  YTPIPE_FATAL = 3,
  /* The host is shutting down; the call did not take effect. */
  YTPIPE_STOPPED = 4
} ytpipe_status;

typedef enum ytpipe_plugin_kind { YTPIPE_KIND_SOURCE = 1, YTPIPE_KIND_SINK = 2 } ytpipe_plugin_kind;

typedef enum ytpipe_log_level {
  YTPIPE_LOG_ERROR = 0,
  YTPIPE_LOG_WARN = 1,
  YTPIPE_LOG_INFO = 2,
  YTPIPE_LOG_DEBUG = 3
} ytpipe_log_level;

typedef enum ytpipe_config_type {
  YTPIPE_CONFIG_STRING = 1,
  YTPIPE_CONFIG_INTEGER = 2,
  YTPIPE_CONFIG_BOOLEAN = 3,
  /* Written as a string such as "500ms", "60s", "15m", "1h"; delivered in milliseconds. */
  YTPIPE_CONFIG_DURATION = 4,
  YTPIPE_CONFIG_STRING_LIST = 5
} ytpipe_config_type;

/* What a sink reports for records it was given. */
typedef enum ytpipe_outcome {
  /* Durable at the destination: the host forgets the records for this sink. */
  YTPIPE_DELIVERED = 1,
  /* Permanently refused by the destination (for example larger than it accepts): counted as
   * failed and reported, never retried. Transient trouble is not an outcome; keep retrying. */
  YTPIPE_FAILED = 2
} ytpipe_outcome;

/* A message a plugin hands back with YTPIPE_ERROR or YTPIPE_FATAL. */
typedef struct ytpipe_error {
  char message[1024];
  /* The config key at fault, if any; the host then points at it in the manifest. */
  char config_key[128];
} ytpipe_error;

typedef struct ytpipe_header {
  const char* key;
  size_t key_size;
  const char* value;
  size_t value_size;
} ytpipe_header;

typedef struct ytpipe_record {
  const char* key;
  size_t key_size;
  const char* value;
  size_t value_size;
  int64_t timestamp_ms; /* milliseconds since the Unix epoch */
  const ytpipe_header* headers;
  size_t header_count;
  /* Set by the host for sinks: the handle to report this record's outcome with. Ignored when a
   * source emits. */
  uint64_t id;
} ytpipe_record;

/* One config key a plugin declares. The host rejects keys that are not declared (unless the
 * descriptor accepts extra keys), checks types, fills defaults and enforces `required`. */
typedef struct ytpipe_config_key {
  const char* name;
  ytpipe_config_type type;
  int required;
  const char* default_value; /* as written in a manifest (e.g. "60s"); NULL for none */
  const char* doc;           /* one line */
  int secret;                /* never printed by the host, in any output */
} ytpipe_config_key;

/* One config value, after validation and ${VAR} expansion. */
typedef struct ytpipe_config_entry {
  const char* key;
  /* The declared type; extra (undeclared) keys are YTPIPE_CONFIG_STRING. */
  ytpipe_config_type type;
  /* Every value as text: integers in decimal, booleans "true"/"false", durations as written,
   * lists joined with ",". */
  const char* text;
  /* INTEGER: the value; BOOLEAN: 0 or 1; DURATION: milliseconds. */
  int64_t integer;
  /* STRING_LIST: the items. */
  const char* const* items;
  size_t item_count;
  /* Non-zero for a key the plugin did not declare (see extra_keys_doc). */
  int extra;
} ytpipe_config_entry;

/*
 * What the host gives an instance. Valid from create() until destroy() returns. The function
 * pointers may be called from any thread of the instance's own and are thread-safe.
 */
typedef struct ytpipe_context {
  uint32_t context_size; /* sizeof(ytpipe_context) as the host was built */
  void* host;            /* opaque; pass back as the first argument of every function below */
  const char* instance_name;
  const ytpipe_config_entry* config; /* declared keys with a value or default, then extras */
  size_t config_count;
  const char* data_dir; /* a folder the instance may keep state in (spools, cursors) */
  int once;             /* non-zero under `ytpipe run --once` */

  int (*log_enabled)(void* host, ytpipe_log_level level);
  /* One line; the host adds time, level and the instance's kind and name. */
  void (*log)(void* host, ytpipe_log_level level, const char* message);
  /* Sets a named gauge the host shows in its periodic summary line. */
  void (*set_metric)(void* host, const char* name, int64_t value);
  /* Non-zero once the host asked the pipeline to stop. */
  int (*stop_requested)(void* host);
  /* Sleeps up to `milliseconds`; returns non-zero early when a stop is requested. */
  int (*wait)(void* host, int64_t milliseconds);

  /*
   * Sources: hands records to the host, which copies them before returning. Blocks while the
   * host's buffer is full (backpressure). YTPIPE_OK: all `count` records were accepted.
   * YTPIPE_STOPPED: the host is stopping and accepted none of them. NULL for sinks.
   */
  ytpipe_status (*emit)(void* host, const ytpipe_record* records, size_t count);

  /*
   * Sinks: reports the outcome of records by the ids the host gave them. Every record a sink
   * accepted in write() must be reported exactly once, from any thread. Records not reported
   * when the instance is destroyed count as undelivered and are offered to its successor.
   * `reason` may be NULL for YTPIPE_DELIVERED. NULL for sources.
   */
  void (*report)(void* host, const uint64_t* ids, size_t count, ytpipe_outcome outcome,
                 const char* reason);
} ytpipe_context;

typedef struct ytpipe_plugin_descriptor {
  uint32_t abi_version;     /* YTPIPE_ABI_VERSION; stays the first member in every version */
  uint32_t descriptor_size; /* sizeof(ytpipe_plugin_descriptor) as the plugin was built */
  const char* name;         /* what a manifest's `plugin = "..."` names */
  ytpipe_plugin_kind kind;
  const char* version;
  const char* description; /* one line */
  const ytpipe_config_key* config_keys;
  size_t config_key_count;
  /* Non-NULL: keys not declared above are accepted and passed through as text (the Kafka sink
   * hands them to librdkafka); the string documents them. NULL: undeclared keys are errors. */
  const char* extra_keys_doc;

  /* Optional (may be NULL): checks the config beyond types without connecting anywhere.
   * `ytpipe check` calls it; `run` calls it before create(). The context is valid only during
   * the call and has no emit or report. */
  ytpipe_status (*validate)(const ytpipe_context* context, ytpipe_error* error);

  /* Creates an instance. On failure the host reports `error` and never calls destroy(). */
  ytpipe_status (*create)(const ytpipe_context* context, void** instance, ytpipe_error* error);

  /* Releases an instance. Must not fail; must return promptly. */
  void (*destroy)(void* instance);

  /*
   * Sources only. Runs one cycle (the YouTube source: one refresh), emitting through the
   * context. YTPIPE_OK: the cycle finished and the host calls again after *next_cycle_ms.
   * YTPIPE_END: no more cycles. YTPIPE_STOPPED: cut short by a stop request.
   */
  ytpipe_status (*run_cycle)(void* instance, int64_t* next_cycle_ms, ytpipe_error* error);

  /*
   * Sinks only. Takes records for delivery and sets *accepted to how many of the first ones it
   * took (fewer than `count` when its own queue is full: the host calls poll() and offers the
   * rest again). The record array is valid only during the call; the keys, values and headers
   * it points to stay valid until the sink reports the record's outcome or destroy() returns,
   * so a sink may hand them to a client library without copying.
   */
  ytpipe_status (*write)(void* instance, const ytpipe_record* records, size_t count,
                         size_t* accepted, ytpipe_error* error);

  /* Sinks only. Serves pending work, such as delivery reports; called whenever the host has
   * nothing to write and between writes. */
  ytpipe_status (*poll)(void* instance, ytpipe_error* error);

  /* Sinks only. Waits up to `timeout_ms` until every accepted record has been reported. */
  ytpipe_status (*flush)(void* instance, int64_t timeout_ms, ytpipe_error* error);
} ytpipe_plugin_descriptor;

/* The signature of the entry point behind YTPIPE_ENTRY_POINT_NAME. */
typedef const ytpipe_plugin_descriptor* ytpipe_entry_point(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* YTPIPE_PLUGIN_H */
