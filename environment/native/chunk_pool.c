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
    _Atomic int counted;         // whether the caller waits for this generation's chunks (not for idle work)
    int workers;
    uint32_t last;
    pthread_mutex_t busy;        // one job at a time; other callers run theirs on their own thread
    struct { chunk_fn fn; const void *job; int64_t next, total; uint32_t generation; } idle; // run_when_idle's job (under busy)
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
    int counted = atomic_load_explicit(&pool.counted, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load_explicit(&pool.described, memory_order_relaxed) != g) return;
    uint64_t state = atomic_load_explicit(&pool.state, memory_order_acquire);
    for (;;)
    {
        if ((uint32_t)(state >> 32) != g || (int64_t)(uint32_t)state >= total) return;
        if (!atomic_compare_exchange_weak_explicit(&pool.state, &state, state + 1, memory_order_acq_rel, memory_order_acquire)) continue;
        fn(job, (int64_t)(uint32_t)state);
        if (counted) atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
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

// Hands chunks first .. total - 1 of a job to the workers (a new generation, woken); `counted` says whether they
// count towards `done`. Returns the generation.
static uint32_t publish(chunk_fn fn, const void *job, int64_t first, int64_t total, int counted)
{
    uint32_t g = ++pool.last;
    if (g == 0) g = ++pool.last; // 0 marks a job being rewritten
    atomic_store_explicit(&pool.described, 0, memory_order_release);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&pool.fn, fn, memory_order_relaxed);
    atomic_store_explicit(&pool.job, job, memory_order_relaxed);
    atomic_store_explicit(&pool.total, total, memory_order_relaxed);
    atomic_store_explicit(&pool.counted, counted, memory_order_relaxed);
    atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.described, g, memory_order_release);
    atomic_store_explicit(&pool.state, (uint64_t)g << 32 | (uint64_t)first, memory_order_release);
    atomic_store_explicit(&pool.generation, g, memory_order_release);
    syscall(SYS_futex, &pool.generation, FUTEX_WAKE_PRIVATE, POOL_MAX_WORKERS, NULL, NULL, 0);
    return g;
}

// Where the idle work stopped, if the latest generation is it (under busy); its chunks in flight count as done.
static void idle_stop(void)
{
    if (!pool.idle.fn || pool.idle.generation != pool.last) return;
    int64_t claimed = (int64_t)(uint32_t)atomic_load_explicit(&pool.state, memory_order_acquire);
    pool.idle.next = claimed < pool.idle.total ? claimed : pool.idle.total;
}

// The rest of the idle work, if any is left (under busy).
static void idle_resume(void)
{
    if (!pool.idle.fn) return;
    if (pool.idle.next >= pool.idle.total) pool.idle.fn = NULL;
    else pool.idle.generation = publish(pool.idle.fn, pool.idle.job, pool.idle.next, pool.idle.total, 0);
}

void run_chunks(chunk_fn fn, const void *job, int64_t total, int threads)
{
    if (threads <= 1 || total <= 1 || !pool_grow(threads) || pthread_mutex_trylock(&pool.busy) != 0)
    {
        for (int64_t chunk = 0; chunk < total; chunk++) fn(job, chunk);
        return;
    }
    idle_stop();
    uint32_t g = publish(fn, job, 0, total, 1);
    pool_work(g);
    for (int spin = 0; atomic_load_explicit(&pool.done, memory_order_acquire) < total; spin++)
    {
        if (spin < POOL_SPINS) _mm_pause();
        else sched_yield(); // a worker holding a chunk was descheduled: let it run
    }
    idle_resume();
    pthread_mutex_unlock(&pool.busy);
}

void run_when_idle(chunk_fn fn, const void *job, int64_t total, int threads)
{
    // Clearing needs no workers; idle work on fewer than two threads would only delay the caller.
    if ((fn && (threads <= 1 || !pool_grow(threads))) || pthread_mutex_trylock(&pool.busy) != 0) return;
    pool.idle.fn = fn;
    pool.idle.job = job;
    pool.idle.next = 0;
    pool.idle.total = total;
    idle_resume();
    pthread_mutex_unlock(&pool.busy);
}
