// Walking a broadcast: the output is contiguous, each input is read through strides (0 on
// broadcast dimensions). JavaScript coalesces dimensions first, so most walks are one or two
// dimensions. The innermost dimension is walked by tight loops, one call per row.
#ifndef KEEL_WALK_H
#define KEEL_WALK_H

#include "keel.h"

#define KEEL_MAX_RANK 16
#define KEEL_MAX_INPUTS 3

typedef struct {
  int rank;
  int inputs;
  int64_t shape[KEEL_MAX_RANK];
  int64_t strides[KEEL_MAX_INPUTS][KEEL_MAX_RANK];
  size_t size; // elements of the output
} keel_walk;

/**
 * Reads a geometry [rank, shape..., strides of input 0..., strides of input 1..., ...] and checks
 * it against the arrays' lengths (`lengths[i]` of input i, `out_length` of the output).
 */
int keel_walk_read(napi_env env, const char *fn, napi_value geometry, int inputs, const size_t *lengths, size_t out_length, keel_walk *walk);

/** Called for each row: `offsets[i]` is input i's index of the row's first element. */
typedef void (*keel_row_fn)(void *context, size_t out_offset, size_t count, const int64_t *offsets, const int64_t *inner_strides);

/** Visits every row of the walk (pieces of rows, when a parallel split cuts through one). */
void keel_walk_rows(const keel_walk *walk, size_t grain, keel_row_fn fn, void *context);

#endif
