// The calling thread's limit on the integer kernels' paths (ckernels_paths.h; read by ck_int_isa
// in ck_vnni.h).

#include "ckernels_paths.h"
#include "ck_vnni.h"

_Thread_local unsigned ck_int_thread_mask = ~0u;

unsigned ck_int_thread_limit(unsigned mask) {
    const unsigned previous = ck_int_thread_mask;
    ck_int_thread_mask = mask;
    return previous;
}
