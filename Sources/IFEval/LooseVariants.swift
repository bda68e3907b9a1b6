extension IFEval {
    /// The relaxed texts that loose mode tries, in the reference's order.
    ///
    /// Line removal splits on `"\n"` only; the texts with a line removed are then stripped of surrounding
    /// whitespace (the untouched response is not). Deleting `*` happens after that stripping. Variants are
    /// produced on demand and the `*`-free ones only when the text has a `*` at all.
    struct LooseVariants {
        enum Kind: CaseIterable {
            case original, withoutAsterisks
            case withoutFirstLine, withoutLastLine, withoutFirstAndLastLine
            case withoutFirstLineAndAsterisks, withoutLastLineAndAsterisks, withoutFirstAndLastLineAndAsterisks

            var label: String {
                switch self {
                case .original: return "response as given"
                case .withoutAsterisks: return "passed with '*' removed"
                case .withoutFirstLine: return "passed with the first line removed"
                case .withoutLastLine: return "passed with the last line removed"
                case .withoutFirstAndLastLine: return "passed with the first and last lines removed"
                case .withoutFirstLineAndAsterisks: return "passed with the first line and '*' removed"
                case .withoutLastLineAndAsterisks: return "passed with the last line and '*' removed"
                case .withoutFirstAndLastLineAndAsterisks:
                    return "passed with the first and last lines and '*' removed"
                }
            }
        }

        let bytes: Bytes
        private let firstLineRemoved: Range<Int>
        private let lastLineRemoved: Range<Int>
        private let bothLinesRemoved: Range<Int>
        private let hasAsterisk: Bool

        init(_ b: Bytes) {
            bytes = b
            var firstNL: Int?
            var lastNL: Int?
            var star = false
            for i in 0..<b.count {
                let c = b[i]
                if c == 0x0A {
                    if firstNL == nil { firstNL = i }
                    lastNL = i
                } else if c == 0x2A {
                    star = true
                }
            }
            hasAsterisk = star
            let n = b.count
            firstLineRemoved = firstNL.map { Scan.strip(b, ($0 + 1)..<n) } ?? 0..<0
            lastLineRemoved = lastNL.map { Scan.strip(b, 0..<$0) } ?? 0..<0
            if let f = firstNL, let l = lastNL, l > f {
                bothLinesRemoved = Scan.strip(b, (f + 1)..<l)
            } else {
                bothLinesRemoved = 0..<0
            }
        }

        /// Runs `body` on the bytes of the variant `kind`.
        func withVariant<R>(_ kind: Kind, _ body: (Bytes) -> R) -> R {
            switch kind {
            case .original: return body(bytes)
            case .withoutFirstLine: return body(slice(firstLineRemoved))
            case .withoutLastLine: return body(slice(lastLineRemoved))
            case .withoutFirstAndLastLine: return body(slice(bothLinesRemoved))
            case .withoutAsterisks: return withoutStars(0..<bytes.count, body)
            case .withoutFirstLineAndAsterisks: return withoutStars(firstLineRemoved, body)
            case .withoutLastLineAndAsterisks: return withoutStars(lastLineRemoved, body)
            case .withoutFirstAndLastLineAndAsterisks: return withoutStars(bothLinesRemoved, body)
            }
        }

        /// True when trying `kind` cannot change the answer because it equals a variant already tried.
        func isRedundant(_ kind: Kind) -> Bool {
            switch kind {
            case .original, .withoutFirstLine, .withoutLastLine, .withoutFirstAndLastLine: return false
            default: return !hasAsterisk
            }
        }

        private func slice(_ r: Range<Int>) -> Bytes {
            r.isEmpty ? Bytes(start: nil, count: 0) : Bytes(rebasing: bytes[r])
        }

        private func withoutStars<R>(_ r: Range<Int>, _ body: (Bytes) -> R) -> R {
            var out: [UInt8] = []
            out.reserveCapacity(r.count)
            for i in r where bytes[i] != 0x2A { out.append(bytes[i]) }
            return out.withUnsafeBufferPointer(body)
        }
    }
}
