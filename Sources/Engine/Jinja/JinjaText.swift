/// Python's string operations, on Unicode scalars as Python's `str` counts them (Swift's
/// `String` compares by grapheme clusters, which would split and match differently).
enum JinjaText {
    static func find(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from start: Int = 0) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        if needle.isEmpty { return min(start, haystack.count) }
        var i = start
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.properties.isWhitespace || (0x1C...0x1F).contains(c.value)
    }

    /// `str.strip(chars)`, `lstrip`, `rstrip`: whitespace when `chars` is nil.
    static func strip(_ s: String, _ chars: String?, leading: Bool, trailing: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let strip: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? isSpace($0) }
        var scalars = Array(s.unicodeScalars)[...]
        if leading { while let f = scalars.first, strip(f) { scalars.removeFirst() } }
        if trailing { while let l = scalars.last, strip(l) { scalars.removeLast() } }
        return string(scalars)
    }

    static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `str.split(sep, maxsplit)`; without `sep`, runs of whitespace separate and empty parts go.
    static func split(_ s: String, _ separator: String?, maxSplit: Int = -1) -> [String] {
        let scalars = Array(s.unicodeScalars)
        var parts: [String] = []
        guard let separator else {
            var i = 0
            while i < scalars.count {
                while i < scalars.count && isSpace(scalars[i]) { i += 1 }
                guard i < scalars.count else { break }
                if maxSplit >= 0 && parts.count == maxSplit {
                    var end = scalars.count
                    while end > i && isSpace(scalars[end - 1]) { end -= 1 }
                    parts.append(string(scalars[i..<end]))
                    break
                }
                let start = i
                while i < scalars.count && !isSpace(scalars[i]) { i += 1 }
                parts.append(string(scalars[start..<i]))
            }
            return parts
        }
        let sep = Array(separator.unicodeScalars)
        guard !sep.isEmpty else { return [s] }
        var start = 0
        while maxSplit < 0 || parts.count < maxSplit, let at = find(sep, in: scalars, from: start) {
            parts.append(string(scalars[start..<at]))
            start = at + sep.count
        }
        parts.append(string(scalars[start...]))
        return parts
    }

    /// `str.replace(old, new, count)`.
    static func replace(_ s: String, _ old: String, _ new: String, count: Int = -1) -> String {
        let scalars = Array(s.unicodeScalars), target = Array(old.unicodeScalars), replacement = Array(new.unicodeScalars)
        var out: [Unicode.Scalar] = []
        var i = 0, done = 0
        if target.isEmpty {
            // Python inserts the replacement between every character and at both ends.
            for c in scalars {
                if count < 0 || done < count { out += replacement; done += 1 }
                out.append(c)
            }
            if count < 0 || done < count { out += replacement }
            return string(out)
        }
        while i < scalars.count {
            if (count < 0 || done < count), let at = find(target, in: scalars, from: i) {
                out += scalars[i..<at]
                out += replacement
                i = at + target.count
                done += 1
            } else {
                out += scalars[i...]
                break
            }
        }
        return string(out)
    }

    static func hasPrefix(_ s: String, _ prefix: String) -> Bool {
        s.unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    static func hasSuffix(_ s: String, _ suffix: String) -> Bool {
        s.unicodeScalars.reversed().starts(with: suffix.unicodeScalars.reversed())
    }

    /// Python's `str.title()`: a cased letter after an uncased character is upper-cased, others lower-cased.
    static func title(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for c in s.unicodeScalars {
            let cased = c.properties.isCased
            out += previousCased ? String(c).lowercased() : String(c).uppercased()
            previousCased = cased
        }
        return out
    }

    /// Python's `str.capitalize()`.
    static func capitalize(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        return String(first).uppercased() + string(s.unicodeScalars.dropFirst()).lowercased()
    }

    /// Jinja2's `indent` filter.
    static func indent(_ s: String, width: String, first: Bool, blank: Bool) -> String {
        let lines = splitLines(s + "\n")
        var out: String
        if blank {
            out = lines.joined(separator: "\n" + width)
        } else {
            out = lines.first ?? ""
            if lines.count > 1 {
                out += "\n" + lines.dropFirst().map { $0.isEmpty ? $0 : width + $0 }.joined(separator: "\n")
            }
        }
        return first ? width + out : out
    }

    /// Python's `str.splitlines()` for "\n" (the lexer already turned "\r\n" and "\r" into "\n").
    static func splitLines(_ s: String) -> [String] {
        var parts = split(s, "\n")
        if parts.last == "" { parts.removeLast() }
        return parts
    }
}
