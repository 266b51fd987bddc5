// A thread pool that hands out the chunks of one job through an atomic counter. The calling thread works through
// the chunks too, and waits only for chunks another thread has already claimed: a worker the scheduler has not run
// yet costs nothing (the caller does its share), where an OpenMP team's closing barrier waits for every member.
// On a machine busier than its cores that barrier made decoding steps 10-40x slower (docs/PERFORMANCE.md).
// Workers spin briefly after a job (decoding steps issue products microseconds apart), then sleep on a futex.
#pragma once
#include <stdint.h>

typedef void (*chunk_fn)(const void *job, int64_t chunk);

// Runs fn(job, 0 .. total - 1), spread over up to `threads` threads (the caller's included); returns when all are done.
// One pool serves every kernel of the library (chunk_pool.c).
__attribute__((visibility("hidden"))) void run_chunks(chunk_fn fn, const void *job, int64_t total, int threads);

// Idle work: a job the workers take up whenever the pool has nothing else to do: at once, and after each job of
// run_chunks that interrupted it, from the chunk where it stopped, until its chunks are done or the next call
// replaces it (fn NULL: none, whatever threads says). Nobody waits for it, and a chunk a new job interrupts may be
// skipped, so it must be work whose chunks may be dropped: prefetching (esr_linear.c). The job must outlive the next
// call.
__attribute__((visibility("hidden"))) void run_when_idle(chunk_fn fn, const void *job, int64_t total, int threads);
