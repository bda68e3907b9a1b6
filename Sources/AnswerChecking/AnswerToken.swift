// The tokens the answer lexer produces: relations, functions, token kinds.
extension AnswerMath {
    enum Relation: UInt8, Sendable {
        case equal, notEqual, less, lessEqual, greater, greaterEqual

        var symbol: String {
            switch self {
            case .equal: "="
            case .notEqual: "!="
            case .less: "<"
            case .lessEqual: "<="
            case .greater: ">"
            case .greaterEqual: ">="
            }
        }

        /// The same relation read right to left (`a > b` is `b < a`).
        var flipped: Relation {
            switch self {
            case .less: .greater
            case .lessEqual: .greaterEqual
            case .greater: .less
            case .greaterEqual: .lessEqual
            default: self
            }
        }
    }

    enum Function: UInt8, Sendable {
        case sin, cos, tan, cot, sec, csc, asin, acos, atan, sinh, cosh, tanh, ln, exp, abs, floor, ceil

        var name: String {
            switch self {
            case .sin: "sin"
            case .cos: "cos"
            case .tan: "tan"
            case .cot: "cot"
            case .sec: "sec"
            case .csc: "csc"
            case .asin: "arcsin"
            case .acos: "arccos"
            case .atan: "arctan"
            case .sinh: "sinh"
            case .cosh: "cosh"
            case .tanh: "tanh"
            case .ln: "ln"
            case .exp: "exp"
            case .abs: "abs"
            case .floor: "floor"
            case .ceil: "ceil"
            }
        }

        /// `sin^{-1}` and friends.
        var inverse: Function? {
            switch self {
            case .sin: .asin
            case .cos: .acos
            case .tan: .atan
            default: nil
            }
        }
    }

    enum TokenKind: Equatable, Sendable {
        /// A numeric literal: its exact value when it fits, and always a `Double`.
        case number(Rational?, Double)
        case variable(String)
        /// A run of two or more letters not yet resolved (unit, annotation, function, product of letters).
        case word(String)
        case pi, euler, infinity
        case plus, minus, plusMinus, times, divide, caret, underscore, bang, percent
        /// `(` or `[`.
        case open(UInt8)
        /// `)` or `]`.
        case close(UInt8)
        /// TeX grouping braces `{` `}`.
        case groupOpen, groupClose
        /// `\{` `\}`.
        case setOpen, setClose
        case angleOpen, angleClose
        case bar, absOpen, absClose, floorOpen, floorClose, ceilOpen, ceilClose
        case comma
        case relation(Relation)
        case elementOf
        case frac, sqrt, binom, log
        case function(Function)
        case cup
        case columnSep, rowSep, matrixBegin, matrixEnd
        case emptySet
        /// Anything the parser does not understand; its presence makes the answer text.
        case unknown
    }

    struct Token: Sendable {
        var kind: TokenKind
        /// Whitespace (or a TeX spacing command) came right before this token.
        var space: Bool
        /// The token came from inside `\text{}`, `\mbox{}`, `\mathrm{}` and the like.
        var text: Bool
        /// For a literal that is a plain run of digits: where the digits start and how many there are
        /// (so that `\frac12` and `x^23` can take a single digit, as TeX does); `count` is 0 otherwise.
        var digitStart: Int32 = 0
        var digitCount: Int32 = 0
    }
}
