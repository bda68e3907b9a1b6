#include <jansson.h>

// jansson's json_incref/json_decref are static inline functions that Swift imports fine, but
// json_object_foreach is a macro; these helpers stand in for the macros Swift cannot import.
static inline json_t *minos_json_incref(json_t *json) { return json_incref(json); }
static inline void minos_json_decref(json_t *json) { json_decref(json); }
static inline int minos_json_typeof(const json_t *json) { return (int)json_typeof(json); }
static inline size_t minos_json_indent(int n) { return JSON_INDENT(n); }
static inline size_t minos_json_real_precision(int n) { return JSON_REAL_PRECISION(n); }
