// The fast tier of the dot-product kernels: AVX2 + FMA + F16C code in the CKernels C target,
// chosen at run time. `FastDot` mirrors `Dot.quantized`, `Dot.row`, `Quantize.row` (for the q8
// activation formats) and `MatMul.quantizedMatrix`, and falls back to exactly those scalar
// functions when the CPU lacks the instructions, off x86-64, or when the environment variable
// MINOS_DISABLE_SIMD=1 is set (read once, at first use).
//
// Results: the quantizers give the same bytes as `Quantize.row`; the integer dot products sum the
// same integers exactly and differ from `Dot.quantized` only in the order of the f32 additions of
// block terms (relative difference far below 1e-5 of Σ|w·a|); the float dot products likewise
// against `Dot.row`.

internal import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Dot products, tiles and activation quantizers with run-time dispatch between the AVX2 kernels
/// (CKernels) and the scalar references (`Dot`, `Quantize`).
public enum FastDot {
    /// Which implementation runs.
    public enum Tier: Sendable, Equatable, CustomStringConvertible {
        /// AVX2 + FMA + F16C kernels (CKernels).
        case simd
        /// The scalar Swift references (`Dot.quantized`, `Dot.row`, `Quantize.row`).
        case scalar

        public var description: String { self == .simd ? "simd" : "scalar" }
    }

    /// Rows and vectors one `tile` call covers at most.
    public static let tileRows = 4
    public static let tileVectors = 4

    /// Whether this CPU (and OS) can run the AVX2 + FMA + F16C kernels. Always false off x86-64.
    public static let hardwareSupported: Bool = ck_cpu_supported() != 0

    /// The tier every call uses by default: `.simd` when the hardware supports it, MINOS_DISABLE_SIMD
    /// is not "1" and MINOS_CPU is not "scalar" (read once, when first used). Reading it also applies
    /// MINOS_CPU's limit to the C kernels (see `CPUPath`).
    public static let tier: Tier = {
        let path = CPUPath.applyEnvironment()
        let disable = path == .scalar ? "1" : environment("MINOS_DISABLE_SIMD")
        return resolveTier(disableSIMD: disable, hardwareSupported: hardwareSupported)
    }()

    /// Whether calls run the AVX2 kernels (see `tier`).
    public static var isAccelerated: Bool { tier == .simd }

    /// Runs `body` with the calling thread's integer kernels (`row`, `tile`, `matrix` on quantized
    /// activations) limited to `features` (`[.avx2]` runs their AVX2 code on a VNNI machine), then
    /// restores the previous limit; other threads are unaffected. Every path sums the same
    /// integers in the same order, so results are bit-identical; tests use this to check that.
    /// `body` must not suspend.
    public static func limitingIntegerPath<T>(to features: CPUPath.Features, _ body: () throws -> T) rethrows -> T {
        let previous = ck_int_thread_limit(features.rawValue)
        defer { _ = ck_int_thread_limit(previous) }
        return try body()
    }

    /// The tier for a given MINOS_DISABLE_SIMD value and hardware: `.scalar` when the value is "1"
    /// or the hardware lacks AVX2/FMA/F16C, else `.simd`.
    public static func resolveTier(disableSIMD: String?, hardwareSupported: Bool) -> Tier {
        guard hardwareSupported else { return .scalar }
        return disableSIMD == "1" ? .scalar : .simd
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The encoding `row`, `tile` and `matrix` expect activations in for weights of `type`:
    /// `type.dotActivationType` (q8_0, q8_1 or q8_K) where there is an integer path, else f32.
    public static func activationType(for type: GGMLType) -> GGMLType {
        type.dotActivationType ?? .f32
    }

    // MARK: - Activations

    /// Encodes `count` f32 values from `source` as `type` into `destination` (which needs
    /// `type.byteCount(elements: count)` bytes, no alignment): `type` is the activation encoding,
    /// normally `activationType(for: weightType)`. q8_0, q8_1 and q8_K use the AVX2 quantizers, which
    /// give the same bytes as `Quantize.row`; every other type (and the scalar tier) is
    /// `Quantize.row` itself. `count` must be a multiple of `type.blockSize`.
    public static func quantizeActivations(_ type: GGMLType, from source: UnsafePointer<Float>,
                                           into destination: UnsafeMutableRawPointer, count: Int,
                                           tier: Tier = tier) {
        _ = type.blocks(in: count)
        guard tier == .simd else {
            Quantize.row(type, from: source, into: destination, count: count)
            return
        }
        switch type {
        case .q8_0: ck_quantize_q8_0(source, destination, count)
        case .q8_1: ck_quantize_q8_1(source, destination, count)
        case .q8_K: ck_quantize_q8_K(source, destination, count)
        default: Quantize.row(type, from: source, into: destination, count: count)
        }
    }

    // MARK: - One row

    /// `Σ w[i] * x[i]` over `count` elements, where `weights` is a row of `type` and `activations`
    /// holds the vector in `activationType(for: type)`: quantized (with `quantizeActivations` or
    /// `Quantize.row`) for types with an integer path, f32 values for f32/f16/bf16 (and for
    /// q8_1/q8_K weights, which have no integer path and always run `Dot.row`). On the scalar tier
    /// this is `Dot.quantized` / `Dot.row` exactly. `count` must be a multiple of `type.blockSize`.
    @inline(__always)
    public static func row(_ type: GGMLType, weights: UnsafeRawPointer, activations: UnsafeRawPointer,
                           count: Int, tier: Tier = tier) -> Float {
        _ = type.blocks(in: count)
        guard tier == .simd else { return scalarRow(type, weights, activations, count) }
        switch type {
        case .q8_0: return ck_dot_q8_0_q8_0(weights, activations, count)
        case .q4_0: return ck_dot_q4_0_q8_0(weights, activations, count)
        case .q4_1: return ck_dot_q4_1_q8_1(weights, activations, count)
        case .q5_0: return ck_dot_q5_0_q8_0(weights, activations, count)
        case .q5_1: return ck_dot_q5_1_q8_1(weights, activations, count)
        case .q2_K: return ck_dot_q2_K_q8_K(weights, activations, count)
        case .q3_K: return ck_dot_q3_K_q8_K(weights, activations, count)
        case .q4_K: return ck_dot_q4_K_q8_K(weights, activations, count)
        case .q5_K: return ck_dot_q5_K_q8_K(weights, activations, count)
        case .q6_K: return ck_dot_q6_K_q8_K(weights, activations, count)
        case .f32: return ck_dot_f32_f32(weights, activations.assumingMemoryBound(to: Float.self), count)
        case .f16: return ck_dot_f16_f32(weights, activations.assumingMemoryBound(to: Float.self), count)
        case .bf16: return ck_dot_bf16_f32(weights, activations.assumingMemoryBound(to: Float.self), count)
        case .iq4_nl: return ck_dot_iq4_nl_q8_0(weights, activations, count)
        case .iq4_xs: return ck_dot_iq4_xs_q8_K(weights, activations, count)
        case .q8_1, .q8_K: return scalarRow(type, weights, activations, count)
        }
    }

    /// The scalar reference for one row: `Dot.quantized` where there is an integer path, else
    /// `Dot.row` with f32 activations.
    @inline(__always)
    static func scalarRow(_ type: GGMLType, _ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                          _ count: Int) -> Float {
        if type.dotActivationType != nil {
            return Dot.quantized(type, weights: weights, activations: activations, count: count)
        }
        return Dot.row(type, weights, activations.assumingMemoryBound(to: Float.self), count: count)
    }

    // MARK: - Tiles

    /// Whether `tile` has a dedicated multi-row kernel for `type` (else it runs one `row` per pair).
    public static func hasTileKernel(_ type: GGMLType) -> Bool {
        switch type {
        case .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q6_K, .f16, .iq4_nl, .iq4_xs: return true
        default: return false
        }
    }

    /// `rows × vectors` dot products (1 ≤ rows ≤ `tileRows`, 1 ≤ vectors ≤ `tileVectors`):
    /// `results[v * resultStride + r] = row(type, weights + r * rowStride, activations + v * activationStride)`.
    /// Strides are in bytes (results: in floats). Each weight block is unpacked once and used for
    /// every vector. Equal to the per-row calls up to the order of f32 additions (exactly them for
    /// one vector, which runs the row kernel); on the scalar tier it is exactly the scalar per-row
    /// results.
    public static func tile(_ type: GGMLType, weights: UnsafeRawPointer, rowStride: Int, rows: Int,
                            activations: UnsafeRawPointer, activationStride: Int, vectors: Int,
                            count: Int, results: UnsafeMutablePointer<Float>, resultStride: Int,
                            tier: Tier = tier) {
        precondition((1...tileRows).contains(rows) && (1...tileVectors).contains(vectors),
                     "FastDot.tile: \(rows) rows × \(vectors) vectors is outside 1...4 × 1...4")
        precondition(rowStride >= 0 && activationStride >= 0 && resultStride >= 0)
        _ = type.blocks(in: count)
        if tier == .simd, let kernel = tileKernel(type) {
            kernel(weights, rowStride, rows, activations, activationStride, vectors, count, results, resultStride)
            return
        }
        for r in 0..<rows {
            for v in 0..<vectors {
                results[v * resultStride + r] = row(type, weights: weights + r * rowStride,
                                                    activations: activations + v * activationStride,
                                                    count: count, tier: tier)
            }
        }
    }

    typealias TileKernel = @convention(c) (UnsafeRawPointer?, Int, Int, UnsafeRawPointer?, Int, Int, Int,
                                           UnsafeMutablePointer<Float>?, Int) -> Void

    @inline(__always)
    static func tileKernel(_ type: GGMLType) -> TileKernel? {
        switch type {
        case .q8_0: return ck_tile_q8_0
        case .q4_0: return ck_tile_q4_0
        case .q4_1: return ck_tile_q4_1
        case .q5_0: return ck_tile_q5_0
        case .q5_1: return ck_tile_q5_1
        case .q4_K: return ck_tile_q4_K
        case .q6_K: return ck_tile_q6_K
        case .f16: return ck_tile_f16
        case .iq4_nl: return ck_tile_iq4_nl
        case .iq4_xs: return ck_tile_iq4_xs
        default: return nil
        }
    }

    // MARK: - Matrices

    /// Vectors from which `matrix` takes a whole-matrix kernel where there is one (the 32-element
    /// block types).
    public static let matrixMinimumVectors = 8

    typealias MatrixKernel = @convention(c) (UnsafeRawPointer?, Int, Int, UnsafeRawPointer?, Int, Int, Int,
                                             UnsafeMutablePointer<Float>?, Int) -> Int32

    static func matrixKernel(_ type: GGMLType) -> MatrixKernel? {
        switch type {
        case .q8_0: return ck_matrix_q8_0
        case .q4_0: return ck_matrix_q4_0
        case .q4_1: return ck_matrix_q4_1
        case .q5_0: return ck_matrix_q5_0
        case .q5_1: return ck_matrix_q5_1
        case .iq4_nl: return ck_matrix_iq4_nl
        default: return nil
        }
    }

    /// `results[v * resultStride + r] = W[r] · activation v` for every `r` in `rows` (a range of the
    /// matrix's rows, so callers can split a matrix across threads) and `v` in `0..<vectors`.
    /// `weights` is the whole row-major matrix (`columns` elements per row, no padding, GGUF's
    /// layout); `activations` holds `vectors` vectors back to back, each
    /// `activationType(for: type).byteCount(elements: columns)` bytes. Walks the rows in tiles of 4
    /// and, for each, all vectors in tiles of 4, so the 4 rows stay in L1 while every vector passes.
    public static func matrix(_ type: GGMLType, weights: UnsafeRawPointer, rows: Range<Int>, columns: Int,
                              activations: UnsafeRawPointer, vectors: Int,
                              results: UnsafeMutablePointer<Float>, resultStride: Int, tier: Tier = tier) {
        guard let rowBytes = type.byteCount(elements: columns),
              let activationBytes = activationType(for: type).byteCount(elements: columns) else {
            preconditionFailure("FastDot.matrix: \(columns) columns is not a whole number of \(type) blocks")
        }
        precondition(rows.lowerBound >= 0 && vectors >= 0)
        // Prefill on the 32-element block types: rows as lanes of a repacked panel (CKernels'
        // gemm_q8.c); with few vectors the repacking does not pay and the tiles below run.
        if tier == .simd, vectors >= matrixMinimumVectors, !rows.isEmpty, let kernel = matrixKernel(type),
           kernel(weights + rows.lowerBound * rowBytes, rowBytes, rows.count, activations, activationBytes, vectors,
                  columns, results + rows.lowerBound, resultStride) != 0 {
            return
        }
        if tier == .simd, let kernel = tileKernel(type) {
            ck_tile_block(kernel, weights + rows.lowerBound * rowBytes, rowBytes, rows.count, activations, activationBytes,
                          vectors, columns, results + rows.lowerBound, resultStride)
            return
        }
        var r = rows.lowerBound
        while r < rows.upperBound {
            let tileRows = min(Self.tileRows, rows.upperBound - r)
            var v = 0
            while v < vectors {
                let tileVectors = min(Self.tileVectors, vectors - v)
                tile(type, weights: weights + r * rowBytes, rowStride: rowBytes, rows: tileRows,
                     activations: activations + v * activationBytes, activationStride: activationBytes,
                     vectors: tileVectors, count: columns, results: results + v * resultStride + r,
                     resultStride: resultStride, tier: tier)
                v += tileVectors
            }
            r += tileRows
        }
    }
}
