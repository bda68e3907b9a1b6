/// Why a JSON text could not be read, or a value could not be converted.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The text is not valid JSON (including invalid UTF-8).
        case syntax
        /// Arrays and objects nest deeper than the reader allows.
        case tooDeep
        /// A value has the wrong type or shape for what was asked of it.
        case typeMismatch
        /// A required object member is absent.
        case missingField
        /// A number or string does not fit the Swift type asked for.
        case outOfRange
    }

    public var kind: Kind
    public var message: String
    /// Where in the document the problem is: a JSON path such as `messages[2].role`.
    public var path: String
    /// For syntax errors, the 1-based line and column jansson reported.
    public var line: Int?
    public var column: Int?

    public init(kind: Kind, message: String, path: String = "", line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = message
        if !path.isEmpty { text = "\(path): \(text)" }
        if let line, let column { text += " (line \(line), column \(column))" }
        return text
    }
}
