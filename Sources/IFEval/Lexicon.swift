extension IFEval {
    /// Word sets keyed by a 64-bit hash of the word's lowercased UTF-8 bytes, so lookups need no `String`.
    struct WordSet: Sendable {
        private var hashes: Set<UInt64> = []

        init(_ words: String) {
            for w in words.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                hashes.insert(WordHash.of(Scan.lowercased(String(w))))
            }
        }

        @inline(__always)
        func contains(_ hash: UInt64) -> Bool { hashes.contains(hash) }
    }

    /// FNV-1a over bytes; words are hashed after lowercasing.
    enum WordHash {
        static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

        @inline(__always)
        static func add(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }

        static func of(_ bytes: [UInt8]) -> UInt64 {
            var h = seed
            for c in bytes { h = add(h, c) }
            return h
        }

        /// Hash of `b[r]` lowercased code point by code point.
        static func lowercased(_ b: Bytes, _ r: Range<Int>) -> UInt64 {
            var h = seed
            var i = r.lowerBound
            while i < r.upperBound {
                let c = b[i]
                if c < 0x80 {
                    h = add(h, c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
                    i += 1
                } else {
                    let (u, n) = Scan.decode(b, i)
                    var tmp: [UInt8] = []
                    Scan.append(Scan.lower(u), to: &tmp)
                    for x in tmp { h = add(h, x) }
                    i += n
                }
            }
            return h
        }
    }

    /// Small English word lists used by the sentence splitter.
    enum EnglishLexicon {
        /// Abbreviations whose final period does not end a sentence (written without that period).
        static let abbreviations = WordSet(
            """
            mr mrs ms dr prof sr jr st mt ft inc ltd co corp vs etc e.g i.e a.m p.m u.s u.k u.n jan feb aug
            sept oct nov dec approx dept gov sen sgt capt col lt vol cf ph.d d.c ave blvd
            """)

        /// Common words that are normally written in lowercase inside a sentence, so a capitalised one
        /// after a period is evidence of a new sentence.
        static let lowercaseWords = WordSet(
            """
            the a an this that these those it its he she they we you his her their our my your there here then
            but and or so yet however therefore thus also in on at for with from by to of as if when while after
            before because although though since what which who whom whose where why how all some many most each
            every no not one two three first second third finally next now today is are was were be been do does
            did have has had can could will would should may might must let please just only even still such both
            either neither other another any more less instead meanwhile moreover furthermore additionally overall
            indeed perhaps maybe yes well oh during over under about into through again once unlike like despite
            according remember note consider imagine make use try take keep start see think
            """)
    }
}
