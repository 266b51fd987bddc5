// The chunk pool of chunk_pool.h.
#include "chunk_pool.h"

#include <immintrin.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { POOL_MAX_WORKERS = 63, POOL_SPINS = 1000 };

static struct
{
    _Atomic uint64_t state;      // generation << 32 | the next unclaimed chunk
    _Atomic uint32_t generation; // futex word: the latest job's generation
    _Atomic uint32_t described;  // the generation whose job the fields below describe (0 while being rewritten)
    _Atomic(chunk_fn) fn;
    _Atomic(const void *) job;
    _Atomic int64_t total;
    _Atomic int64_t done;        // chunks finished in the current generation
    int workers;
    uint32_t last;
    pthread_mutex_t busy;        // one job at a time; other callers run theirs on their own thread
    pthread_mutex_t growing;
} pool = {.busy = PTHREAD_MUTEX_INITIALIZER, .growing = PTHREAD_MUTEX_INITIALIZER};

// Claims and runs chunks of generation g until none is left or a newer job has replaced it.
static void pool_work(uint32_t g)
{
    // A consistent copy of the job (seqlock: the generation is read before and after the fields).
    if (atomic_load_explicit(&pool.described, memory_order_acquire) != g) return;
    chunk_fn fn = atomic_load_explicit(&pool.fn, memory_order_relaxed);
    const void *job = atomic_load_explicit(&pool.job, memory_order_relaxed);
    int64_t total = atomic_load_explicit(&pool.total, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load_explicit(&pool.described, memory_order_relaxed) != g) return;
    uint64_t state = atomic_load_explicit(&pool.state, memory_order_acquire);
    for (;;)
    {
        if ((uint32_t)(state >> 32) != g || (int64_t)(uint32_t)state >= total) return;
        if (!atomic_compare_exchange_weak_explicit(&pool.state, &state, state + 1, memory_order_acq_rel, memory_order_acquire)) continue;
        fn(job, (int64_t)(uint32_t)state);
        atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
        state = atomic_load_explicit(&pool.state, memory_order_acquire);
    }
}

static void *pool_worker(void *unused)
{
    (void)unused;
    uint32_t seen = atomic_load_explicit(&pool.generation, memory_order_acquire);
    for (;;)
    {
        uint32_t g;
        for (int spin = 0; (g = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen; spin++)
        {
            if (spin < POOL_SPINS) _mm_pause();
            else syscall(SYS_futex, &pool.generation, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
        }
        seen = g;
        pool_work(g);
    }
    return NULL;
}

// Starts workers up to threads - 1; false if none could be started.
static int pool_grow(int threads)
{
    int wanted = threads - 1 < POOL_MAX_WORKERS ? threads - 1 : POOL_MAX_WORKERS;
    pthread_mutex_lock(&pool.growing);
    while (pool.workers < wanted)
    {
        pthread_t thread;
        if (pthread_create(&thread, NULL, pool_worker, NULL) != 0) break;
        pthread_detach(thread);
        pool.workers++;
    }
    int any = pool.workers > 0;
    pthread_mutex_unlock(&pool.growing);
    return any;
}

void run_chunks(chunk_fn fn, const void *job, int64_t total, int threads)
{
    if (threads <= 1 || total <= 1 || !pool_grow(threads) || pthread_mutex_trylock(&pool.busy) != 0)
    {
        for (int64_t chunk = 0; chunk < total; chunk++) fn(job, chunk);
        return;
    }
    uint32_t g = ++pool.last;
    if (g == 0) g = ++pool.last; // 0 marks a job being rewritten
    atomic_store_explicit(&pool.described, 0, memory_order_release);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&pool.fn, fn, memory_order_relaxed);
    atomic_store_explicit(&pool.job, job, memory_order_relaxed);
    atomic_store_explicit(&pool.total, total, memory_order_relaxed);
    atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.described, g, memory_order_release);
    atomic_store_explicit(&pool.state, (uint64_t)g << 32, memory_order_release);
    atomic_store_explicit(&pool.generation, g, memory_order_release);
    syscall(SYS_futex, &pool.generation, FUTEX_WAKE_PRIVATE, POOL_MAX_WORKERS, NULL, NULL, 0);
    pool_work(g);
    for (int spin = 0; atomic_load_explicit(&pool.done, memory_order_acquire) < total; spin++)
    {
        if (spin < POOL_SPINS) _mm_pause();
        else sched_yield(); // a worker holding a chunk was descheduled: let it run
    }
    pthread_mutex_unlock(&pool.busy);
}
