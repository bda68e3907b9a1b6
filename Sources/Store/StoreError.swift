/// A failure in the SQLite store, with SQLite's own code and message and what was being done.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// SQLite's result code (e.g. 26 for "file is not a database"); 0 when the error is Minos's own.
    public var code: Int32
    public var message: String
    /// What the store was doing: "opening /path/minos.db", "migrating to version 2", a SQL statement.
    public var context: String

    public init(code: Int32 = 0, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { "\(context): \(message)" }
}
