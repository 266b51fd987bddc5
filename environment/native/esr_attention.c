// One decoding step's self-attention, fused: for each batch row and key-value head, the new key is rotated and
// written with its value into the cache slot, and each query head of the group is rotated and attends to every slot
// so far (scaled dot products plus the additive mask, softmax, weighted sum of values). In libtorch the same step is
// some twenty operations per layer, each a dispatch and a pass over memory; at 1-32 rows they cost a third of a
// decoding step of a 125M model (docs/PERFORMANCE.md). fp32 and AVX-512 only, like the panel products: esr toy build
// pins AVX2, and the zoo's sums must not move.
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "chunk_pool.h"

#define T512 "avx512f,avx512bw,avx512vl,avx512dq,fma"

int esr_linear_isa(void);

enum { ESR_AVX512 = 2, MAX_HEAD_DIM = 512 };

typedef struct
{
    const float *qkv;       // [batch, (heads + 2 kv_heads) head_dim]: queries, keys, values, before rotation
    const float *cos, *sin; // [batch, head_dim]: the rotation at the row's position ("rotate half" layout)
    float *keys, *values;   // [batch, kv_heads, capacity, head_dim]: the cache of this layer
    const float *mask;      // [batch, slots]: 0 where a slot may be seen, -inf where not
    float *out;             // [batch, heads head_dim]
    float *scores;          // [chunks, slots]: one row of scratch per chunk
    int64_t heads, kv_heads, head_dim, capacity, slot, slots;
    float scale;
} attention_job;

// x·cos + rotate_half(x)·sin, rotate_half(x) = (-x[half:], x[:half]); the products are rounded before the sum, as in
// libtorch's (x * cos) + (rotate_half(x) * sin).
static void rotate(const float *x, const float *cos, const float *sin, float *y, int64_t head_dim)
{
    int64_t half = head_dim / 2;
    for (int64_t i = 0; i < half; i++)
    {
        float a = x[i] * cos[i], b = -x[i + half] * sin[i];
        y[i] = a + b;
    }
    for (int64_t i = half; i < head_dim; i++)
    {
        float a = x[i] * cos[i], b = x[i - half] * sin[i];
        y[i] = a + b;
    }
}

__attribute__((target(T512), always_inline)) static inline __mmask16 tail(int64_t left)
{
    return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
}

// e^x for 16 lanes: x = n ln2 + r with |r| ≤ ln2 / 2, e^r by its Taylor series to r^7 (relative error under 1e-8),
// scaled by 2^n. -inf gives 0 exactly (a masked slot), as libtorch's softmax does.
__attribute__((target(T512), always_inline)) static inline __m512 exp16(__m512 x)
{
    const __mmask16 seen = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-INFINITY), _CMP_NEQ_OQ);
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_maskz_scalef_ps(seen, p, n);
}

__attribute__((target(T512))) static float dot(const float *a, const float *b, int64_t length)
{
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < length; i += 16)
    {
        __mmask16 m = tail(length - i);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), acc);
    }
    return _mm512_reduce_add_ps(acc);
}

// Softmax of scores[0 .. slots) in place.
__attribute__((target(T512))) static void softmax(float *scores, int64_t slots)
{
    __m512 top = _mm512_set1_ps(-INFINITY);
    for (int64_t s = 0; s < slots; s += 16) top = _mm512_mask_max_ps(top, tail(slots - s), top, _mm512_loadu_ps(scores + s));
    const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(top));
    __m512 sum = _mm512_setzero_ps();
    for (int64_t s = 0; s < slots; s += 16)
    {
        __mmask16 m = tail(slots - s);
        __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, scores + s), max));
        _mm512_mask_storeu_ps(scores + s, m, e);
        sum = _mm512_add_ps(sum, _mm512_maskz_mov_ps(m, e));
    }
    const __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
    for (int64_t s = 0; s < slots; s += 16)
    {
        __mmask16 m = tail(slots - s);
        _mm512_mask_storeu_ps(scores + s, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, scores + s), inverse));
    }
}

// out[0 .. head_dim) = sum over slots of weights[s] · values[s, :].
__attribute__((target(T512))) static void weighted_sum(const float *weights, const float *values, float *out, int64_t slots, int64_t head_dim)
{
    for (int64_t i = 0; i < head_dim; i += 16)
    {
        __mmask16 m = tail(head_dim - i);
        __m512 acc = _mm512_setzero_ps();
        for (int64_t s = 0; s < slots; s++)
            acc = _mm512_fmadd_ps(_mm512_set1_ps(weights[s]), _mm512_maskz_loadu_ps(m, values + s * head_dim + i), acc);
        _mm512_mask_storeu_ps(out + i, m, acc);
    }
}

// One (row, kv head): its key and value into the cache, then its group of query heads.
__attribute__((target(T512))) static void attention_chunk(const void *p, int64_t chunk)
{
    const attention_job *j = p;
    int64_t hd = j->head_dim, row = chunk / j->kv_heads, kv = chunk % j->kv_heads, group = j->heads / j->kv_heads;
    const float *qkv = j->qkv + row * (j->heads + 2 * j->kv_heads) * hd;
    const float *cos = j->cos + row * hd, *sin = j->sin + row * hd, *mask = j->mask + row * j->slots;
    float *keys = j->keys + (row * j->kv_heads + kv) * j->capacity * hd;
    float *values = j->values + (row * j->kv_heads + kv) * j->capacity * hd;
    rotate(qkv + (j->heads + kv) * hd, cos, sin, keys + j->slot * hd, hd);
    for (int64_t i = 0; i < hd; i++) values[j->slot * hd + i] = qkv[(j->heads + j->kv_heads + kv) * hd + i];

    float *scores = j->scores + chunk * j->slots, query[MAX_HEAD_DIM];
    for (int64_t g = 0; g < group; g++)
    {
        int64_t head = kv * group + g;
        rotate(qkv + head * hd, cos, sin, query, hd);
        for (int64_t s = 0; s < j->slots; s++) scores[s] = dot(query, keys + s * hd, hd) * j->scale + mask[s];
        softmax(scores, j->slots);
        weighted_sum(scores, values, j->out + (row * j->heads + head) * hd, j->slots, hd);
    }
}

// Entry point: 0 when out was written (and the cache slot filled), -1 when this CPU or shape has no kernel (the
// caller uses libtorch). `scores` is caller-owned scratch of batch · kv_heads · slots floats.
int esr_attention_decode_f32(const float *qkv, const float *cos, const float *sin, float *keys, float *values,
                             const float *mask, float *out, float *scores, int64_t batch, int64_t heads, int64_t kv_heads,
                             int64_t head_dim, int64_t capacity, int64_t slot, float scale, int threads)
{
    static int isa = -1;
    if (isa < 0) isa = esr_linear_isa();
    if (!(isa & ESR_AVX512) || head_dim > MAX_HEAD_DIM || head_dim % 2 != 0 || kv_heads <= 0 || heads % kv_heads != 0 || slot >= capacity)
        return -1;
    attention_job job = {qkv, cos, sin, keys, values, mask, out, scores, heads, kv_heads, head_dim, capacity, slot, slot + 1, scale};
    int64_t chunks = batch * kv_heads;
    // Under ~a million multiply-adds the workers would not wake in time (as for the products).
    int wanted = chunks * (heads / kv_heads) * (slot + 1) * head_dim * 2 < (1 << 20) ? 1 : threads;
    run_chunks(attention_chunk, &job, chunks, wanted);
    return 0;
}
