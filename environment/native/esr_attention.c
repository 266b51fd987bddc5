// One decoding step's self-attention, fused: for each batch row and key-value head, the new key is rotated and
// written with its value into the cache slot, and each query head of the group is rotated and attends to every slot
// so far (scaled dot products plus the additive mask, softmax, weighted sum of values). In libtorch the same step is
// some twenty operations per layer, each a dispatch and a pass over memory; at 1-32 rows they cost a third of a
// decoding step of a 125M model (docs/PERFORMANCE.md). Tensors are fp32 or bf16 (the mask is always fp32; elements.h),
// rounded to bf16 only where stored: the cache slot and the output. AVX-512 only, like the panel products: esr toy
// build pins AVX2, and the zoo's sums must not move.
#include <math.h>

#include "chunk_pool.h"
#include "elements.h"
#include "entry_points.h"

enum { MAX_HEAD_DIM = 512 };

typedef struct
{
    const void *qkv;        // [batch, (heads + 2 kv_heads) head_dim]: queries, keys, values, before rotation
    const void *cos, *sin;  // [batch, head_dim]: the rotation at the row's position ("rotate half" layout)
    void *keys, *values;    // [batch, kv_heads, capacity, head_dim]: the cache of this layer
    const float *mask;      // [batch, slots]: 0 where a slot may be seen, -inf where not
    void *out;              // [batch, heads head_dim]
    float *scores;          // [chunks, slots]: one row of scratch per chunk
    int64_t heads, kv_heads, head_dim, capacity, slot, slots;
    float scale;
    int bf16;               // the element type of every tensor but the mask and the scores
} attention_job;

// x·cos + rotate_half(x)·sin into y (fp32), rotate_half(x) = (-x[half:], x[:half]); the products are rounded before
// the sum, as in libtorch's (x * cos) + (rotate_half(x) * sin).
static void rotate(const void *x, const void *cos, const void *sin, float *y, int64_t head_dim, int bf16)
{
    int64_t half = head_dim / 2;
    for (int64_t i = 0; i < head_dim; i++)
    {
        float rotated = i < half ? -get(x, i + half, bf16) : get(x, i - half, bf16);
        float a = get(x, i, bf16) * get(cos, i, bf16), b = rotated * get(sin, i, bf16);
        y[i] = a + b;
    }
}

// query · keys[key, :] (key in the cache's element type).
__attribute__((target(T512))) static float dot(const float *query, const void *keys, int64_t key, int64_t length, int bf16)
{
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < length; i += 16)
    {
        __mmask16 m = tail(length - i);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, query + i), load16(keys, key * length + i, m, bf16), acc);
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
__attribute__((target(T512))) static void weighted_sum(const float *weights, const void *values, float *out, int64_t slots, int64_t head_dim, int bf16)
{
    for (int64_t i = 0; i < head_dim; i += 16)
    {
        __mmask16 m = tail(head_dim - i);
        __m512 acc = _mm512_setzero_ps();
        for (int64_t s = 0; s < slots; s++)
            acc = _mm512_fmadd_ps(_mm512_set1_ps(weights[s]), load16(values, s * head_dim + i, m, bf16), acc);
        _mm512_mask_storeu_ps(out + i, m, acc);
    }
}

// One (row, kv head): its key and value into the cache, then its group of query heads.
__attribute__((target(T512))) static void attention_chunk(const void *p, int64_t chunk)
{
    const attention_job *j = p;
    const int bf16 = j->bf16, size = bf16 ? 2 : 4;
    int64_t hd = j->head_dim, row = chunk / j->kv_heads, kv = chunk % j->kv_heads, group = j->heads / j->kv_heads;
    const char *qkv = (const char *)j->qkv + row * (j->heads + 2 * j->kv_heads) * hd * size;
    const char *cos = (const char *)j->cos + row * hd * size, *sin = (const char *)j->sin + row * hd * size;
    const float *mask = j->mask + row * j->slots;
    char *keys = (char *)j->keys + (row * j->kv_heads + kv) * j->capacity * hd * size;
    char *values = (char *)j->values + (row * j->kv_heads + kv) * j->capacity * hd * size;
    float buffer[MAX_HEAD_DIM];
    rotate(qkv + (j->heads + kv) * hd * size, cos, sin, buffer, hd, bf16);
    for (int64_t i = 0; i < hd; i++)
    {
        put(keys, j->slot * hd + i, buffer[i], bf16);
        put(values, j->slot * hd + i, get(qkv, (j->heads + j->kv_heads + kv) * hd + i, bf16), bf16);
    }

    float *scores = j->scores + chunk * j->slots;
    for (int64_t g = 0; g < group; g++)
    {
        int64_t head = kv * group + g;
        rotate(qkv + head * hd * size, cos, sin, buffer, hd, bf16);
        for (int64_t s = 0; s < j->slots; s++) scores[s] = dot(buffer, keys, s, hd, bf16) * j->scale + mask[s];
        softmax(scores, j->slots);
        weighted_sum(scores, values, buffer, j->slots, hd, bf16);
        for (int64_t i = 0; i < hd; i++) put(j->out, (row * j->heads + head) * hd + i, buffer[i], bf16);
    }
}

// Entry point: 0 when out was written (and the cache slot filled), -1 when this CPU or shape has no kernel (the
// caller uses libtorch). `scores` is caller-owned scratch of batch · kv_heads · slots floats; bf16 (0 or 1) is the
// element type of qkv, cos, sin, the cache and out.
int esr_attention_decode(const void *qkv, const void *cos, const void *sin, void *keys, void *values, const float *mask,
                         void *out, float *scores, int64_t batch, int64_t heads, int64_t kv_heads, int64_t head_dim,
                         int64_t capacity, int64_t slot, float scale, int bf16, int threads)
{
    if (!(esr_isa() & ESR_AVX512) || head_dim > MAX_HEAD_DIM || head_dim % 2 != 0 || kv_heads <= 0 || heads % kv_heads != 0 || slot >= capacity)
        return -1;
    attention_job job = {qkv, cos, sin, keys, values, mask, out, scores, heads, kv_heads, head_dim, capacity, slot, slot + 1, scale, bf16 != 0};
    int64_t chunks = batch * kv_heads;
    // Under ~a million multiply-adds the workers would not wake in time.
    int wanted = chunks * (heads / kv_heads) * (slot + 1) * head_dim * 2 < (1 << 20) ? 1 : threads;
    run_chunks(attention_chunk, &job, chunks, wanted);
    return 0;
}
