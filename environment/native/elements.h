// Elements of fp32 or bf16 tensors for the AVX-512 kernels that take either (decoding attention, RMS norm): bf16 is
// widened to fp32 on load and rounded to nearest even on store, so every sum runs in fp32.
#pragma once
#include <immintrin.h>
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
