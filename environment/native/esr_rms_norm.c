// RMS norm of each row, fused: y = x / sqrt(mean(x²) + eps) · scale, where scale is the weight or, for Gemma-2, 1 plus
// it. libtorch takes six operations for it, each a pass over the rows and, at decoding, a dispatch: 25 norms in a
// decoding step of a 12-block model. fp32 or bf16 (elements.h), the two products rounded apart as in libtorch's
// (x · rsqrt(...)) · scale. AVX-512 only, like the other kernels (esr toy build pins AVX2).
#include <math.h>

#include "chunk_pool.h"
#include "elements.h"
#include "entry_points.h"

typedef struct
{
    const void *x, *weight;
    void *y;
    int64_t rows, size, per;
    float epsilon;
    int offset, bf16;
} norm_job;

__attribute__((target(T512))) static void norm_chunk(const void *p, int64_t chunk)
{
    const norm_job *j = p;
    int64_t d = j->size, end = (chunk + 1) * j->per < j->rows ? (chunk + 1) * j->per : j->rows;
    for (int64_t r = chunk * j->per; r < end; r++)
    {
        __m512 squares = _mm512_setzero_ps();
        for (int64_t i = 0; i < d; i += 16)
        {
            __m512 v = load16(j->x, r * d + i, tail(d - i), j->bf16);
            squares = _mm512_fmadd_ps(v, v, squares);
        }
        const __m512 inverse = _mm512_set1_ps(1.0f / sqrtf(_mm512_reduce_add_ps(squares) / (float)d + j->epsilon));
        const __m512 one = _mm512_set1_ps(j->offset ? 1.0f : 0.0f);
        for (int64_t i = 0; i < d; i += 16)
        {
            __mmask16 m = tail(d - i);
            __m512 scale = _mm512_add_ps(load16(j->weight, i, m, j->bf16), one);
            __m512 normalised = _mm512_mul_ps(load16(j->x, r * d + i, m, j->bf16), inverse);
            store16(j->y, r * d + i, _mm512_mul_ps(normalised, scale), m, j->bf16);
        }
    }
}

// Entry point: 0 when y was written, -1 when this CPU has no kernel (the caller uses libtorch). x and y are
// [rows, size], weight [size], all of the element type bf16 (0: fp32, 1: bf16); offset 1 scales by 1 + weight.
int esr_rms_norm(const void *x, const void *weight, void *y, int64_t rows, int64_t size, float epsilon, int offset, int bf16, int threads)
{
    if (!(esr_isa() & ESR_AVX512) || rows <= 0 || size <= 0) return -1;
    // Rows of a decoding step (a few thousand elements) finish before a worker could wake.
    int64_t chunks = rows * size < (1 << 16) ? 1 : (rows < 16 * (int64_t)threads ? rows : 16 * (int64_t)threads);
    norm_job job = {x, weight, y, rows, size, (rows + chunks - 1) / chunks, epsilon, offset != 0, bf16 != 0};
    run_chunks(norm_chunk, &job, chunks, threads);
    return 0;
}
