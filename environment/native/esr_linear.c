// Linear layers for the engine on the CPU: y[r, j] = sum_i x[r, i] * w[j, i] for x [rows, k], w [n, k] (a torch
// Linear weight) and y [rows, n], all contiguous. Two shapes of kernel:
// - dot products (any row count up to 32, fp32 and bf16, AVX-512 or AVX2): at a few rows a product only streams the
//   weights, and libtorch reads fp32 weights at half the memory bandwidth on this kind of CPU (docs/PERFORMANCE.md).
//   A tile of weight rows is read from memory once and reused from cache for every group of input rows.
// - panels (fp32, AVX-512, 8 rows or more, no upper limit): the input rows are copied transposed into panels of 16
//   or 32, and each step of k multiplies one or two vectors of a panel by broadcast weights of eight weight rows, so
//   a product is bound by the multiply-adds rather than by loads and horizontal sums: at 16-32 rows 1.3-1.6x the dot
//   products' speed, at 5-8 rows even with them, and beyond 32 rows 1.4x libtorch's fp32 GEMM (MKL, which on AMD
//   CPUs takes its slower path).
//
// Built by environment/build-native.sh without -march: each kernel carries its own target attribute and
// esr_linear_isa() reports what the running CPU supports, so one binary serves AVX2-only and AVX-512 machines (and
// the callers fall back to libtorch where neither is present). ESR_CPU_CAPABILITY=avx2 caps it at AVX2 as
// ATEN_CPU_CAPABILITY does libtorch's, so that sums do not depend on the CPU (esr toy build sets both). The caller
// passes the thread count (torch's).
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "chunk_pool.h"
#include "isa.h"
#include "entry_points.h"

int esr_linear_isa(void)
{
    __builtin_cpu_init();
    int isa = ESR_NONE;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) isa |= ESR_AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) isa |= ESR_AVX512;
    if ((isa & ESR_AVX512) && __builtin_cpu_supports("avx512bf16")) isa |= ESR_AVX512_BF16;
    const char *cap = getenv("ESR_CPU_CAPABILITY");
    if (cap && strcmp(cap, "avx2") == 0) isa &= ESR_AVX2;
    return isa;
}

int esr_isa(void)
{
    static int isa = -1;
    if (isa < 0) isa = esr_linear_isa();
    return isa;
}

#define T512BF16 "avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma"
#define T256 "avx2,fma"

// A tile: MR input rows (stride k) against NR weight rows (stride k), k walked STEP elements at a time with a
// masked tail, MR x NR accumulators summed into y (stride n). VEC (accumulator), LVEC (loaded operand), ZERO, LOAD(p), MLOAD(p, left), FMA(acc, x, w),
// STORE(p, acc) adapt it to an instruction set and element type. With AHEAD above 0, each step also prefetches into
// L2 the same columns of the weight rows AHEAD rows on: the next tile's, when AHEAD is NR. A tile that reads its
// weights from memory streams NR short rows (3 KB each at d 768 in fp32) that the hardware prefetcher learns anew at
// every tile; prefetching the next tile while this one is summed made a decoding step's one-row products 5-16 % faster
// in a probe, and batch-4 decode 1.3x faster (docs/PERFORMANCE.md).
#define TILE(NAME, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, MR, NR, AHEAD)                   \
    __attribute__((target(TARGET))) static void NAME##_##MR##x##NR##_##AHEAD(const void *xs, const void *ws,    \
                                                                             void *ys, int64_t k, int64_t n)     \
    {                                                                                                            \
        const ELEM *x = xs, *w = ws;                                                                             \
        OUT *y = ys;                                                                                             \
        VEC acc[MR][NR];                                                                                         \
        for (int r = 0; r < MR; r++)                                                                             \
            for (int c = 0; c < NR; c++) acc[r][c] = ZERO;                                                       \
        int64_t i = 0;                                                                                           \
        for (; i + STEP <= k; i += STEP)                                                                         \
        {                                                                                                        \
            LVEC wv[NR];                                                                                          \
            if (AHEAD)                                                                                           \
                for (int c = 0; c < NR; c++) _mm_prefetch((const char *)(w + (AHEAD + c) * k + i), _MM_HINT_T2); \
            for (int c = 0; c < NR; c++) wv[c] = LOAD(w + c * k + i);                                            \
            for (int r = 0; r < MR; r++)                                                                         \
            {                                                                                                    \
                LVEC xv = LOAD(x + r * k + i);                                                                    \
                for (int c = 0; c < NR; c++) acc[r][c] = FMA(acc[r][c], xv, wv[c]);                              \
            }                                                                                                    \
        }                                                                                                        \
        if (i < k)                                                                                               \
        {                                                                                                        \
            int64_t left = k - i;                                                                                \
            LVEC wv[NR];                                                                                          \
            for (int c = 0; c < NR; c++) wv[c] = MLOAD(w + c * k + i, left);                                     \
            for (int r = 0; r < MR; r++)                                                                         \
            {                                                                                                    \
                LVEC xv = MLOAD(x + r * k + i, left);                                                             \
                for (int c = 0; c < NR; c++) acc[r][c] = FMA(acc[r][c], xv, wv[c]);                              \
            }                                                                                                    \
        }                                                                                                        \
        for (int r = 0; r < MR; r++)                                                                             \
            for (int c = 0; c < NR; c++) STORE(y + r * n + c, acc[r][c]);                                        \
    }

// The kernels of one instruction set and element type, and their element sizes in bytes.
typedef void (*tile_fn)(const void *x, const void *w, void *y, int64_t k, int64_t n);
typedef struct { tile_fn t1x8, t1x8_ahead, t4x4, t4x4_ahead, t3x4, t3x4_ahead, t2x4, t2x4_ahead, t1x4, t1x1; int64_t in, out; } kernels;

// One product cut into chunks of weight-row tiles (eight rows for one input row, where only streaming memory
// matters; four otherwise); within a tile, input rows four at a time.
typedef struct
{
    const kernels *kn;
    const char *x, *w;
    char *y;
    int64_t rows, k, n, width, tiles, chunks;
    int ahead; // tiles prefetch the next tile (esr_linear_prefetch)
} linear_job;

static void linear_chunk(const void *job, int64_t chunk)
{
    const linear_job *j = job;
    const kernels *kn = j->kn;
    int64_t k = j->k, n = j->n, in = kn->in, out = kn->out;
    for (int64_t t = chunk * j->tiles / j->chunks; t < (chunk + 1) * j->tiles / j->chunks; t++)
    {
        int64_t c = t * j->width, r = 0;
        if (j->rows == 1)
        {
            (j->ahead ? kn->t1x8_ahead : kn->t1x8)(j->x, j->w + c * k * in, j->y + c * out, k, n);
            continue;
        }
        int fetch = j->ahead; // the first group of input rows reads the tile from memory, so it prefetches the next
        for (; r + 4 <= j->rows; r += 4, fetch = 0)
            (fetch ? kn->t4x4_ahead : kn->t4x4)(j->x + r * k * in, j->w + c * k * in, j->y + (r * n + c) * out, k, n);
        int64_t left = j->rows - r;
        tile_fn rest = left == 3 ? (fetch ? kn->t3x4_ahead : kn->t3x4) : left == 2 ? (fetch ? kn->t2x4_ahead : kn->t2x4) : left == 1 ? kn->t1x4 : 0;
        if (rest) rest(j->x + r * k * in, j->w + c * k * in, j->y + (r * n + c) * out, k, n);
    }
}

// Products under ~half a million multiply-adds (a toy model's) finish before a worker could wake: one thread does them.
// (At a million, a 768 x 768 product of one row ran on one thread at 40 GB/s; on two it streams at 63.)
static int threads_for(int64_t rows, int64_t k, int64_t n, int threads) { return rows * k * n < (1 << 19) ? 1 : threads; }

// Chunks of tiles to hand out: a few per thread, so that a thread the scheduler delays holds up little.
static int64_t chunks_for(int64_t tiles, int threads) { return tiles < 8 * (int64_t)threads ? tiles : 8 * (int64_t)threads; }

// The weight rows past the last whole tile, one by one.
static void leftover(const kernels *kn, const char *x, const char *w, char *y, int64_t rows, int64_t k, int64_t n, int64_t from)
{
    for (int64_t c = from; c < n; c++)
        for (int64_t r = 0; r < rows; r++) kn->t1x1(x + r * k * kn->in, w + c * k * kn->in, y + (r * n + c) * kn->out, k, n);
}

// ---- Prefetching the next product's weights ----
// A decoding step calls the same products in the same order every step, and between two of them the caller spends
// a millisecond or two a step on small operations (norms, attention, sampling) while the memory bus idles. So each
// product of a few rows records which weights followed the weights before it, and hands the pool's workers, as idle
// work, the weights that followed its own last time (the next product's and on, up to PREFETCH_BYTES): the next
// product then finds its first megabytes in cache. Prefetch instructions never fault, so an address that went stale
// (a model since freed, a guess that missed) costs bandwidth, never correctness.
enum { SUCCESSORS = 1024, PROBES = 16, PREFETCH_CHAIN = 8, PREFETCH_BYTES = 8 << 20, PREFETCH_CHUNK = 64 << 10 };

typedef struct { const char *weight, *next; int64_t next_bytes; } successor;
static struct
{
    pthread_mutex_t lock;
    successor slots[SUCCESSORS];
} successors = {.lock = PTHREAD_MUTEX_INITIALIZER};

static _Atomic int prefetch_enabled = 1;
static _Thread_local const char *previous_weight; // this thread's last product of a few rows

// The slot of weight w: its own, else the first free one along its probe sequence, else (a full neighbourhood, as
// a long session's freed models leave it) the first one, taken over.
static successor *successor_slot(const char *w)
{
    uint64_t h = ((uint64_t)(uintptr_t)w >> 6) * 0x9e3779b97f4a7c15ull;
    for (int probe = 0; probe < PROBES; probe++)
    {
        successor *slot = &successors.slots[((h >> 54) + probe) & (SUCCESSORS - 1)];
        if (slot->weight == w || slot->weight == NULL) return slot;
    }
    return &successors.slots[h >> 54];
}

// The weights to prefetch, as idle work: chunks of PREFETCH_CHUNK bytes over up to PREFETCH_CHAIN matrices. Fields
// are atomic because a worker may still read the previous request while the next is written (a torn read prefetches
// the wrong lines, nothing worse).
typedef struct
{
    _Atomic int count;
    _Atomic(const char *) start[PREFETCH_CHAIN];
    _Atomic int64_t first_chunk[PREFETCH_CHAIN + 1]; // the first chunk of each matrix; the last entry is the total
    _Atomic int64_t bytes[PREFETCH_CHAIN];
} prefetch_request;
static prefetch_request request;

static void prefetch_chunk(const void *job, int64_t chunk)
{
    const prefetch_request *r = job;
    int count = atomic_load_explicit(&r->count, memory_order_relaxed), m = 0;
    while (m + 1 < count && atomic_load_explicit(&r->first_chunk[m + 1], memory_order_relaxed) <= chunk) m++;
    const char *start = atomic_load_explicit(&r->start[m], memory_order_relaxed);
    int64_t bytes = atomic_load_explicit(&r->bytes[m], memory_order_relaxed);
    int64_t from = (chunk - atomic_load_explicit(&r->first_chunk[m], memory_order_relaxed)) * PREFETCH_CHUNK;
    int64_t to = from + PREFETCH_CHUNK < bytes ? from + PREFETCH_CHUNK : bytes;
    for (int64_t offset = from; offset < to; offset += 64) _mm_prefetch(start + offset, _MM_HINT_T0);
}

// After a product of w (bytes long) on several threads: records w as the successor of this thread's previous
// product, and prefetches what followed w last time.
static void prefetch_after(const char *w, int64_t bytes, int threads)
{
    if (!atomic_load_explicit(&prefetch_enabled, memory_order_relaxed)) return;
    const char *before = previous_weight;
    previous_weight = w;
    if (pthread_mutex_trylock(&successors.lock) != 0) return;
    if (before) *successor_slot(before) = (successor){before, w, bytes};
    int count = 0;
    int64_t chunks = 0, total = 0;
    const char *at = w;
    for (successor *slot; count < PREFETCH_CHAIN && total < PREFETCH_BYTES && (slot = successor_slot(at))->weight == at && slot->next != w; count++)
    {
        int64_t take = slot->next_bytes < PREFETCH_BYTES - total ? slot->next_bytes : PREFETCH_BYTES - total;
        atomic_store_explicit(&request.start[count], slot->next, memory_order_relaxed);
        atomic_store_explicit(&request.bytes[count], take, memory_order_relaxed);
        atomic_store_explicit(&request.first_chunk[count], chunks, memory_order_relaxed);
        chunks += (take + PREFETCH_CHUNK - 1) / PREFETCH_CHUNK;
        total += take;
        at = slot->next;
    }
    atomic_store_explicit(&request.first_chunk[count], chunks, memory_order_relaxed);
    atomic_store_explicit(&request.count, count, memory_order_relaxed);
    pthread_mutex_unlock(&successors.lock);
    run_when_idle(count > 0 ? prefetch_chunk : NULL, &request, chunks, threads);
}

// Switches both prefetches, the next product's weights between products and the next tile's within one (TILE).
void esr_linear_prefetch(int enabled)
{
    atomic_store(&prefetch_enabled, enabled != 0);
    if (!enabled) run_when_idle(NULL, NULL, 0, 0);
}

static void linear(const kernels *kn, const char *x, const char *w, char *y, int64_t rows, int64_t k, int64_t n, int threads)
{
    int64_t width = rows == 1 ? 8 : 4, tiles = n / width;
    threads = threads_for(rows, k, n, threads);
    int64_t chunks = chunks_for(tiles, threads);
    linear_job job = {kn, x, w, y, rows, k, n, width, tiles, chunks, atomic_load_explicit(&prefetch_enabled, memory_order_relaxed)};
    if (chunks > 0) run_chunks(linear_chunk, &job, chunks, threads);
    leftover(kn, x, w, y, rows, k, n, tiles * width);
    if (threads > 1) prefetch_after(w, n * k * kn->in, threads);
}

#define TILES(NAME, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE)                                 \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 1, 8, 0)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 1, 8, 8)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 4, 4, 0)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 4, 4, 4)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 3, 4, 0)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 3, 4, 4)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 2, 4, 0)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 2, 4, 4)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 1, 4, 0)                      \
    TILE(NAME##_tile, TARGET, ELEM, OUT, VEC, LVEC, STEP, ZERO, LOAD, MLOAD, FMA, STORE, 1, 1, 0)                      \
    static const kernels NAME = {NAME##_tile_1x8_0, NAME##_tile_1x8_8, NAME##_tile_4x4_0, NAME##_tile_4x4_4,        \
                                 NAME##_tile_3x4_0, NAME##_tile_3x4_4, NAME##_tile_2x4_0, NAME##_tile_2x4_4,        \
                                 NAME##_tile_1x4_0, NAME##_tile_1x1_0, sizeof(ELEM), sizeof(OUT)};

// ---- fp32, AVX-512 ----
#define F512_LOAD(p) _mm512_loadu_ps(p)
#define F512_MLOAD(p, left) _mm512_maskz_loadu_ps((__mmask16)((1u << (left)) - 1), p)
#define F512_FMA(acc, a, b) _mm512_fmadd_ps(a, b, acc)
#define F512_STORE(p, acc) (*(p) = _mm512_reduce_add_ps(acc))
TILES(linear512_f32, T512, float, float, __m512, __m512, 16, _mm512_setzero_ps(), F512_LOAD, F512_MLOAD, F512_FMA, F512_STORE)

// ---- fp32, AVX2 ----
__attribute__((target(T256), always_inline)) static inline __m256 mask256(int64_t left)
{
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), lanes));
}
__attribute__((target(T256), always_inline)) static inline float sum256(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}
#define F256_LOAD(p) _mm256_loadu_ps(p)
#define F256_MLOAD(p, left) _mm256_maskload_ps(p, _mm256_castps_si256(mask256(left)))
#define F256_FMA(acc, a, b) _mm256_fmadd_ps(a, b, acc)
#define F256_STORE(p, acc) (*(p) = sum256(acc))
TILES(linear256_f32, T256, float, float, __m256, __m256, 8, _mm256_setzero_ps(), F256_LOAD, F256_MLOAD, F256_FMA, F256_STORE)

// ---- bf16, AVX-512 BF16: products of bf16 pairs summed in fp32, the result rounded to bf16 (nearest, ties even) ----
__attribute__((always_inline)) static inline uint16_t to_bf16(float value)
{
    union { float f; uint32_t u; } bits = {value};
    if ((bits.u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits.u >> 16) | 0x40u); // NaN stays NaN
    return (uint16_t)((bits.u + 0x7fffu + ((bits.u >> 16) & 1u)) >> 16);
}
#define B512_LOAD(p) ((__m512bh)_mm512_loadu_si512((const void *)(p)))
#define B512_MLOAD(p, left) ((__m512bh)_mm512_maskz_loadu_epi16((__mmask32)((1ull << (left)) - 1), (const void *)(p)))
#define B512_FMA(acc, a, b) _mm512_dpbf16_ps(acc, a, b)
#define B512_STORE(p, acc) (*(p) = to_bf16(_mm512_reduce_add_ps(acc)))
TILES(linear512_bf16, T512BF16, uint16_t, uint16_t, __m512, __m512bh, 32, _mm512_setzero_ps(), B512_LOAD, B512_MLOAD, B512_FMA, B512_STORE)

// ---- fp32 panels, AVX-512 ----
// A panel holds PW = 16 * MV input rows transposed, [k][PW] (rows past the end are zeros). One tile multiplies a
// panel's rows by PANEL_NR weight rows over kc steps of k: 2 * PANEL_NR (MV = 2) accumulators stay in registers, and
// each step loads MV vectors of the panel and broadcasts one weight per weight row. k is walked in blocks of
// PANEL_KC, so that a block of the panel (32 KB at MV = 2) stays in cache while the chunk's weight tiles pass; each
// block's sums are added to y after the first. Every output is summed by one thread in a fixed order.
enum { PANEL_NR = 8, PANEL_KC = 512, PANEL_ROWS = 128, DOT_MAX_ROWS = 32, PANEL_MIN_ROWS = 8 };

typedef void (*panel_fn)(const float *p, const float *w, float *y, int64_t k, int64_t kc, int64_t n, int64_t rows, int add);

#define PANEL_TILE(MV)                                                                                               \
    __attribute__((target(T512))) static void panel_tile##MV(const float *p, const float *w, float *y, int64_t k,     \
                                                             int64_t kc, int64_t n, int64_t rows, int add)           \
    {                                                                                                                \
        __m512 acc[PANEL_NR][MV];                                                                                    \
        for (int c = 0; c < PANEL_NR; c++)                                                                           \
            for (int v = 0; v < MV; v++) acc[c][v] = _mm512_setzero_ps();                                            \
        for (int64_t i = 0; i < kc; i++)                                                                             \
        {                                                                                                            \
            __m512 a[MV];                                                                                            \
            for (int v = 0; v < MV; v++) a[v] = _mm512_load_ps(p + (i * MV + v) * 16);                              \
            for (int c = 0; c < PANEL_NR; c++)                                                                       \
            {                                                                                                        \
                __m512 b = _mm512_set1_ps(w[c * k + i]);                                                             \
                for (int v = 0; v < MV; v++) acc[c][v] = _mm512_fmadd_ps(a[v], b, acc[c][v]);                       \
            }                                                                                                        \
        }                                                                                                            \
        float sums[PANEL_NR][16 * MV] __attribute__((aligned(64)));                                                  \
        for (int c = 0; c < PANEL_NR; c++)                                                                           \
            for (int v = 0; v < MV; v++) _mm512_store_ps(&sums[c][16 * v], acc[c][v]);                              \
        for (int64_t r = 0; r < rows; r++)                                                                           \
            for (int c = 0; c < PANEL_NR; c++) y[r * n + c] = add ? y[r * n + c] + sums[c][r] : sums[c][r];          \
    }
PANEL_TILE(1)
PANEL_TILE(2)

// One product's panels: chunk = (block of up to PANEL_ROWS input rows, share of the weight tiles).
typedef struct
{
    panel_fn fn;
    const float *p, *w;
    float *y;
    int64_t width, rows, k, n, tiles, shares;
} panel_job;

static void panel_chunk(const void *job, int64_t chunk)
{
    const panel_job *j = job;
    int64_t share = chunk % j->shares, first = chunk / j->shares * PANEL_ROWS, k = j->k;
    int64_t last = first + PANEL_ROWS < j->rows ? first + PANEL_ROWS : j->rows;
    int64_t t0 = share * j->tiles / j->shares, t1 = (share + 1) * j->tiles / j->shares;
    for (int64_t k0 = 0; k0 < k; k0 += PANEL_KC)
    {
        int64_t kc = k - k0 < PANEL_KC ? k - k0 : PANEL_KC;
        for (int64_t t = t0; t < t1; t++)
            for (int64_t r = first; r < last; r += j->width)
                j->fn(j->p + r * k + k0 * j->width, j->w + t * PANEL_NR * k + k0, j->y + r * j->n + t * PANEL_NR, k, kc,
                      j->n, last - r < j->width ? last - r : j->width, k0 > 0);
    }
}

// The panel buffer of the last product, kept for the next: fresh pages cost a page fault each, and a prompt's
// products would otherwise fault in tens of megabytes each (docs/PERFORMANCE.md). One buffer for the process: a
// product that finds it in use, or needs more than PANEL_KEEP_BYTES, allocates its own for the call.
enum { PANEL_KEEP_BYTES = 1 << 28 };
static struct
{
    pthread_mutex_t lock;
    float *data;
    size_t bytes;
} kept = {.lock = PTHREAD_MUTEX_INITIALIZER};

// A buffer of at least `bytes`: the kept one (*held set, locked until panel_release) when it is free, else a new one.
static float *panel_buffer(size_t bytes, int *held)
{
    *held = bytes <= PANEL_KEEP_BYTES && pthread_mutex_trylock(&kept.lock) == 0;
    if (!*held) return aligned_alloc(64, bytes);
    if (bytes > kept.bytes)
    {
        free(kept.data);
        kept.bytes = (bytes + 4095) & ~(size_t)4095;
        kept.data = aligned_alloc(64, kept.bytes);
        if (!kept.data) kept.bytes = 0;
    }
    if (kept.data) return kept.data;
    *held = 0;
    pthread_mutex_unlock(&kept.lock);
    return NULL;
}

static void panel_release(float *buffer, int held)
{
    if (held) pthread_mutex_unlock(&kept.lock);
    else free(buffer);
}

// Returns -1 when the panel buffer cannot be allocated (the caller then uses libtorch).
static int panel_linear(const float *x, const float *w, float *y, int64_t rows, int64_t k, int64_t n, int threads)
{
    int64_t width = rows <= 16 ? 16 : 32, panels = (rows + width - 1) / width;
    // Panel q starts at p + q * width * k, which is p + r * k for its first row r.
    size_t bytes = (size_t)(panels * width * k) * sizeof(float);
    int held;
    float *p = panel_buffer(bytes, &held);
    if (!p) return -1;
    for (int64_t r = 0; r < panels * width; r++)
    {
        float *column = p + r / width * width * k + r % width;
        if (r < rows)
            for (int64_t i = 0; i < k; i++) column[i * width] = x[r * k + i];
        else
            for (int64_t i = 0; i < k; i++) column[i * width] = 0;
    }
    threads = threads_for(rows, k, n, threads);
    int64_t tiles = n / PANEL_NR, shares = chunks_for(tiles, threads), blocks = (rows + PANEL_ROWS - 1) / PANEL_ROWS;
    panel_job job = {width == 16 ? panel_tile1 : panel_tile2, p, w, y, width, rows, k, n, tiles, shares};
    if (shares > 0) run_chunks(panel_chunk, &job, shares * blocks, threads);
    panel_release(p, held);
    leftover(&linear512_f32, (const char *)x, (const char *)w, (char *)y, rows, k, n, tiles * PANEL_NR);
    return 0;
}

// Entry points: 0 when y was written, -1 when this CPU has no kernel for the type and row count (the caller uses
// libtorch).
int esr_linear_f32(const float *x, const float *w, float *y, int64_t rows, int64_t k, int64_t n, int threads)
{
    int isa = esr_isa();
    if ((isa & ESR_AVX512) && rows >= PANEL_MIN_ROWS) return panel_linear(x, w, y, rows, k, n, threads);
    if (rows > DOT_MAX_ROWS) return -1;
    if (isa & ESR_AVX512) linear(&linear512_f32, (const char *)x, (const char *)w, (char *)y, rows, k, n, threads);
    else if (isa & ESR_AVX2) linear(&linear256_f32, (const char *)x, (const char *)w, (char *)y, rows, k, n, threads);
    else return -1;
    return 0;
}

int esr_linear_bf16(const uint16_t *x, const uint16_t *w, uint16_t *y, int64_t rows, int64_t k, int64_t n, int threads)
{
    if (!(esr_isa() & ESR_AVX512_BF16) || rows > DOT_MAX_ROWS) return -1;
    linear(&linear512_bf16, (const char *)x, (const char *)w, (char *)y, rows, k, n, threads);
    return 0;
}
