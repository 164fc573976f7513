#include <oneapi/dnnl/dnnl.h>

// The OpenMP runtime libdnnl is built against (GNU libgomp). Declared here rather than through
// <omp.h> because the Swift toolchain's clang ships no omp.h; these are stable libgomp entry points.
// Thread count for every later parallel region started from the calling thread (oneDNN's too).
void omp_set_num_threads(int num_threads);
int omp_get_max_threads(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
// The call GCC emits for `#pragma omp parallel`: runs fn(data) on num_threads threads (0 = the
// current default) of the same thread pool oneDNN uses, and returns when all have finished.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
