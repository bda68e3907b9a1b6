/// Fixed-capacity storage for the keys and values of every layer. One cache writes to it (its
/// tail); once other caches read a prefix of it (a fork), that prefix is frozen: entries below
/// `shared` are never overwritten. Its bytes are reserved from the engine's budget by whoever made
/// it and given back when the last cache reading it is gone.
final class KVStorage: @unchecked Sendable {
    let width: Int
    let kvHeads: Int
    /// Entries each layer has room for (layers may differ after compression).
    let capacities: [Int]
    /// [layer][entry × width]
    let keys: [UnsafeMutablePointer<Float>]
    let values: [UnsafeMutablePointer<Float>]
    /// [layer][entry × kvHeads]: each entry's position, per KV head (compression keeps different
    /// tokens for different heads).
    let positions: [UnsafeMutablePointer<Int32>]
    /// Entries written, per layer.
    var counts: [Int]
    /// Entries other caches read, per layer: frozen.
    var shared: [Int]
    let reservation: MemoryReservation?

    static func bytesPerEntry(width: Int, kvHeads: Int) -> Int {
        2 * width * MemoryLayout<Float>.size + kvHeads * MemoryLayout<Int32>.size
    }

    static func byteCount(width: Int, kvHeads: Int, capacities: [Int]) -> Int {
        capacities.reduce(0, +) * bytesPerEntry(width: width, kvHeads: kvHeads)
    }

    init(width: Int, kvHeads: Int, capacities: [Int], reservation: MemoryReservation?) {
        self.width = width
        self.kvHeads = kvHeads
        self.capacities = capacities
        self.reservation = reservation
        keys = capacities.map { .allocate(capacity: max(1, $0 * width)) }
        values = capacities.map { .allocate(capacity: max(1, $0 * width)) }
        positions = capacities.map { .allocate(capacity: max(1, $0 * kvHeads)) }
        counts = Array(repeating: 0, count: capacities.count)
        shared = counts
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
        positions.forEach { $0.deallocate() }
    }

    var byteCount: Int { Self.byteCount(width: width, kvHeads: kvHeads, capacities: capacities) }
}

/// Part of a frozen storage that a cache reads: its first `counts[layer]` entries.
struct KVSpan: @unchecked Sendable {
    let storage: KVStorage
    var counts: [Int]
}

/// One layer's entries of a cache as attention reads them: a run of contiguous segments.
struct KVSegment: @unchecked Sendable {
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    let positions: UnsafeMutablePointer<Int32>
    let count: Int
}

/// Keys and values of a sequence's past tokens, per layer, with each entry's position.
///
/// Keys are stored after RoPE, so entries can be dropped (PyramidKV, SnapKV, StreamingLLM) without
/// disturbing the others: attention reads each entry's own position for causality, never its index.
/// A cache reads frozen spans of other storages (a prefix it shares with the caches it was forked
/// from or to, never copied) followed by its own tail storage, which it writes. A cache with an
/// allocator grows by freezing its full tail and starting a new one, so growing copies nothing.
public final class KVCache: @unchecked Sendable {
    public let layers: Int
    /// Floats per entry: KV heads × head dimension.
    public let width: Int
    public let kvHeads: Int
    var prefix: [KVSpan]
    var tail: KVStorage?
    /// Makes tail storage with room for at least this many entries per layer (reserving its bytes),
    /// for caches that grow; nil for fixed-capacity caches.
    let allocate: (@Sendable (Int) throws(EngineError) -> KVStorage)?
    /// The position after the last token represented (the sequence's length).
    public private(set) var nextPosition: Int32 = 0
    /// Tokens before this position may have been dropped by compression, differently per layer and
    /// head; from it on, every layer and head holds one entry per token.
    public private(set) var compressedThrough: Int32 = 0

    init(layers: Int, width: Int, kvHeads: Int, tail: KVStorage?, prefix: [KVSpan] = [],
         allocate: (@Sendable (Int) throws(EngineError) -> KVStorage)?) {
        self.layers = layers
        self.width = width
        self.kvHeads = kvHeads
        self.tail = tail
        self.prefix = prefix
        self.allocate = allocate
    }

    /// A fixed-capacity cache, its bytes outside any budget (benchmarks and tests).
    public convenience init(layers: Int, width: Int, kvHeads: Int, capacity: Int) {
        self.init(layers: layers, width: width, kvHeads: kvHeads,
                  tail: KVStorage(width: width, kvHeads: kvHeads, capacities: Array(repeating: capacity, count: layers), reservation: nil),
                  allocate: nil)
    }

    /// Bytes a cache of `capacity` entries per layer takes.
    public static func byteCount(layers: Int, width: Int, kvHeads: Int, capacity: Int) -> Int {
        layers * capacity * KVStorage.bytesPerEntry(width: width, kvHeads: kvHeads)
    }

    /// Entries held, per layer.
    public var counts: [Int] {
        (0..<layers).map { layer in prefix.reduce(tail?.counts[layer] ?? 0) { $0 + $1.counts[layer] } }
    }

    /// Entries in layer 0.
    public var count: Int { counts.first ?? 0 }

    /// Entries that can be appended to every layer without growing.
    public var remaining: Int {
        guard let tail else { return 0 }
        return (0..<layers).map { tail.capacities[$0] - tail.counts[$0] }.min() ?? 0
    }

    /// Bytes of the storages this cache reads, each counted once (shared ones too).
    public var byteCount: Int { storages.reduce(0) { $0 + $1.byteCount } }

    /// Bytes of storage only this cache writes (its tail).
    public var ownedBytes: Int { tail?.byteCount ?? 0 }

    /// Bytes the entries in use take (what compression saves is measured on this).
    public var entryBytes: Int { counts.reduce(0, +) * KVStorage.bytesPerEntry(width: width, kvHeads: kvHeads) }

    /// The storages read, each once.
    var storages: [KVStorage] {
        var seen = Set<ObjectIdentifier>()
        return (prefix.map(\.storage) + (tail.map { [$0] } ?? [])).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    /// Makes room for `count` more entries in every layer, growing through the allocator (the
    /// full tail is frozen into the prefix, nothing is copied). Throws -33001 when the budget
    /// cannot cover it; a fixed-capacity cache without room is a caller's error.
    public func reserve(_ count: Int) throws(EngineError) {
        guard remaining < count else { return }
        guard let allocate else { preconditionFailure("KV cache overflow: callers check remaining capacity first") }
        let fresh = try allocate(max(count, 16))
        if let tail, tail.counts.contains(where: { $0 > 0 }) {
            tail.shared = zip(tail.shared, tail.counts).map { max($0, $1) }
            prefix.append(KVSpan(storage: tail, counts: tail.counts))
        }
        tail = fresh
    }

    /// Appends `n` entries to `layer` from row-major key and value buffers; each entry's position
    /// goes to every KV head. The caller has made room (`reserve`).
    func append(layer: Int, keys newKeys: UnsafePointer<Float>, values newValues: UnsafePointer<Float>,
                positions newPositions: UnsafePointer<Int32>, count n: Int) {
        guard let tail else { preconditionFailure("KV cache overflow: callers reserve room first") }
        let start = tail.counts[layer]
        precondition(start + n <= tail.capacities[layer], "KV cache overflow: callers check remaining capacity first")
        (tail.keys[layer] + start * width).update(from: newKeys, count: n * width)
        (tail.values[layer] + start * width).update(from: newValues, count: n * width)
        let p = tail.positions[layer] + start * kvHeads
        for i in 0..<n {
            (p + i * kvHeads).update(repeating: newPositions[i], count: kvHeads)
        }
        tail.counts[layer] = start + n
        if layer == layers - 1, n > 0 { nextPosition = max(nextPosition, newPositions[n - 1] + 1) }
    }

    /// Layer `layer`'s entries, in order, as contiguous segments.
    func segments(layer: Int) -> [KVSegment] {
        var result: [KVSegment] = []
        for span in prefix where span.counts[layer] > 0 {
            result.append(KVSegment(keys: span.storage.keys[layer], values: span.storage.values[layer],
                                    positions: span.storage.positions[layer], count: span.counts[layer]))
        }
        if let tail, tail.counts[layer] > 0 {
            result.append(KVSegment(keys: tail.keys[layer], values: tail.values[layer], positions: tail.positions[layer],
                                    count: tail.counts[layer]))
        }
        return result
    }

    /// Rolls back to the first `length` tokens of the sequence. Every token from
    /// `compressedThrough` on has one entry per layer, so the last `nextPosition - length` entries of
    /// each layer go. A length inside a compressed prefix cannot be rolled back to.
    public func truncate(to length: Int) throws(EngineError) {
        let length = Int32(length)
        guard length < nextPosition else { return }
        guard length >= compressedThrough else {
            throw EngineError.invalidInput(field: "tokens", reason: "the first \(compressedThrough) tokens were compressed when prefilled; roll back to at least \(compressedThrough)")
        }
        let drop = Int(nextPosition - length)
        var freeze = false
        for layer in 0..<layers {
            var left = drop
            if let tail {
                let cut = min(left, tail.counts[layer])
                tail.counts[layer] -= cut
                left -= cut
                if tail.counts[layer] < tail.shared[layer] { freeze = true }
            }
            var index = prefix.count - 1
            while left > 0 && index >= 0 {
                let cut = min(left, prefix[index].counts[layer])
                prefix[index].counts[layer] -= cut
                left -= cut
                index -= 1
            }
        }
        if freeze, let tail {
            // Entries below `shared` are read by forks too: this cache keeps reading what it keeps
            // of them as a span and writes to a new tail, allocated when it next grows.
            prefix.append(KVSpan(storage: tail, counts: tail.counts))
            self.tail = nil
        }
        prefix.removeAll { $0.counts.allSatisfy { $0 == 0 } }
        nextPosition = length
    }

    /// A new cache reading this one's entries without copying them (both then share them, frozen);
    /// each writes its own tail from here on. The fork grows through `allocate` (or this cache's).
    public func fork() -> KVCache { fork(allocate: nil) }

    func fork(allocate: (@Sendable (Int) throws(EngineError) -> KVStorage)?) -> KVCache {
        var spans = prefix
        if let tail, tail.counts.contains(where: { $0 > 0 }) {
            tail.shared = zip(tail.shared, tail.counts).map { max($0, $1) }
            spans.append(KVSpan(storage: tail, counts: tail.counts))
        }
        let child = KVCache(layers: layers, width: width, kvHeads: kvHeads, tail: nil, prefix: spans,
                            allocate: allocate ?? self.allocate)
        child.nextPosition = nextPosition
        child.compressedThrough = compressedThrough
        return child
    }

    /// Replaces the contents with `storage` (compressed or restored entries) representing the
    /// sequence up to `length`, whose first `compressedThrough` tokens may have been dropped.
    func replace(with storage: KVStorage, length: Int32, compressedThrough: Int32) {
        prefix = []
        tail = storage
        nextPosition = length
        self.compressedThrough = compressedThrough
    }
}
