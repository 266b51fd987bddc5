// The library's entry points that its other kernels call too (esr_decoder_block.c chains them); each returns 0 when
// it wrote its output and -1 when this CPU or shape has no kernel. Their files include this, so the compiler checks
// every caller against the definition.
#pragma once
#include <stdint.h>

int esr_linear_f32(const float *x, const float *w, float *y, int64_t rows, int64_t k, int64_t n, int threads);
int esr_linear_bf16(const uint16_t *x, const uint16_t *w, uint16_t *y, int64_t rows, int64_t k, int64_t n, int threads);
int esr_attention_decode(const void *qkv, const void *cos, const void *sin, void *keys, void *values, const float *mask,
                         void *out, float *scores, int64_t batch, int64_t heads, int64_t kv_heads, int64_t head_dim,
                         int64_t capacity, int64_t slot, float scale, int bf16, int threads);
int esr_rms_norm(const void *x, const void *weight, void *y, int64_t rows, int64_t size, float epsilon, int offset, int bf16, int threads);
