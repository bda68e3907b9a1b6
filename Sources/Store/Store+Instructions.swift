/// A verification instruction accepted by cross-validation, with every function and case it was
/// checked against (kept or not) and their scores.
public struct StoredInstruction: Sendable, Equatable {
    public struct Function: Sendable, Equatable {
        public var source: String
        public var kept: Bool
        public var accuracy: Double?
        public var reason: String?
        public init(source: String, kept: Bool, accuracy: Double?, reason: String?) {
            self.source = source
            self.kept = kept
            self.accuracy = accuracy
            self.reason = reason
        }
    }

    public struct Case: Sendable, Equatable {
        public var input: String
        public var output: Bool
        public var kept: Bool
        public var agreeing: Int
        public init(input: String, output: Bool, kept: Bool, agreeing: Int) {
            self.input = input
            self.output = output
            self.kept = kept
            self.agreeing = agreeing
        }
    }

    public var id: Int64
    public var instruction: String
    public var createdAt: Double
    public var minAccuracy: Double
    public var functions: [Function]
    public var cases: [Case]

    public init(id: Int64 = 0, instruction: String, createdAt: Double = 0, minAccuracy: Double,
                functions: [Function], cases: [Case]) {
        self.id = id
        self.instruction = instruction
        self.createdAt = createdAt
        self.minAccuracy = minAccuracy
        self.functions = functions
        self.cases = cases
    }

    public var keptFunctions: [String] { functions.filter(\.kept).map(\.source) }
}

/// One line of `instructions/list`.
public struct InstructionSummary: Sendable, Equatable {
    public var id: Int64
    public var instruction: String
    public var createdAt: Double
    public var keptFunctions: Int
    public var keptCases: Int
}

extension Store {
    /// Saves an instruction with its functions and cases in one transaction; returns its id.
    public func insertInstruction(_ instruction: StoredInstruction) throws(StoreError) -> Int64 {
        try withOpenDatabase { db throws(StoreError) in
            try db.transaction { () throws(StoreError) -> Int64 in
                try db.query("INSERT INTO instructions (instruction, created_at, min_accuracy) VALUES (?, ?, ?)",
                             [.text(instruction.instruction), .real(Store.now()), .real(instruction.minAccuracy)])
                let id = db.lastInsertRowID
                for (position, function) in instruction.functions.enumerated() {
                    try db.query("""
                        INSERT INTO instruction_functions (instruction_id, position, source, kept, accuracy, reason)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """, [.integer(id), .integer(Int64(position)), .text(function.source),
                              .integer(function.kept ? 1 : 0), function.accuracy.map(SQLValue.real) ?? .null,
                              function.reason.map(SQLValue.text) ?? .null])
                }
                for (position, testCase) in instruction.cases.enumerated() {
                    try db.query("""
                        INSERT INTO instruction_cases (instruction_id, position, input, output, kept, agreeing)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """, [.integer(id), .integer(Int64(position)), .text(testCase.input),
                              .integer(testCase.output ? 1 : 0), .integer(testCase.kept ? 1 : 0),
                              .integer(Int64(testCase.agreeing))])
                }
                return id
            }
        }
    }

    /// The stored instruction with `id`, or nil.
    public func instruction(id: Int64) throws(StoreError) -> StoredInstruction? {
        try withOpenDatabase { db throws(StoreError) -> StoredInstruction? in
            guard let row = try db.query("SELECT instruction, created_at, min_accuracy FROM instructions WHERE id = ?",
                                         [.integer(id)]).first else { return nil }
            let functions = try db.query("""
                SELECT source, kept, accuracy, reason FROM instruction_functions
                WHERE instruction_id = ? ORDER BY position
                """, [.integer(id)]).map { f in
                StoredInstruction.Function(source: f[0].text ?? "", kept: f[1].integer == 1,
                                           accuracy: f[2].real, reason: f[3].text)
            }
            let cases = try db.query("""
                SELECT input, output, kept, agreeing FROM instruction_cases
                WHERE instruction_id = ? ORDER BY position
                """, [.integer(id)]).map { c in
                StoredInstruction.Case(input: c[0].text ?? "", output: c[1].integer == 1,
                                       kept: c[2].integer == 1, agreeing: Int(c[3].integer ?? 0))
            }
            return StoredInstruction(id: id, instruction: row[0].text ?? "", createdAt: row[1].real ?? 0,
                                     minAccuracy: row[2].real ?? 0, functions: functions, cases: cases)
        }
    }

    /// Instructions newest first, with the total count.
    public func listInstructions(limit: Int, offset: Int) throws(StoreError) -> (items: [InstructionSummary], total: Int) {
        try withOpenDatabase { db throws(StoreError) in
            let total = Int(try db.query("SELECT count(*) FROM instructions").first?.first?.integer ?? 0)
            let rows = try db.query("""
                SELECT i.id, i.instruction, i.created_at,
                       (SELECT count(*) FROM instruction_functions f WHERE f.instruction_id = i.id AND f.kept = 1),
                       (SELECT count(*) FROM instruction_cases c WHERE c.instruction_id = i.id AND c.kept = 1)
                FROM instructions i ORDER BY i.id DESC LIMIT ? OFFSET ?
                """, [.integer(Int64(limit)), .integer(Int64(offset))])
            let items = rows.map { r in
                InstructionSummary(id: r[0].integer ?? 0, instruction: r[1].text ?? "", createdAt: r[2].real ?? 0,
                                   keptFunctions: Int(r[3].integer ?? 0), keptCases: Int(r[4].integer ?? 0))
            }
            return (items, total)
        }
    }

    /// Deletes an instruction and everything stored with it; false if there was none.
    public func deleteInstruction(id: Int64) throws(StoreError) -> Bool {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("DELETE FROM instructions WHERE id = ?", [.integer(id)])
            return db.changes > 0
        }
    }
}
