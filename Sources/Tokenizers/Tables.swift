// Allocation-free lookup tables for the encoders' hot paths.

@inline(__always)
func hashBytes(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
    // FNV-1a, then a final mix so that the low bits used for the bucket index are well spread.
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in 0..<count {
        h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3
    }
    h ^= h >> 29
    h = h &* 0xbf58_476d_1ce4_e5b9
    h ^= h >> 32
    return h
}

/// Byte strings -> token id, with lookups by pointer and length (no String or Array is built).
struct ByteStringTable: Sendable {
    private var storage: [UInt8] = []
    /// Per slot: key offset in `storage` (-1: empty), key length, value.
    private var keyOffset: [Int32]
    private var keyLength: [Int32]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keyOffset = [Int32](repeating: -1, count: size)
        keyLength = [Int32](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// Inserts or replaces.
    mutating func insert<C: Collection<UInt8>>(_ key: C, value: Int32) {
        if key.withContiguousStorageIfAvailable({ insert($0, value: value) }) == nil {
            Array(key).withUnsafeBufferPointer { insert($0, value: value) }
        }
    }

    private mutating func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int32) {
        if (count + 1) * 2 > keyOffset.count { grow() }
        let base = key.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let slot = findSlot(base, key.count)
        if keyOffset[slot] >= 0 {
            values[slot] = value
            return
        }
        keyOffset[slot] = Int32(storage.count)
        keyLength[slot] = Int32(key.count)
        values[slot] = value
        storage.append(contentsOf: key)
        count += 1
    }

    private mutating func grow() {
        let old = (keyOffset, keyLength, values)
        let size = keyOffset.count * 2
        keyOffset = [Int32](repeating: -1, count: size)
        keyLength = [Int32](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
        storage.withUnsafeBufferPointer { s in
            let base = s.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for i in 0..<old.0.count where old.0[i] >= 0 {
                let slot = findSlot(base + Int(old.0[i]), Int(old.1[i]))
                keyOffset[slot] = old.0[i]
                keyLength[slot] = old.1[i]
                values[slot] = old.2[i]
            }
        }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func findSlot(_ key: UnsafePointer<UInt8>, _ length: Int) -> Int {
        var slot = Int(truncatingIfNeeded: hashBytes(key, length)) & mask
        return storage.withUnsafeBufferPointer { s in
            while true {
                let offset = keyOffset[slot]
                if offset < 0 { return slot }
                if Int(keyLength[slot]) == length
                    && (length == 0 || memcmpBytes(s.baseAddress! + Int(offset), key, length))
                {
                    return slot
                }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    func lookup(_ key: UnsafePointer<UInt8>, _ length: Int) -> Int32? {
        var slot = Int(truncatingIfNeeded: hashBytes(key, length)) & mask
        return storage.withUnsafeBufferPointer { s in
            keyOffset.withUnsafeBufferPointer { offsets in
                while true {
                    let offset = offsets[slot]
                    if offset < 0 { return nil }
                    if Int(keyLength[slot]) == length
                        && (length == 0 || memcmpBytes(s.baseAddress! + Int(offset), key, length))
                    {
                        return values[slot]
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    func lookup<C: Collection<UInt8>>(_ key: C) -> Int32? {
        if let found = key.withContiguousStorageIfAvailable({ b -> Int32? in
            lookup(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count)
        }) {
            return found
        }
        return Array(key).withUnsafeBufferPointer { b in
            lookup(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count)
        }
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
            != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
        {
            return false
        }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

/// (left id, right id) -> (merge rank, merged id) for byte-level BPE.
struct MergeTable: Sendable {
    private var keys: [UInt64]
    private var ranks: [Int32]
    private var results: [Int32]
    private let mask: Int
    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        ranks = [Int32](repeating: 0, count: size)
        results = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 31
        return Int(truncatingIfNeeded: h) & mask
    }

    /// Keeps the first (best) rank when a pair is listed twice.
    mutating func insert(left: Int32, right: Int32, rank: Int32, result: Int32) {
        let k = Self.key(left, right)
        var s = Self.slot(k, mask)
        while keys[s] != Self.empty {
            if keys[s] == k { return }
            s = (s + 1) & mask
        }
        keys[s] = k
        ranks[s] = rank
        results[s] = result
    }

    /// Rank and merged id of a pair, or rank Int32.max when the pair does not merge.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: Int32, result: Int32) {
        let k = Self.key(left, right)
        return keys.withUnsafeBufferPointer { keys in
            var s = Self.slot(k, mask)
            while true {
                let stored = keys[s]
                if stored == k { return (ranks[s], results[s]) }
                if stored == Self.empty { return (Int32.max, -1) }
                s = (s + 1) & mask
            }
        }
    }
}

/// A binary min-heap of UInt64 keys with a payload (ties: any order; make keys unique).
struct MinHeap<Payload> {
    private var items: [(key: UInt64, payload: Payload)] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
    }

    mutating func push(_ key: UInt64, _ payload: Payload) {
        items.append((key, payload))
        siftUp(items.count - 1)
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        let item = items[i]
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent].key <= item.key { break }
            items[i] = items[parent]
            i = parent
        }
        items[i] = item
    }

    mutating func pop() -> (key: UInt64, payload: Payload)? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        let n = items.count
        var i = 0
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            var m = l
            if l + 1 < n && items[l + 1].key < items[l].key { m = l + 1 }
            if last.key <= items[m].key { break }
            items[i] = items[m]
            i = m
        }
        items[i] = last
        return top
    }
}
