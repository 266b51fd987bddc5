// One Llama decoder block of a decoding step (one new token per batch row) in one call: RMS norm, the fused QKV
// product, the decoding attention, the output product and its residual add, RMS norm, the fused gate/up product,
// SiLU(gate)·up, the down product and its residual add. Each part is the library's own kernel or an elementwise loop,
// so the block computes what the engine's dozen libtorch and native calls compute, without their dispatch and fresh
// tensors: most of a toy model's step, and 0.35 ms a block of the bench model at batch 32 in bf16
// (docs/PERFORMANCE.md). fp32 or bf16 (elements.h: every intermediate rounded where libtorch would store it).
// AVX-512 only, like the attention; esr toy build pins AVX2.
#include <stdlib.h>

#include "elements.h"
#include "entry_points.h"

// The block's weights (row-major [out, in], the element type of x), the step's rotation, mask and cache, and its shape.
typedef struct
{
    const void *attention_norm, *query_key_value, *output, *feed_forward_norm, *gate_up, *down;
    const void *cos, *sin;  // [batch, head_dim]
    void *keys, *values;    // this layer's cache [batch, kv_heads, capacity, head_dim]
    const float *mask;      // [batch, slot + 1]
    int64_t batch, hidden, heads, kv_heads, head_dim, intermediate, capacity, slot;
    float epsilon, scale;
    int bf16, threads;
} esr_block;

static int product(const esr_block *b, const void *x, const void *w, void *y, int64_t k, int64_t n)
{
    return b->bf16 ? esr_linear_bf16(x, w, y, b->batch, k, n, b->threads) : esr_linear_f32(x, w, y, b->batch, k, n, b->threads);
}

// y = x + delta, elementwise over `count`, rounded as libtorch rounds a sum of two bf16 tensors.
__attribute__((target(T512))) static void add(const void *x, const void *delta, void *y, int64_t count, int bf16)
{
    for (int64_t i = 0; i < count; i += 16)
    {
        __mmask16 m = tail(count - i);
        store16(y, i, _mm512_add_ps(load16(x, i, m, bf16), load16(delta, i, m, bf16)), m, bf16);
    }
}

// out[r, i] = silu(gate_up[r, i]) · gate_up[r, intermediate + i], silu(g) = g / (1 + e^-g) rounded before the product,
// as libtorch's silu and multiply store it.
__attribute__((target(T512))) static void gated(const void *gate_up, void *out, int64_t rows, int64_t intermediate, int bf16)
{
    const __m512 one = _mm512_set1_ps(1.0f);
    for (int64_t r = 0; r < rows; r++)
    {
        for (int64_t i = 0; i < intermediate; i += 16)
        {
            __mmask16 m = tail(intermediate - i);
            __m512 g = load16(gate_up, 2 * r * intermediate + i, m, bf16);
            __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, exp16(_mm512_sub_ps(_mm512_setzero_ps(), g))));
            if (bf16)
            {
                store16(out, r * intermediate + i, silu, m, 1); // rounded, then read back as the product's operand
                silu = load16(out, r * intermediate + i, m, 1);
            }
            store16(out, r * intermediate + i, _mm512_mul_ps(silu, load16(gate_up, (2 * r + 1) * intermediate + i, m, bf16)), m, bf16);
        }
    }
}

// Entry point: 0 when y [batch, hidden] holds the block's output and the cache slot is filled; -1 when this CPU or
// shape has no kernel for a part or scratch memory ran out, and the caller runs the block part by part instead. A
// part that fails after the attention has filled the cache slot leaves nothing the caller's run would not write
// again with the same values.
int esr_decoder_block(const esr_block *b, const void *x, void *y)
{
    const int isa = esr_isa(), size = b->bf16 ? 2 : 4;
    if (!(isa & ESR_AVX512) || (b->bf16 && !(isa & ESR_AVX512_BF16)) || b->batch <= 0) return -1;
    const int64_t batch = b->batch, d = b->hidden, ff = b->intermediate;
    const int64_t projected = (b->heads + 2 * b->kv_heads) * b->head_dim, attended = b->heads * b->head_dim;
    const size_t score_bytes = (size_t)(batch * b->kv_heads * (b->slot + 1)) * sizeof(float);
    char *scratch = malloc(score_bytes + (size_t)(batch * (3 * d + projected + attended + 3 * ff) * size));
    if (!scratch) return -1;
    float *scores = (float *)scratch; // first, where malloc aligned it
    char *normed = scratch + score_bytes, *qkv = normed + batch * d * size, *heads = qkv + batch * projected * size;
    char *branch = heads + batch * attended * size, *middle = branch + batch * d * size, *gate_up = middle + batch * d * size;
    char *activated = gate_up + 2 * batch * ff * size;
    int status = esr_rms_norm(x, b->attention_norm, normed, batch, d, b->epsilon, 0, b->bf16, b->threads);
    if (!status) status = product(b, normed, b->query_key_value, qkv, d, projected);
    if (!status)
        status = esr_attention_decode(qkv, b->cos, b->sin, b->keys, b->values, b->mask, heads, scores, batch, b->heads, b->kv_heads,
                                      b->head_dim, b->capacity, b->slot, b->scale, b->bf16, b->threads);
    if (!status) status = product(b, heads, b->output, branch, attended, d);
    if (!status)
    {
        add(x, branch, middle, batch * d, b->bf16);
        status = esr_rms_norm(middle, b->feed_forward_norm, normed, batch, d, b->epsilon, 0, b->bf16, b->threads);
    }
    if (!status) status = product(b, normed, b->gate_up, gate_up, d, 2 * ff);
    if (!status)
    {
        gated(gate_up, activated, batch, ff, b->bf16);
        status = product(b, activated, b->down, branch, ff, d);
    }
    if (!status) add(middle, branch, y, batch * d, b->bf16);
    free(scratch);
    return status;
}
