import JSON
import JSONRPC

/// `instructions/list`: registered instructions, newest first, with their kept function and case counts.
public enum InstructionsList: RPCMethod, DocumentedMethod {
    public static let name = "instructions/list"
    public static let summary = "Lists registered verification instructions, newest first."

    public struct Params: Codable, Sendable {
        public var limit: Int
        public var offset: Int
    }

    public struct Result: Codable, Sendable {
        public struct Item: Codable, Sendable {
            public var id: Int64
            public var instruction: String
            public var createdAt: Double
            public var keptFunctions: Int
            public var keptCases: Int
            public init(id: Int64, instruction: String, createdAt: Double, keptFunctions: Int, keptCases: Int) {
                self.id = id
                self.instruction = instruction
                self.createdAt = createdAt
                self.keptFunctions = keptFunctions
                self.keptCases = keptCases
            }
        }
        public var instructions: [Item]
        public var total: Int
        public init(instructions: [Item], total: Int) {
            self.instructions = instructions
            self.total = total
        }
    }

    public static let params = [
        ParamDoc("limit", "At most this many.", Schema.integer(minimum: 0, maximum: 10000), default: 100),
        ParamDoc("offset", "Skip this many first.", Schema.integer(minimum: 0), default: 0),
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "instructions": Schema.array(Schema.object([
            "id": Schema.integer, "instruction": Schema.string, "createdAt": Schema.number,
            "keptFunctions": Schema.integer, "keptCases": Schema.integer,
        ], required: ["id", "instruction", "createdAt", "keptFunctions", "keptCases"])),
        "total": Schema.integer,
    ], required: ["instructions", "total"])
    public static let errors: [ErrorCode] = [.storeError]
}
