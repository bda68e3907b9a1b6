#if canImport(Glibc)
import Glibc
#endif
import Kernels
import Testing

@Suite("Split-activation integer kernels")
struct SplitDotTests {
    /// Q4_0 rows of `columns` values drawn from `generator`, and their decoded weights.
    static func rows(_ count: Int, columns: Int, using generator: inout SplitMix64) -> (bytes: [UInt8], weights: [Float]) {
        let rowBytes = GGMLType.q4_0.byteCount(elements: columns)!
        let values = (0..<(columns * count)).map { _ in Float.random(in: -2...2, using: &generator) }
        var bytes = [UInt8](repeating: 0, count: rowBytes * count)
        var weights = [Float](repeating: 0, count: columns * count)
        values.withUnsafeBufferPointer { v in
            bytes.withUnsafeMutableBytes { b in
                for r in 0..<count {
                    Quantize.row(.q4_0, from: v.baseAddress! + r * columns, into: b.baseAddress! + r * rowBytes, count: columns)
                }
                weights.withUnsafeMutableBufferPointer { w in
                    for r in 0..<count {
                        Dequantize.row(.q4_0, from: b.baseAddress! + r * rowBytes, into: w.baseAddress! + r * columns, count: columns)
                    }
                }
            }
        }
        return (bytes, weights)
    }

    /// Activations with a spread of magnitudes: ordinary values, a block with one spike (its other
    /// values carried at 2^-22 of the spike), a block of zeros, tiny values.
    static func activations(_ count: Int, using generator: inout SplitMix64) -> [Float] {
        (0..<count).map { i in
            switch (i / 32) % 4 {
            case 1: return i % 32 == 5 ? 300 : Float.random(in: -1...1, using: &generator)
            case 2: return 0
            case 3: return Float.random(in: -1e-3...1e-3, using: &generator)
            default: return Float.random(in: -3...3, using: &generator)
            }
        }
    }

    /// The split vectors of `x` (`vectors` of `columns` values), 64-byte aligned, `stride` apart.
    static func encode(_ x: [Float], columns: Int, vectors: Int, terms: SplitDot.Terms = .three) -> (UnsafeMutableRawPointer, stride: Int) {
        let stride = SplitDot.byteCount(elements: columns, terms: terms)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: stride * vectors, alignment: 64)
        x.withUnsafeBufferPointer {
            for v in 0..<vectors {
                SplitDot.encode($0.baseAddress! + v * columns, count: columns, terms: terms, into: buffer + v * stride)
            }
        }
        return (buffer, stride)
    }

    @Test("within the split's bound of a double-precision product, 1...8 vectors, every tail length",
          arguments: [32, 64, 96, 576, 800, 896, 4864])
    func matchesReference(columns: Int) throws {
        guard SplitDot.isAvailable(for: .q4_0) else { return }   // needs AVX-512 VNNI
        var generator = SplitMix64(seed: 0x5317 + UInt64(columns))
        let rowCount = 3, vectors = ExactDot.maxVectors, rowBytes = GGMLType.q4_0.byteCount(elements: columns)!
        let (bytes, weights) = Self.rows(rowCount, columns: columns, using: &generator)
        let x = Self.activations(columns * vectors, using: &generator)
        let (split, stride) = Self.encode(x, columns: columns, vectors: vectors)
        defer { split.deallocate() }
        for count in 1...vectors {
            var y = [Float](repeating: .nan, count: count * rowCount)
            bytes.withUnsafeBytes { b in
                y.withUnsafeMutableBufferPointer {
                    SplitDot.block(.q4_0, weights: b.baseAddress!, rowBytes: rowBytes, rows: rowCount, count: columns,
                                   terms: .three, activations: split, stride: stride, vectors: count, y: $0.baseAddress!, yStride: rowCount)
                }
            }
            for v in 0..<count {
                for r in 0..<rowCount {
                    // each value is carried to 2^-22 of its block's largest magnitude; the f32
                    // sums of block terms add round-off relative to Σ|w·x|
                    var exact = 0.0, magnitude = 0.0, carried = 0.0
                    for b in 0..<(columns / 32) {
                        let block = (0..<32).map { Double(x[v * columns + b * 32 + $0]) }
                        let largest = block.map(abs).max()!
                        for i in 0..<32 {
                            let w = Double(weights[r * columns + b * 32 + i])
                            exact += w * block[i]
                            magnitude += abs(w * block[i])
                            carried += abs(w) * largest
                        }
                    }
                    let bound = carried * 0x1p-21 + magnitude * 1e-6
                    #expect(abs(Double(y[v * rowCount + r]) - exact) <= bound,
                            "\(columns) columns, \(count) vectors, vector \(v) row \(r): \(y[v * rowCount + r]) vs \(exact)")
                }
            }
        }
    }

    @Test("every vector count and a block of rows give each row and vector alone, bit for bit")
    func batchesEqualSingles() throws {
        guard SplitDot.isAvailable(for: .q4_0) else { return }
        let columns = 800, rowCount = 5, rowBytes = GGMLType.q4_0.byteCount(elements: columns)!
        var generator = SplitMix64(seed: 99)
        let (bytes, _) = Self.rows(rowCount, columns: columns, using: &generator)
        let x = Self.activations(columns * ExactDot.maxVectors, using: &generator)
        let (split, stride) = Self.encode(x, columns: columns, vectors: ExactDot.maxVectors)
        defer { split.deallocate() }
        var alone = [Float](repeating: .nan, count: ExactDot.maxVectors * rowCount)
        bytes.withUnsafeBytes { b in
            for v in 0..<ExactDot.maxVectors {
                for r in 0..<rowCount {
                    SplitDot.block(.q4_0, weights: b.baseAddress! + r * rowBytes, rowBytes: rowBytes, rows: 1, count: columns,
                                   terms: .three, activations: split + v * stride, stride: stride, vectors: 1, y: &alone[v * rowCount + r], yStride: 1)
                }
            }
        }
        for count in 1...ExactDot.maxVectors {
            var y = [Float](repeating: .nan, count: count * rowCount)
            bytes.withUnsafeBytes { b in
                y.withUnsafeMutableBufferPointer {
                    SplitDot.block(.q4_0, weights: b.baseAddress!, rowBytes: rowBytes, rows: rowCount, count: columns,
                                   terms: .three, activations: split, stride: stride, vectors: count, y: $0.baseAddress!, yStride: rowCount)
                }
            }
            #expect(y.map(\.bitPattern) == alone.prefix(count * rowCount).map(\.bitPattern), "\(count) vectors")
        }
    }

    @Test("a NaN or infinity in a block gives NaN, as the f32 product would not stay finite")
    func nonFinite() throws {
        guard SplitDot.isAvailable(for: .q4_0) else { return }
        let columns = 96, rowBytes = GGMLType.q4_0.byteCount(elements: columns)!
        var generator = SplitMix64(seed: 5)
        let (bytes, _) = Self.rows(1, columns: columns, using: &generator)
        for bad in [Float.nan, .infinity, -.infinity] {
            var x = (0..<columns).map { _ in Float.random(in: -1...1, using: &generator) }
            x[70] = bad
            let (split, stride) = Self.encode(x, columns: columns, vectors: 1)
            var y: Float = 0
            bytes.withUnsafeBytes {
                SplitDot.block(.q4_0, weights: $0.baseAddress!, rowBytes: rowBytes, rows: 1, count: columns,
                               terms: .three, activations: split, stride: stride, vectors: 1, y: &y, yStride: 1)
            }
            split.deallocate()
            #expect(y.isNaN, "\(bad) gave \(y)")
        }
    }

    #if canImport(Glibc)
    @Test("a row that ends at an unreadable page is read no further (1, 2 and 3 blocks past the last group)",
          arguments: [32 * 5, 32 * 6, 32 * 7])
    func readsNothingPastTheRow(columns: Int) throws {
        guard SplitDot.isAvailable(for: .q4_0) else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE))), rowBytes = GGMLType.q4_0.byteCount(elements: columns)!
        let raw = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let mapping = try #require(raw == UnsafeMutableRawPointer(bitPattern: -1) ? nil : raw)
        defer { munmap(mapping, 2 * page) }
        #expect(mprotect(mapping + page, page, PROT_NONE) == 0)
        var generator = SplitMix64(seed: 11)
        let (bytes, weights) = Self.rows(1, columns: columns, using: &generator)
        let row = mapping + page - rowBytes
        bytes.withUnsafeBytes { row.copyMemory(from: $0.baseAddress!, byteCount: rowBytes) }
        let x = (0..<columns).map { _ in Float.random(in: -1...1, using: &generator) }
        let (split, stride) = Self.encode(x, columns: columns, vectors: 1)
        defer { split.deallocate() }
        var y: Float = .nan
        SplitDot.block(.q4_0, weights: row, rowBytes: rowBytes, rows: 1, count: columns, terms: .three, activations: split,
                       stride: stride, vectors: 1, y: &y, yStride: 1)
        let exact = zip(weights, x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(Double(y) - exact) <= 1e-4)
    }
    #endif

    @Test("one term is 8-bit activations: within half a step of each block's largest magnitude, 1...8 vectors")
    func oneTerm() throws {
        guard SplitDot.isAvailable(for: .q4_0) else { return }
        let columns = 800, rowCount = 3, vectors = ExactDot.maxVectors, rowBytes = GGMLType.q4_0.byteCount(elements: columns)!
        var generator = SplitMix64(seed: 123)
        let (bytes, weights) = Self.rows(rowCount, columns: columns, using: &generator)
        let x = Self.activations(columns * vectors, using: &generator)
        let (split, stride) = Self.encode(x, columns: columns, vectors: vectors, terms: .one)
        defer { split.deallocate() }
        var y = [Float](repeating: .nan, count: vectors * rowCount)
        bytes.withUnsafeBytes { b in
            y.withUnsafeMutableBufferPointer {
                SplitDot.block(.q4_0, weights: b.baseAddress!, rowBytes: rowBytes, rows: rowCount, count: columns, terms: .one,
                               activations: split, stride: stride, vectors: vectors, y: $0.baseAddress!, yStride: rowCount)
            }
        }
        var worstShare = 0.0
        for v in 0..<vectors {
            for r in 0..<rowCount {
                var exact = 0.0, carried = 0.0
                for b in 0..<(columns / 32) {
                    let largest = (0..<32).map { Double(abs(x[v * columns + b * 32 + $0])) }.max()!
                    for i in 0..<32 {
                        let w = Double(weights[r * columns + b * 32 + i])
                        exact += w * Double(x[v * columns + b * 32 + i])
                        carried += abs(w) * largest
                    }
                }
                let share = abs(Double(y[v * rowCount + r]) - exact) / carried
                worstShare = max(worstShare, share)
                #expect(share <= 0.5 / 127 + 1e-6, "vector \(v) row \(r): \(y[v * rowCount + r]) vs \(exact)")
            }
        }
        // one term is not three: rounding to 8 bits shows (a kernel ignoring `terms` would not)
        #expect(worstShare > 1e-5)
    }

    @Test("the AVX-512 encoder writes the same bytes as the scalar one")
    func encodersAgree() throws {
        guard SplitDot.isAvailable(for: .q4_0) else { return }
        var generator = SplitMix64(seed: 8)
        let columns = 32 * 41
        var x = Self.activations(columns, using: &generator)
        x[40] = 1e-30; x[41] = -3e25; x[300] = 1e-42   // tiny, huge and subnormal values
        for terms in [SplitDot.Terms.one, .three] {
            let (wide, stride) = Self.encode(x, columns: columns, vectors: 1, terms: terms)
            let (scalar, _) = ExactDot.limiting(to: .avx2) { Self.encode(x, columns: columns, vectors: 1, terms: terms) }
            #expect(memcmp(wide, scalar, stride) == 0, "\(terms)")
            wide.deallocate()
            scalar.deallocate()
        }
    }

    @Test("runs only where the CPU has AVX-512 VNNI and MINOS_CPU allows it; never for other types")
    func availability() {
        #expect(!SplitDot.isAvailable(for: .q8_0))
        let expected = FastDot.tier == .simd && CPUPath.active.contains(.avx512) && CPUPath.active.contains(.avx512VNNI)
        #expect(SplitDot.isAvailable(for: .q4_0) == expected)
        ExactDot.limiting(to: .avx2) { #expect(!SplitDot.isAvailable(for: .q4_0)) }
    }
}
