/// Keys and values of past tokens, per layer, with each entry's position.
///
/// Keys are stored after RoPE, so entries can later be dropped (PyramidKV, SnapKV, StreamingLLM)
/// without disturbing the others: attention reads each entry's own position for causality, never its
/// index. Storage is f32, allocated once for `capacity` entries.
public final class KVCache: @unchecked Sendable {
    public let layers: Int
    public let width: Int
    public let capacity: Int
    /// Entries in use, per layer (layers may hold different numbers after compression).
    public private(set) var counts: [Int]
    /// [layer][entry × width]
    var keys: [UnsafeMutablePointer<Float>]
    var values: [UnsafeMutablePointer<Float>]
    /// [layer][entry]
    var positions: [UnsafeMutablePointer<Int32>]
    /// The budget's bytes for this cache, given back when the cache is freed.
    let reservation: MemoryReservation?

    /// Bytes a cache of `capacity` entries takes for a model with this many layers and KV width.
    public static func byteCount(layers: Int, width: Int, capacity: Int) -> Int {
        layers * capacity * (2 * width * MemoryLayout<Float>.size + MemoryLayout<Int32>.size)
    }

    public init(layers: Int, width: Int, capacity: Int, reservation: MemoryReservation? = nil) {
        self.reservation = reservation
        self.layers = layers
        self.width = width
        self.capacity = capacity
        counts = Array(repeating: 0, count: layers)
        keys = (0..<layers).map { _ in .allocate(capacity: capacity * width) }
        values = (0..<layers).map { _ in .allocate(capacity: capacity * width) }
        positions = (0..<layers).map { _ in .allocate(capacity: capacity) }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
        positions.forEach { $0.deallocate() }
    }

    public var byteCount: Int { Self.byteCount(layers: layers, width: width, capacity: capacity) }

    /// Entries in layer 0 (the usual "length" of the cache).
    public var count: Int { counts.first ?? 0 }

    /// Room left in the fullest layer.
    public var remaining: Int { capacity - (counts.max() ?? 0) }

    /// The position after the last one stored (where the next token goes).
    public var nextPosition: Int32 {
        let n = counts[0]
        return n == 0 ? 0 : positions[0][n - 1] + 1
    }

    /// Appends `n` entries to `layer` from row-major key and value buffers.
    func append(layer: Int, keys newKeys: UnsafePointer<Float>, values newValues: UnsafePointer<Float>,
                positions newPositions: UnsafePointer<Int32>, count n: Int) {
        let start = counts[layer]
        precondition(start + n <= capacity, "KV cache overflow: callers check remaining capacity first")
        (keys[layer] + start * width).update(from: newKeys, count: n * width)
        (values[layer] + start * width).update(from: newValues, count: n * width)
        (positions[layer] + start).update(from: newPositions, count: n)
        counts[layer] = start + n
    }

    /// Forgets every entry from index `count` on, in every layer (e.g. to reuse a shared prefix).
    public func truncate(to count: Int) {
        for layer in 0..<layers { counts[layer] = min(counts[layer], count) }
    }

    /// Copies the first `count` entries of every layer from `other` (same shape), replacing these.
    public func copyPrefix(from other: KVCache, count: Int) {
        precondition(other.layers == layers && other.width == width && count <= capacity)
        for layer in 0..<layers {
            let n = min(count, other.counts[layer])
            keys[layer].update(from: other.keys[layer], count: n * width)
            values[layer].update(from: other.values[layer], count: n * width)
            positions[layer].update(from: other.positions[layer], count: n)
            counts[layer] = n
        }
    }
}
