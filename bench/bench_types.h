/* C types of bench.defs. */
#ifndef BENCH_TYPES_H
#define BENCH_TYPES_H
typedef char bench_page_t[4096];
#endif
