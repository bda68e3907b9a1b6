internal import CKernels

/// Register-only multiply-add loops on the instruction sets the kernels use now (CKernels'
/// peak.c), for benchmarks that report rates as a fraction of the machine's compute peak. Each call
/// runs on the calling thread and returns the operations it did; the caller times it.
package enum ComputePeak {
    /// f32 FMA chains on the widest vectors the kernels may use (AVX-512 or AVX2): FLOPs done.
    package static func f32(iterations: Int) -> Double { ck_peak_f32(iterations) }
    /// The integer kernels' int8 multiply-add (AVX-512 VNNI, AVX-VNNI or AVX2): int8 operations done.
    package static func int8(iterations: Int) -> Double { ck_peak_int8(iterations) }
}
