// Finds special (control, user-defined, unknown) token texts in the input: a byte trie scanned left to
// right, taking the longest token that starts at each position.

struct SpecialTokenMatcher: Sendable {
    private struct Node: Sendable {
        var edges: [(byte: UInt8, node: Int32)] = []
        var token: Int32 = -1
    }

    private var nodes: [Node] = [Node()]
    private var firstByte = [Bool](repeating: false, count: 256)

    var isEmpty: Bool { nodes.count == 1 }

    init(tokens: [(text: String, id: Int32)]) {
        for (text, id) in tokens where !text.isEmpty {
            var node = 0
            for b in text.utf8 {
                if let edge = nodes[node].edges.first(where: { $0.byte == b }) {
                    node = Int(edge.node)
                } else {
                    nodes.append(Node())
                    let child = Int32(nodes.count - 1)
                    nodes[node].edges.append((b, child))
                    node = Int(child)
                }
            }
            nodes[node].token = id
            firstByte[Int(text.utf8.first!)] = true
        }
    }

    enum Fragment {
        case text(Range<Int>)
        case token(Int32)
    }

    /// Splits `bytes` into text ranges and special tokens.
    func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [Fragment] {
        var fragments: [Fragment] = []
        let n = bytes.count
        var textStart = 0
        var i = 0
        while i < n {
            guard firstByte[Int(bytes[i])] else {
                i += 1
                continue
            }
            var node = 0
            var j = i
            var match: (end: Int, token: Int32)?
            while j < n, let edge = nodes[node].edges.first(where: { $0.byte == bytes[j] }) {
                node = Int(edge.node)
                j += 1
                if nodes[node].token >= 0 { match = (j, nodes[node].token) }
            }
            if let match {
                if textStart < i { fragments.append(.text(textStart..<i)) }
                fragments.append(.token(match.token))
                i = match.end
                textStart = i
            } else {
                i += 1
            }
        }
        if textStart < n { fragments.append(.text(textStart..<n)) }
        return fragments
    }
}
