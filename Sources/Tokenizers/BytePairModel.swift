// Byte-level BPE (tokenizer.ggml.model = "gpt2"): pre-tokenize, map each piece's bytes to the
// tokens of their byte characters, apply merges by rank (lowest first, leftmost on ties), emit ids.
// Symbols are token ids from the start, so merging never builds strings.

struct BytePairModel: Sendable {
    let preTokenizer: PreTokenizer
    /// Llama 3 and others (llama.cpp's `ignore_merges`): a piece that is itself a token is emitted
    /// without merging.
    let ignoreMerges: Bool
    /// `byteToken[b]`: the token of byte b's character, -1 when the vocabulary lacks it.
    let byteToken: [Int32]
    let merges: MergeTable
    /// Raw bytes of each normal token -> id (for `ignoreMerges`).
    let wholeTokens: ByteStringTable?

    /// Symbol count above which merging uses a heap instead of rescanning the pairs.
    static let heapThreshold = 48

    init(
        preTokenizer: PreTokenizer, ignoreMerges: Bool, tokens: [String], types: [TokenType],
        merges: [String]
    ) throws(TokenizerError) {
        self.preTokenizer = preTokenizer
        self.ignoreMerges = ignoreMerges

        // Token text (mapped form, UTF-8) -> id. Normal tokens take precedence over other types, so
        // that a control token whose text happens to look like a mapped string never joins a merge.
        var ids = ByteStringTable(capacity: tokens.count)
        for (i, t) in tokens.enumerated() where types[i].isText {
            ids.insert(t.utf8, value: Int32(i))
        }
        for (i, t) in tokens.enumerated() where !types[i].isText && ids.lookup(t.utf8) == nil {
            ids.insert(t.utf8, value: Int32(i))
        }

        var byteToken = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            byteToken[b] = ids.lookup(String(Character(Unicode.Scalar(ByteLevel.scalar[b])!)).utf8) ?? -1
        }
        self.byteToken = byteToken

        var table = MergeTable(capacity: merges.count)
        var joined: [UInt8] = []
        for (rank, line) in merges.enumerated() {
            var line = line
            line.makeContiguousUTF8()
            let entry: (Int32, Int32, Int32)?? = line.utf8.withContiguousStorageIfAvailable { u in
                // The separator is the first space after the first byte (as llama.cpp splits).
                guard u.count >= 3, let space = u[1...].firstIndex(of: 0x20), space + 1 < u.count else {
                    return nil
                }
                let base = u.baseAddress!
                // A merge whose parts or result are not tokens can never apply to token symbols.
                guard let l = ids.lookup(base, space), let r = ids.lookup(base + space + 1, u.count - space - 1)
                else { return .some(nil) }
                joined.removeAll(keepingCapacity: true)
                joined.append(contentsOf: u[..<space])
                joined.append(contentsOf: u[(space + 1)...])
                guard let m = joined.withUnsafeBufferPointer({ ids.lookup($0.baseAddress!, $0.count) }) else {
                    return .some(nil)
                }
                return .some((l, r, m))
            }!
            guard let entry else { throw .invalidMerge(index: rank, line) }
            if let (l, r, m) = entry {
                table.insert(left: l, right: r, rank: Int32(rank), result: m)
            }
        }
        self.merges = table

        if ignoreMerges {
            var whole = ByteStringTable(capacity: tokens.count)
            for (i, t) in tokens.enumerated() where types[i].isText {
                whole.insert(ByteLevel.decode(t), value: Int32(i))
            }
            self.wholeTokens = whole
        } else {
            self.wholeTokens = nil
        }
    }

    /// Scratch space reused across the pieces of one `encode` call.
    struct Workspace {
        var text = ScalarBuffer()
        var ends: [Int32] = []
        var symbols: [Int32] = []
        var ranks: [Int32] = []
        var results: [Int32] = []
        var next: [Int32] = []
        var prev: [Int32] = []
        var heap = MinHeap<Void>()
        var cache = PieceCache()
    }

    func encode(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32], _ ws: inout Workspace) {
        guard !bytes.isEmpty else { return }
        ws.text.load(bytes)
        ws.ends.removeAll(keepingCapacity: true)
        preTokenizer.split(ws.text, into: &ws.ends)
        let base = bytes.baseAddress!
        var startScalar = 0
        for endScalar in ws.ends {
            let start = Int(ws.text.offsets[startScalar])
            let end = Int(ws.text.offsets[Int(endScalar)])
            startScalar = Int(endScalar)
            encodePiece(base + start, end - start, into: &output, &ws)
        }
    }

    @inline(__always)
    private func encodePiece(
        _ piece: UnsafePointer<UInt8>, _ count: Int, into output: inout [Int32], _ ws: inout Workspace
    ) {
        if count == 1 {
            let t = byteToken[Int(piece[0])]
            if t >= 0 { output.append(t) }
            return
        }
        if let whole = wholeTokens, let t = whole.lookup(piece, count) {
            output.append(t)
            return
        }
        let hash = hashBytes(piece, count)
        if ws.cache.emit(piece, count, hash, into: &output) { return }
        let before = output.count
        if count <= Self.heapThreshold {
            mergeByScanning(piece, count, into: &output, &ws)
        } else {
            mergeWithHeap(piece, count, into: &output, &ws)
        }
        ws.cache.store(piece, count, hash, output[before...])
    }

    /// Quadratic in the worst case but with tiny constants: best for the usual short pieces.
    private func mergeByScanning(
        _ piece: UnsafePointer<UInt8>, _ count: Int, into output: inout [Int32], _ ws: inout Workspace
    ) {
        ws.symbols.removeAll(keepingCapacity: true)
        ws.ranks.removeAll(keepingCapacity: true)
        ws.results.removeAll(keepingCapacity: true)
        for i in 0..<count { ws.symbols.append(byteToken[Int(piece[i])]) }
        for i in 0..<(count - 1) {
            let (rank, result) = pairRank(ws.symbols[i], ws.symbols[i + 1])
            ws.ranks.append(rank)
            ws.results.append(result)
        }
        while ws.symbols.count > 1 {
            var best = 0
            var bestRank = ws.ranks[0]
            for i in 1..<ws.ranks.count where ws.ranks[i] < bestRank {
                bestRank = ws.ranks[i]
                best = i
            }
            if bestRank == Int32.max { break }
            ws.symbols[best] = ws.results[best]
            ws.symbols.remove(at: best + 1)
            ws.ranks.remove(at: best)
            ws.results.remove(at: best)
            if best > 0 {
                (ws.ranks[best - 1], ws.results[best - 1]) = pairRank(ws.symbols[best - 1], ws.symbols[best])
            }
            if best < ws.ranks.count {
                (ws.ranks[best], ws.results[best]) = pairRank(ws.symbols[best], ws.symbols[best + 1])
            }
        }
        for s in ws.symbols where s >= 0 { output.append(s) }
    }

    @inline(__always)
    private func pairRank(_ left: Int32, _ right: Int32) -> (Int32, Int32) {
        if left < 0 || right < 0 { return (Int32.max, -1) }
        return merges.lookup(left, right)
    }

    /// O(n log n): symbols in a linked list, candidate pairs in a heap keyed by (rank, position).
    private func mergeWithHeap(
        _ piece: UnsafePointer<UInt8>, _ count: Int, into output: inout [Int32], _ ws: inout Workspace
    ) {
        ws.symbols.removeAll(keepingCapacity: true)
        ws.next.removeAll(keepingCapacity: true)
        ws.prev.removeAll(keepingCapacity: true)
        ws.heap.removeAll()
        for i in 0..<count {
            ws.symbols.append(byteToken[Int(piece[i])])
            ws.next.append(i + 1 < count ? Int32(i + 1) : -1)
            ws.prev.append(Int32(i - 1))
        }
        @inline(__always) func push(_ left: Int, _ ws: inout Workspace) {
            let right = Int(ws.next[left])
            guard right >= 0 else { return }
            let (rank, _) = pairRank(ws.symbols[left], ws.symbols[right])
            if rank != Int32.max {
                ws.heap.push(UInt64(UInt32(rank)) << 32 | UInt64(left), ())
            }
        }
        for i in 0..<(count - 1) { push(i, &ws) }
        while let (key, _) = ws.heap.pop() {
            let left = Int(key & 0xFFFF_FFFF)
            let rank = Int32(truncatingIfNeeded: key >> 32)
            let right = Int(ws.next[left])
            // Entries go stale when either symbol changed; the pair's current rank tells.
            guard ws.symbols[left] != -2, right >= 0 else { continue }
            let (current, result) = pairRank(ws.symbols[left], ws.symbols[right])
            guard current == rank else { continue }
            ws.symbols[left] = result
            ws.symbols[right] = -2  // removed
            let after = ws.next[right]
            ws.next[left] = after
            if after >= 0 { ws.prev[Int(after)] = Int32(left) }
            let before = Int(ws.prev[left])
            if before >= 0 { push(before, &ws) }
            push(left, &ws)
        }
        var i = 0
        while i >= 0 {
            let s = ws.symbols[i]
            if s >= 0 { output.append(s) }
            i = Int(ws.next[i])
        }
    }
}

/// Remembers the ids of the pieces already encoded during one `encode` call. Keys are slices of
/// the input, compared by content.
struct PieceCache {
    private var keyPointers: [UnsafePointer<UInt8>?] = []
    private var keyLengths: [Int32] = []
    private var idStart: [Int32] = []
    private var idCount: [Int32] = []
    private var ids: [Int32] = []
    private var used = 0
    private var mask = 0
    /// Sizes the table on first use (a fraction of the input length).
    var capacityHint = 1024
    /// Pieces longer than this are not cached.
    static let maxPieceLength = 64

    private var usedSlots: [Int32] = []

    /// Forgets every entry (needed when the buffer the keys point into changes).
    mutating func reset() {
        for slot in usedSlots { keyPointers[Int(slot)] = nil }
        usedSlots.removeAll(keepingCapacity: true)
        used = 0
        ids.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    func emit(_ piece: UnsafePointer<UInt8>, _ count: Int, _ hash: UInt64, into output: inout [Int32]) -> Bool {
        guard mask > 0, count <= Self.maxPieceLength else { return false }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while let p = keyPointers[slot] {
            if Int(keyLengths[slot]) == count && memcmpBytes(p, piece, count) {
                let start = Int(idStart[slot])
                output.append(contentsOf: ids[start..<(start + Int(idCount[slot]))])
                return true
            }
            slot = (slot + 1) & mask
        }
        return false
    }

    mutating func store(_ piece: UnsafePointer<UInt8>, _ count: Int, _ hash: UInt64, _ result: ArraySlice<Int32>) {
        guard count <= Self.maxPieceLength else { return }
        if keyPointers.isEmpty {
            var size = 64
            while size < capacityHint && size < 16384 { size <<= 1 }
            keyPointers = [UnsafePointer<UInt8>?](repeating: nil, count: size)
            keyLengths = [Int32](repeating: 0, count: size)
            idStart = [Int32](repeating: 0, count: size)
            idCount = [Int32](repeating: 0, count: size)
            mask = size - 1
        }
        // Stop caching once half full (the cache lives for one call; no resizing needed).
        guard (used + 1) * 2 <= keyPointers.count else { return }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while keyPointers[slot] != nil { slot = (slot + 1) & mask }
        keyPointers[slot] = piece
        keyLengths[slot] = Int32(count)
        idStart[slot] = Int32(ids.count)
        idCount[slot] = Int32(result.count)
        ids.append(contentsOf: result)
        usedSlots.append(Int32(slot))
        used += 1
    }
}
