#if canImport(Glibc)
import Glibc
#endif
import Kernels
import Testing

@Suite("Split-activation integer kernels")
struct SplitDotTests {
    static let types: [GGMLType] = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .iq4_nl, .iq4_xs, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    /// Rows of `type` of `columns` values drawn from `generator`, and their decoded weights.
    static func rows(_ type: GGMLType, _ count: Int, columns: Int, using generator: inout SplitMix64) -> (bytes: [UInt8], weights: [Float]) {
        let rowBytes = type.byteCount(elements: columns)!
        let values = (0..<(columns * count)).map { _ in Float.random(in: -2...2, using: &generator) }
        var bytes = [UInt8](repeating: 0, count: rowBytes * count)
        var weights = [Float](repeating: 0, count: columns * count)
        values.withUnsafeBufferPointer { v in
            bytes.withUnsafeMutableBytes { b in
                for r in 0..<count {
                    Quantize.row(type, from: v.baseAddress! + r * columns, into: b.baseAddress! + r * rowBytes, count: columns)
                }
                weights.withUnsafeMutableBufferPointer { w in
                    for r in 0..<count {
                        Dequantize.row(type, from: b.baseAddress! + r * rowBytes, into: w.baseAddress! + r * columns, count: columns)
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
    static func encode(_ x: [Float], columns: Int, vectors: Int, for type: GGMLType, terms: SplitDot.Terms = .three)
        -> (UnsafeMutableRawPointer, stride: Int) {
        let stride = SplitDot.byteCount(for: type, elements: columns, terms: terms)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: stride * vectors, alignment: 64)
        x.withUnsafeBufferPointer {
            for v in 0..<vectors {
                SplitDot.encode($0.baseAddress! + v * columns, count: columns, for: type, terms: terms,
                                into: buffer + v * stride)
            }
        }
        return (buffer, stride)
    }

    /// (type, columns): for Q4_0 every tail length of its groups of 4 blocks (1, 2, 3, none).
    static let shapes: [(GGMLType, Int)] = [(.q4_0, 32), (.q4_0, 64), (.q4_0, 96), (.q4_0, 576), (.q4_0, 800),
                                            (.q4_0, 896), (.q4_0, 4864), (.q4_K, 256), (.q4_K, 1536), (.q4_K, 4864),
                                            (.q5_K, 256), (.q5_K, 1536), (.q6_K, 256), (.q6_K, 1536), (.q6_K, 4864)]
        + [(.iq4_xs, 256), (.iq4_xs, 1536), (.iq4_xs, 4864), (.q2_K, 256), (.q2_K, 1536), (.q3_K, 256), (.q3_K, 1536)]
        + [GGMLType.q8_0, .q4_1, .q5_0, .q5_1, .iq4_nl].flatMap { type in [32, 64, 96, 800, 896].map { (type, $0) } }

    /// y[v * rows + r] = row r · vector v through `SplitDot.block`.
    static func products(_ type: GGMLType, _ bytes: [UInt8], rows: Int, columns: Int, terms: SplitDot.Terms,
                         _ split: UnsafeMutableRawPointer, stride: Int, vectors: Int) -> [Float] {
        var y = [Float](repeating: .nan, count: vectors * rows)
        bytes.withUnsafeBytes { b in
            y.withUnsafeMutableBufferPointer {
                SplitDot.block(type, weights: b.baseAddress!, rowBytes: type.byteCount(elements: columns)!, rows: rows,
                               count: columns, terms: terms, activations: split, stride: stride, vectors: vectors,
                               y: $0.baseAddress!, yStride: rows)
            }
        }
        return y
    }

    /// Σ w·x, and Σ |w| · (largest |x| of w's 32-element block): what the split carries errors against.
    static func reference(_ weights: ArraySlice<Float>, _ x: ArraySlice<Float>) -> (exact: Double, carried: Double, magnitude: Double) {
        let w = Array(weights), v = Array(x)
        var exact = 0.0, carried = 0.0, magnitude = 0.0
        for b in 0..<(w.count / 32) {
            let largest = (0..<32).map { Double(abs(v[b * 32 + $0])) }.max()!
            for i in (b * 32)..<(b * 32 + 32) {
                exact += Double(w[i]) * Double(v[i])
                magnitude += abs(Double(w[i]) * Double(v[i]))
                carried += abs(Double(w[i])) * largest
            }
        }
        return (exact, carried, magnitude)
    }

    @Test("within the split's bound of a double-precision product, 1...8 vectors", arguments: shapes)
    func matchesReference(type: GGMLType, columns: Int) throws {
        guard SplitDot.isAvailable(for: type) else { return }   // needs AVX-512 VNNI
        var generator = SplitMix64(seed: 0x5317 + UInt64(columns) + UInt64(type.rawValue) << 20)
        let rowCount = 3, vectors = ExactDot.maxVectors
        let (bytes, weights) = Self.rows(type, rowCount, columns: columns, using: &generator)
        let x = Self.activations(columns * vectors, using: &generator)
        let (split, stride) = Self.encode(x, columns: columns, vectors: vectors, for: type)
        defer { split.deallocate() }
        for count in 1...vectors {
            let y = Self.products(type, bytes, rows: rowCount, columns: columns, terms: .three, split, stride: stride, vectors: count)
            for v in 0..<count {
                for r in 0..<rowCount {
                    // each value is carried to 2^-22 of its block's largest magnitude; the f32
                    // sums of block terms add round-off relative to Σ|w·x|
                    let (exact, carried, magnitude) = Self.reference(weights[(r * columns)..<((r + 1) * columns)],
                                                                     x[(v * columns)..<((v + 1) * columns)])
                    let bound = carried * 0x1p-21 + magnitude * 1e-6
                    #expect(abs(Double(y[v * rowCount + r]) - exact) <= bound,
                            "\(type) \(columns) columns, \(count) vectors, vector \(v) row \(r): \(y[v * rowCount + r]) vs \(exact)")
                }
            }
        }
    }

    @Test("every vector count and a block of rows give each row and vector alone, bit for bit", arguments: types)
    func batchesEqualSingles(type: GGMLType) throws {
        guard SplitDot.isAvailable(for: type) else { return }
        let columns = type.blockSize == 256 ? 768 : 800, rowCount = 5, rowBytes = type.byteCount(elements: columns)!
        var generator = SplitMix64(seed: 99)
        let (bytes, _) = Self.rows(type, rowCount, columns: columns, using: &generator)
        let x = Self.activations(columns * ExactDot.maxVectors, using: &generator)
        for terms in [SplitDot.Terms.one, .three] {
            let (split, stride) = Self.encode(x, columns: columns, vectors: ExactDot.maxVectors, for: type, terms: terms)
            defer { split.deallocate() }
            var alone = [Float](repeating: .nan, count: ExactDot.maxVectors * rowCount)
            for v in 0..<ExactDot.maxVectors {
                for r in 0..<rowCount {
                    let row = Array(bytes[(r * rowBytes)..<((r + 1) * rowBytes)])
                    alone[v * rowCount + r] = Self.products(type, row, rows: 1, columns: columns, terms: terms, split + v * stride,
                                                            stride: stride, vectors: 1)[0]
                }
            }
            for count in 1...ExactDot.maxVectors {
                let y = Self.products(type, bytes, rows: rowCount, columns: columns, terms: terms, split, stride: stride, vectors: count)
                #expect(y.map(\.bitPattern) == alone.prefix(count * rowCount).map(\.bitPattern), "\(type) \(terms), \(count) vectors")
            }
        }
    }

    @Test("a NaN or infinity in a block gives NaN, as the f32 product would not stay finite", arguments: types)
    func nonFinite(type: GGMLType) throws {
        guard SplitDot.isAvailable(for: type) else { return }
        let columns = 256
        var generator = SplitMix64(seed: 5)
        let (bytes, _) = Self.rows(type, 1, columns: columns, using: &generator)
        for bad in [Float.nan, .infinity, -.infinity] {
            var x = (0..<columns).map { _ in Float.random(in: -1...1, using: &generator) }
            x[70] = bad
            let (split, stride) = Self.encode(x, columns: columns, vectors: 1, for: type)
            let y = Self.products(type, bytes, rows: 1, columns: columns, terms: .three, split, stride: stride, vectors: 1)[0]
            split.deallocate()
            #expect(y.isNaN, "\(type): \(bad) gave \(y)")
        }
    }

    #if canImport(Glibc)
    @Test("a row that ends at an unreadable page is read no further (1, 2 and 3 blocks past the last group)",
          arguments: [(GGMLType.q4_0, 32 * 5), (.q4_0, 32 * 6), (.q4_0, 32 * 7), (.q4_K, 512), (.q5_K, 512), (.q6_K, 512), (.q5_1, 32 * 7),
                      (.iq4_nl, 32 * 5), (.iq4_xs, 512), (.q8_0, 32 * 6),
                      (.q2_K, 512), (.q3_K, 512)])
    func readsNothingPastTheRow(type: GGMLType, columns: Int) throws {
        guard SplitDot.isAvailable(for: type) else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE))), rowBytes = type.byteCount(elements: columns)!
        let raw = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let mapping = try #require(raw == UnsafeMutableRawPointer(bitPattern: -1) ? nil : raw)
        defer { munmap(mapping, 2 * page) }
        #expect(mprotect(mapping + page, page, PROT_NONE) == 0)
        var generator = SplitMix64(seed: 11)
        let (bytes, weights) = Self.rows(type, 1, columns: columns, using: &generator)
        let row = mapping + page - rowBytes
        bytes.withUnsafeBytes { row.copyMemory(from: $0.baseAddress!, byteCount: rowBytes) }
        let x = (0..<columns).map { _ in Float.random(in: -1...1, using: &generator) }
        let (split, stride) = Self.encode(x, columns: columns, vectors: 1, for: type)
        defer { split.deallocate() }
        var y: Float = .nan
        SplitDot.block(type, weights: row, rowBytes: rowBytes, rows: 1, count: columns, terms: .three, activations: split,
                       stride: stride, vectors: 1, y: &y, yStride: 1)
        #expect(abs(Double(y) - Self.reference(weights[...], x[...]).exact) <= 1e-4)
    }
    #endif

    @Test("one term is 8-bit activations: within half a step of each block's largest magnitude, 1...8 vectors",
          arguments: types)
    func oneTerm(type: GGMLType) throws {
        guard SplitDot.isAvailable(for: type) else { return }
        let columns = type.blockSize == 256 ? 768 : 800, rowCount = 3, vectors = ExactDot.maxVectors
        var generator = SplitMix64(seed: 123)
        let (bytes, weights) = Self.rows(type, rowCount, columns: columns, using: &generator)
        let x = Self.activations(columns * vectors, using: &generator)
        let (split, stride) = Self.encode(x, columns: columns, vectors: vectors, for: type, terms: .one)
        defer { split.deallocate() }
        let y = Self.products(type, bytes, rows: rowCount, columns: columns, terms: .one, split, stride: stride, vectors: vectors)
        var worstShare = 0.0
        for v in 0..<vectors {
            for r in 0..<rowCount {
                let (exact, carried, _) = Self.reference(weights[(r * columns)..<((r + 1) * columns)],
                                                         x[(v * columns)..<((v + 1) * columns)])
                let share = abs(Double(y[v * rowCount + r]) - exact) / carried
                worstShare = max(worstShare, share)
                #expect(share <= 0.5 / 127 + 1e-6, "\(type) vector \(v) row \(r): \(y[v * rowCount + r]) vs \(exact)")
            }
        }
        // one term is not three: rounding to 8 bits shows (a kernel ignoring `terms` would not)
        #expect(worstShare > 1e-5)
    }

    /// Blocks of 1s with one -127/113 quantize to IQ4's largest code (113 d, 241 as the kernels'
    /// unsigned byte) everywhere else, and constant activations to the largest terms, where the
    /// unsigned sums pass 2^31 before the bias comes off; the results must still be exact, as they
    /// are when the adds wrap.
    @Test("IQ4's largest codes against the largest activations stay exact", arguments: [GGMLType.iq4_nl, .iq4_xs, .q8_0, .q5_0, .q6_K])
    func extremes(type: GGMLType) throws {
        guard SplitDot.isAvailable(for: type) else { return }
        let columns = 512, rowBytes = type.byteCount(elements: columns)!
        // both signs: whichever sign the quantizer gives the scale, one row holds code 15 in 31 of 32
        var largestCodes = 0
        for weight in [Float(1.5), -1.5] {
        var row = [UInt8](repeating: 0, count: rowBytes), weights = [Float](repeating: 0, count: columns)
        let values = (0..<columns).map { $0 % 32 == 0 ? -weight * 127 / 113 : weight }
        values.withUnsafeBufferPointer { v in
            row.withUnsafeMutableBytes { r in
                Quantize.row(type, from: v.baseAddress!, into: r.baseAddress!, count: columns)
                weights.withUnsafeMutableBufferPointer { Dequantize.row(type, from: r.baseAddress!, into: $0.baseAddress!, count: columns) }
            }
        }
        if type == .iq4_nl || type == .iq4_xs {
            // the row's nibbles that are 15 (IQ4's code for 113 d)
            largestCodes = max(largestCodes, row.reduce(0) { $0 + ($1 & 15 == 15 ? 1 : 0) + ($1 >> 4 == 15 ? 1 : 0) })
        }
        for x in [[Float](repeating: 2.75, count: columns), (0..<columns).map { $0 % 2 == 0 ? Float(2.75) : 2.75 * 126.5 / 127 }] {
            let (split, stride) = Self.encode(x, columns: columns, vectors: 1, for: type)
            defer { split.deallocate() }
            let y = Self.products(type, row, rows: 1, columns: columns, terms: .three, split, stride: stride, vectors: 1)[0]
            let exact = Self.reference(weights[...], x[...]).exact
            #expect(abs(Double(y) - exact) <= 1e-5 * abs(exact), "\(type) \(weight): \(y) vs \(exact)")
        }
        }
        if type == .iq4_nl || type == .iq4_xs { #expect(largestCodes >= columns * 31 / 32 - 16, "\(largestCodes) codes of 15") }
    }

    @Test("runs only where the CPU has AVX-512 VNNI and MINOS_CPU allows it; never for other types")
    func availability() {
        #expect(!SplitDot.isAvailable(for: .f16) && !SplitDot.isAvailable(for: .bf16) && !SplitDot.isAvailable(for: .f32))
        let expected = FastDot.tier == .simd && CPUPath.active.contains(.avx512) && CPUPath.active.contains(.avx512VNNI)
        for type in Self.types {
            #expect(SplitDot.isAvailable(for: type) == expected)
            ExactDot.limiting(to: .avx2) { #expect(!SplitDot.isAvailable(for: type)) }
        }
    }
}
