// What the running CPU lets the kernels use: esr_linear_isa() (esr_linear.c) probes it, capped by
// ESR_CPU_CAPABILITY; every entry point asks esr_isa(), which probes once per process.
#pragma once

enum { ESR_NONE = 0, ESR_AVX2 = 1, ESR_AVX512 = 2, ESR_AVX512_BF16 = 4 };

// The target of the AVX-512 kernels.
#define T512 "avx512f,avx512bw,avx512vl,avx512dq,fma"

int esr_linear_isa(void);
__attribute__((visibility("hidden"))) int esr_isa(void);
