// SentencePiece BPE (tokenizer.ggml.model = "llama"), as llama.cpp's SPM tokenizer does it: spaces
// become "▁", the text is split into UTF-8 characters, and the adjacent pair whose concatenation is
// the highest-scoring piece is merged until no pair forms a piece (ties: leftmost). A character that
// is not a piece is emitted as its bytes' <0xXX> tokens.

struct SentencePieceModel: Sendable {
    /// Normal pieces: text bytes -> id.
    let pieces: ByteStringTable
    let scores: [Float]
    /// `byteToken[b]`: the id of "<0xXX>", or -1.
    let byteToken: [Int32]
    let unknownID: Int32?

    /// No piece has a "▁" after another character (pieces start with their spaces, as SentencePiece
    /// makes them with split_by_whitespace). Then no merge can cross the point before a "▁" that
    /// follows another character, and the text is merged word by word: same result, far smaller heaps,
    /// and repeated words come from a cache.
    let mergesStayInWords: Bool

    init(tokens: [String], types: [TokenType], scores: [Float], unknownID: Int32?) {
        var pieces = ByteStringTable(capacity: tokens.count)
        var spacesLead = true
        for (i, t) in tokens.enumerated() where types[i].isText && !t.isEmpty {
            pieces.insert(t.utf8, value: Int32(i))
            var previous: Unicode.Scalar = "\u{2581}"
            for scalar in t.unicodeScalars {
                if scalar == "\u{2581}" && previous != "\u{2581}" { spacesLead = false }
                previous = scalar
            }
        }
        self.pieces = pieces
        self.scores = scores
        self.mergesStayInWords = spacesLead
        var byteToken = [Int32](repeating: -1, count: 256)
        // Prefer tokens typed as bytes; accept "<0xXX>" of any type otherwise (as llama.cpp looks
        // the text up).
        for pass in 0..<2 {
            for (i, t) in tokens.enumerated() {
                guard (pass == 0) == (types[i] == .byte), let b = Self.byteValue(t), byteToken[Int(b)] < 0
                else { continue }
                byteToken[Int(b)] = Int32(i)
            }
        }
        self.byteToken = byteToken
        self.unknownID = unknownID
    }

    /// The byte of a "<0xXX>" token text.
    static func byteValue(_ text: String) -> UInt8? {
        let u = Array(text.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        return UInt8(String(decoding: u[3...4], as: UTF8.self), radix: 16)
    }

    struct Workspace {
        var text: [UInt8] = []
        var start: [Int32] = []
        var length: [Int32] = []
        var next: [Int32] = []
        var prev: [Int32] = []
        var heap = MinHeap<(right: Int32, size: Int32)>()
        var cache = PieceCache()
    }

    /// Order-preserving map of a Float to UInt32 (larger float -> larger integer).
    @inline(__always)
    private static func sortable(_ f: Float) -> UInt32 {
        let bits = f.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    func encode(
        _ bytes: UnsafeBufferPointer<UInt8>, spacePrefix: Bool, into output: inout [Int32],
        _ ws: inout Workspace
    ) {
        // "▁" = E2 96 81
        ws.text.removeAll(keepingCapacity: true)
        ws.text.reserveCapacity(bytes.count + bytes.count / 2 + 3)
        if spacePrefix { ws.text.append(contentsOf: [0xE2, 0x96, 0x81]) }
        for b in bytes {
            if b == 0x20 {
                ws.text.append(contentsOf: [0xE2, 0x96, 0x81])
            } else {
                ws.text.append(b)
            }
        }
        guard !ws.text.isEmpty else { return }
        // the cache's keys point into `ws.text`, which is rebuilt for every fragment
        ws.cache.reset()
        ws.cache.capacityHint = ws.text.count / 8
        let text = ws.text
        text.withUnsafeBufferPointer { text in
            let base = text.baseAddress!
            let n = text.count
            guard mergesStayInWords else {
                merge(base, 0, n, into: &output, &ws)
                return
            }
            var wordStart = 0
            var i = 1
            while i <= n {
                // a word ends before a "▁" that follows another character, or at the end
                let boundary = i == n
                    || (i + 2 < n && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81
                        && !(i >= 3 && text[i - 3] == 0xE2 && text[i - 2] == 0x96 && text[i - 1] == 0x81))
                if boundary {
                    let count = i - wordStart
                    let hash = hashBytes(base + wordStart, count)
                    if !ws.cache.emit(base + wordStart, count, hash, into: &output) {
                        let before = output.count
                        merge(base, wordStart, i, into: &output, &ws)
                        ws.cache.store(base + wordStart, count, hash, output[before...])
                    }
                    wordStart = i
                }
                i += 1
            }
        }
    }

    /// llama.cpp's SPM merge over `text[from..<to]`.
    private func merge(
        _ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, into output: inout [Int32], _ ws: inout Workspace
    ) {
        guard from < to else { return }
        ws.start.removeAll(keepingCapacity: true)
        ws.length.removeAll(keepingCapacity: true)
        ws.next.removeAll(keepingCapacity: true)
        ws.prev.removeAll(keepingCapacity: true)
        ws.heap.removeAll()
        var offset = from
        while offset < to {
            let lead = base[offset]
            let len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            let count = min(len, to - offset)
            let index = Int32(ws.start.count)
            ws.start.append(Int32(offset))
            ws.length.append(Int32(count))
            ws.prev.append(index - 1)
            offset += count
            ws.next.append(offset < to ? index + 1 : -1)
        }

        @inline(__always) func tryAdd(_ left: Int32, _ right: Int32, _ ws: inout Workspace) {
            guard left >= 0, right >= 0 else { return }
            let s = Int(ws.start[Int(left)])
            let size = Int(ws.length[Int(left)] + ws.length[Int(right)])
            guard let id = pieces.lookup(base + s, size) else { return }
            // min-heap: best score first, then leftmost
            let key = UInt64(~Self.sortable(scores[Int(id)])) << 32 | UInt64(UInt32(left))
            ws.heap.push(key, (right, Int32(size)))
        }
        for i in 1..<ws.start.count { tryAdd(Int32(i - 1), Int32(i), &ws) }
        while let (key, payload) = ws.heap.pop() {
            let left = Int(key & 0xFFFF_FFFF)
            let right = Int(payload.right)
            let leftLength = ws.length[left]
            let rightLength = ws.length[right]
            // skip when either symbol was merged away or changed since the pair was queued
            if leftLength == 0 || rightLength == 0 || leftLength + rightLength != payload.size {
                continue
            }
            ws.length[left] = leftLength + rightLength
            ws.length[right] = 0
            let after = ws.next[right]
            ws.next[left] = after
            if after >= 0 { ws.prev[Int(after)] = Int32(left) }
            tryAdd(ws.prev[left], Int32(left), &ws)
            tryAdd(Int32(left), after, &ws)
        }
        var i: Int32 = 0
        while i >= 0 {
            let s = Int(ws.start[Int(i)])
            let len = Int(ws.length[Int(i)])
            if let id = pieces.lookup(base + s, len) {
                output.append(id)
            } else {
                for k in 0..<len {
                    let t = byteToken[Int(base[s + k])]
                    if t >= 0 {
                        output.append(t)
                    } else if let unknownID {
                        output.append(unknownID)
                    }
                }
            }
            i = ws.next[Int(i)]
        }
    }
}
