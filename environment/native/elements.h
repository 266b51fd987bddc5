// Elements of fp32 or bf16 tensors for the AVX-512 kernels that take either (decoding attention, RMS norm): bf16 is
// widened to fp32 on load and rounded to nearest even on store, so every sum runs in fp32.
#pragma once
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "isa.h"

// The lanes of a vector step that lie before `left` elements run out.
__attribute__((target(T512), always_inline)) static inline __mmask16 tail(int64_t left)
{
    return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
}

static inline float get(const void *p, int64_t i, int bf16)
{
    if (!bf16) return ((const float *)p)[i];
    uint32_t bits = (uint32_t)((const uint16_t *)p)[i] << 16;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static inline void put(void *p, int64_t i, float value, int bf16)
{
    if (!bf16)
    {
        ((float *)p)[i] = value;
        return;
    }
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) bits |= 0x00400000u; // NaN stays a (quiet) NaN
    else bits += 0x7FFFu + ((bits >> 16) & 1u);                   // to nearest, ties to even
    ((uint16_t *)p)[i] = (uint16_t)(bits >> 16);
}

// Elements [i, i + 16) of p as fp32, the lanes outside m zero.
__attribute__((target(T512), always_inline)) static inline __m512 load16(const void *p, int64_t i, __mmask16 m, int bf16)
{
    if (!bf16) return _mm512_maskz_loadu_ps(m, (const float *)p + i);
    __m256i halves = _mm256_maskz_loadu_epi16(m, (const uint16_t *)p + i);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(halves), 16));
}

// Stores the lanes m of v at p + i, rounded as put() rounds.
__attribute__((target(T512), always_inline)) static inline void store16(void *p, int64_t i, __m512 v, __mmask16 m, int bf16)
{
    if (!bf16)
    {
        _mm512_mask_storeu_ps((float *)p + i, m, v);
        return;
    }
    __m512i bits = _mm512_castps_si512(v);
    __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(_mm512_set1_epi32(0x7FFF), odd));
    rounded = _mm512_mask_mov_epi32(rounded, _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), _mm512_or_si512(bits, _mm512_set1_epi32(0x00400000)));
    _mm256_mask_storeu_epi16((uint16_t *)p + i, m, _mm512_cvtepi32_epi16(_mm512_srli_epi32(rounded, 16)));
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
