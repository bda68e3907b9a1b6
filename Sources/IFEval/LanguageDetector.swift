extension IFEval {
    /// Identifies the language of a response without any trained model.
    ///
    /// 1. Letters are counted per Unicode script; the script with the most letters decides the family
    ///    (Han and kana count together).
    /// 2. Scripts used by one language map straight to it (Hangul → `ko`, Greek → `el`, Thai → `th`, …);
    ///    Han → `ja` when kana make up at least a tenth of the Han and kana letters, else `zh`.
    /// 3. Scripts shared by several languages (Latin, Cyrillic, Arabic, Devanagari) are decided by scoring
    ///    very frequent function words and telltale letters from ``LanguageLexicon``; with no evidence the
    ///    family's first language wins (`en`, `ru`, `ar`, `hi`).
    /// Text without letters yields nil (the reference counts that as "followed").
    enum LanguageDetector {
        private enum Script: Int, CaseIterable {
            case latin, cyrillic, greek, arabic, hebrew, devanagari, bengali, gurmukhi, gujarati, oriya, tamil,
                telugu, kannada, malayalam, sinhala, thai, lao, tibetan, myanmar, georgian, hangul, ethiopic,
                khmer, armenian, han, kana
        }

        private static let singleLanguage: [Script: String] = [
            .greek: "el", .hebrew: "he", .bengali: "bn", .gurmukhi: "pa", .gujarati: "gu", .oriya: "or",
            .tamil: "ta", .telugu: "te", .kannada: "kn", .malayalam: "ml", .sinhala: "si", .thai: "th",
            .lao: "lo", .tibetan: "bo", .myanmar: "my", .georgian: "ka", .hangul: "ko", .ethiopic: "am",
            .khmer: "km", .armenian: "hy",
        ]

        /// Every code ``detect(_:)`` can return.
        static let supportedCodes: Set<String> = Set(LanguageLexicon.all + singleLanguage.values + ["zh", "ja"])

        /// Maps a requested language code to the one ``detect(_:)`` returns, or nil if it is not supported.
        /// Codes are case-insensitive; `zh-cn`/`zh-tw` (langdetect's spellings) mean `zh`, `nb` means `no`.
        static func normalizedCode(_ code: String) -> String? {
            let c = code.lowercased()
            switch c {
            case "zh-cn", "zh-tw", "zh-hans", "zh-hant": return "zh"
            case "nb": return "no"
            default: return supportedCodes.contains(c) ? c : nil
            }
        }

        /// The language code of a string (for tests and diagnostics).
        static func detect(_ text: String) -> String? { Scan.withBytes(text) { detect($0) } }

        private static let languageIndex: [String: Int] = Dictionary(
            uniqueKeysWithValues: LanguageLexicon.all.enumerated().map { ($1, $0) })

        /// Word hash → bit set of languages (bit = index in `LanguageLexicon.all`).
        private static let wordTable: [UInt64: UInt64] = {
            var table: [UInt64: UInt64] = [:]
            for (code, list) in LanguageLexicon.words {
                let bit = UInt64(1) << UInt64(languageIndex[code]!)
                for w in list.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                    table[WordHash.of(Scan.lowercased(String(w))), default: 0] |= bit
                }
            }
            return table
        }()

        /// Ending hash → bit set of languages, keyed by ending length in code points (2 or 3 or 4).
        private static let endingTable: [UInt64: UInt64] = {
            var table: [UInt64: UInt64] = [:]
            for (code, list) in LanguageLexicon.endings {
                let bit = UInt64(1) << UInt64(languageIndex[code]!)
                for w in list.split(separator: " ") {
                    table[WordHash.of(Scan.lowercased(String(w))), default: 0] |= bit
                }
            }
            return table
        }()

        /// Letter → (language index, weight) pairs.
        private static let letterTable: [UInt32: [(Int, Double)]] = {
            var table: [UInt32: [(Int, Double)]] = [:]
            for (letters, weights) in LanguageLexicon.letters {
                for s in letters.unicodeScalars {
                    table[s.value, default: []] += weights.map { (languageIndex[$0.0]!, $0.1) }
                }
            }
            return table
        }()

        /// The language code of `b`, or nil when it has no letters.
        static func detect(_ b: Bytes) -> String? {
            var scripts = [Int](repeating: 0, count: Script.allCases.count)
            var scores = [Double](repeating: 0, count: LanguageLexicon.all.count)
            var wordStart = -1
            var i = 0
            let n = b.count
            while i <= n {
                var u: UInt32 = 0x20
                var len = 1
                if i < n { (u, len) = Scan.decode(b, i) }
                // Apostrophes and periods inside a word keep it whole (`l'eau`, `e.g`).
                let joinsWord = u == 0x27 || u == 0x2019
                    || (u == 0x2E && i + 1 < n && Scan.isLetter(Scan.decode(b, i + 1).scalar))
                var wordChar = false
                if u < 0x80 {
                    if (u | 0x20) >= 0x61 && (u | 0x20) <= 0x7A {
                        scripts[Script.latin.rawValue] += 1
                        wordChar = true
                    }
                } else if let script = script(of: u) {
                    scripts[script.rawValue] += 1
                    wordChar = true
                    if let hits = letterTable[Scan.lower(u)] { for (k, w) in hits { scores[k] += w } }
                } else if isMark(u) {
                    wordChar = true
                }
                if wordChar || (joinsWord && wordStart >= 0) {
                    if wordStart < 0 { wordStart = i }
                } else if wordStart >= 0 {
                    scoreWord(b, wordStart..<i, &scores)
                    wordStart = -1
                }
                i += len
            }
            var best = -1
            for (k, c) in scripts.enumerated() where c > 0 {
                let total = k == Script.han.rawValue || k == Script.kana.rawValue
                    ? scripts[Script.han.rawValue] + scripts[Script.kana.rawValue] : c
                if best < 0 || total > bestTotal(scripts, best) { best = k }
            }
            guard best >= 0, let script = Script(rawValue: best) else { return nil }
            switch script {
            case .han, .kana:
                let kana = scripts[Script.kana.rawValue]
                return kana * 10 >= kana + scripts[Script.han.rawValue] ? "ja" : "zh"
            case .latin: return pick(LanguageLexicon.latin, scores)
            case .cyrillic: return pick(LanguageLexicon.cyrillic, scores)
            case .arabic: return pick(LanguageLexicon.arabic, scores)
            case .devanagari: return pick(LanguageLexicon.devanagari, scores)
            default: return singleLanguage[script]
            }
        }

        private static func bestTotal(_ scripts: [Int], _ k: Int) -> Int {
            if k == Script.han.rawValue || k == Script.kana.rawValue {
                return scripts[Script.han.rawValue] + scripts[Script.kana.rawValue]
            }
            return scripts[k]
        }

        private static func pick(_ family: [String], _ scores: [Double]) -> String {
            var best = family[0]
            var bestScore = scores[languageIndex[best]!]
            for code in family.dropFirst() {
                let s = scores[languageIndex[code]!]
                if s > bestScore {
                    best = code
                    bestScore = s
                }
            }
            return best
        }

        /// Adds the evidence of one word (and of its elided prefix/suffix around an apostrophe).
        private static func scoreWord(_ b: Bytes, _ r: Range<Int>, _ scores: inout [Double]) {
            var end = r.upperBound
            while end > r.lowerBound && (b[end - 1] == 0x27 || b[end - 1] == 0x2E || isRightQuote(b, end)) {
                end = Scan.previousStart(b, end)
            }
            let word = r.lowerBound..<end
            guard !word.isEmpty else { return }
            var firstApostrophe = -1
            var lastApostrophe = -1
            var i = word.lowerBound
            while i < word.upperBound {
                let (u, len) = Scan.decode(b, i)
                if u == 0x27 || u == 0x2019 {
                    if firstApostrophe < 0 { firstApostrophe = i }
                    lastApostrophe = i
                }
                i += len
            }
            add(hash(b, word), &scores)
            var suffixStart = word.upperBound
            // Only Cyrillic words have ending evidence.
            let hasEndings = (0xD0...0xD3).contains(b[word.lowerBound])
            for length in 1...4 where hasEndings {
                guard suffixStart > word.lowerBound else { break }
                suffixStart = Scan.previousStart(b, suffixStart)
                if length >= 2 && suffixStart > word.lowerBound,
                    let bits = endingTable[hash(b, suffixStart..<word.upperBound)]
                {
                    add(bits, weight: 0.5, &scores)
                }
            }
            if firstApostrophe >= 0 {
                add(hash(b, word.lowerBound..<(firstApostrophe + apostropheLength(b, firstApostrophe))), &scores)
                add(hash(b, lastApostrophe..<word.upperBound), &scores)
            }
        }

        @inline(__always)
        private static func add(_ h: UInt64, _ scores: inout [Double]) {
            if let bits = wordTable[h] { add(bits, weight: 1, &scores) }
        }

        @inline(__always)
        private static func add(_ bits: UInt64, weight: Double, _ scores: inout [Double]) {
            var bits = bits
            while bits != 0 {
                scores[bits.trailingZeroBitCount] += weight
                bits &= bits - 1
            }
        }

        private static func isRightQuote(_ b: Bytes, _ end: Int) -> Bool {
            end >= 3 && b[end - 3] == 0xE2 && b[end - 2] == 0x80 && b[end - 1] == 0x99
        }

        private static func apostropheLength(_ b: Bytes, _ i: Int) -> Int { b[i] == 0x27 ? 1 : 3 }

        /// Lowercased hash with `’` read as `'`.
        private static func hash(_ b: Bytes, _ r: Range<Int>) -> UInt64 {
            var h = WordHash.seed
            var i = r.lowerBound
            while i < r.upperBound {
                let (u, len) = Scan.decode(b, i)
                if u == 0x2019 {
                    h = WordHash.add(h, 0x27)
                } else if u < 0x80 {
                    h = WordHash.add(h, UInt8(Scan.lower(u)))
                } else {
                    var tmp: [UInt8] = []
                    Scan.append(Scan.lower(u), to: &tmp)
                    for x in tmp { h = WordHash.add(h, x) }
                }
                i += len
            }
            return h
        }

        @inline(__always)
        private static func isMark(_ u: UInt32) -> Bool {
            guard let s = Unicode.Scalar(u) else { return false }
            switch s.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return false
            }
        }

        /// The script of a letter, or nil for marks, digits, punctuation and unsupported scripts.
        private static func script(of u: UInt32) -> Script? {
            switch u {
            case 0xC0...0x24F, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
                return u == 0xD7 || u == 0xF7 ? nil : .latin
            case 0x370...0x3FF, 0x1F00...0x1FFF: return Scan.isLetter(u) ? .greek : nil
            case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: return Scan.isLetter(u) ? .cyrillic : nil
            case 0x531...0x58F: return Scan.isLetter(u) ? .armenian : nil
            case 0x5D0...0x5FF, 0xFB1D...0xFB4F: return Scan.isLetter(u) ? .hebrew : nil
            case 0x600...0x6FF, 0x750...0x77F, 0x8A0...0x8FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF:
                return Scan.isLetter(u) ? .arabic : nil
            default: break
            }
            guard Scan.isLetter(u) else { return nil }
            switch u {
            case 0x900...0x97F, 0xA8E0...0xA8FF: return .devanagari
            case 0x980...0x9FF: return .bengali
            case 0xA00...0xA7F: return .gurmukhi
            case 0xA80...0xAFF: return .gujarati
            case 0xB00...0xB7F: return .oriya
            case 0xB80...0xBFF: return .tamil
            case 0xC00...0xC7F: return .telugu
            case 0xC80...0xCFF: return .kannada
            case 0xD00...0xD7F: return .malayalam
            case 0xD80...0xDFF: return .sinhala
            case 0xE00...0xE7F: return .thai
            case 0xE80...0xEFF: return .lao
            case 0xF00...0xFFF: return .tibetan
            case 0x1000...0x109F: return .myanmar
            case 0x10A0...0x10FF, 0x2D00...0x2D2F: return .georgian
            case 0x1100...0x11FF, 0x3130...0x318F, 0xA960...0xA97F, 0xAC00...0xD7AF, 0xD7B0...0xD7FF: return .hangul
            case 0x1200...0x139F: return .ethiopic
            case 0x1780...0x17FF: return .khmer
            case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: return .kana
            case 0x3005, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FFFF: return .han
            default: return nil
            }
        }
    }
}
