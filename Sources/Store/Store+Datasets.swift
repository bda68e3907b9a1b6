/// The `datasets` and `dataset_examples` tables: named datasets imported once and read back by the
/// data tools. Each example is kept as the JSON text the data tools give it; the store does not
/// look inside.
extension Store {
    /// A stored dataset's summary.
    package struct DatasetRecord: Sendable, Equatable {
        package var name: String
        /// Where it came from: a file path, or "texts" for inline texts.
        package var source: String
        package var examples: Int
        package var createdAt: Double
    }

    /// Stores `records` as dataset `name`, in one transaction. With `replace`, a dataset of that
    /// name is replaced; without, it is left alone and the answer is nil.
    package func saveDataset(name: String, source: String, records: [String], replace: Bool) throws(StoreError) -> DatasetRecord? {
        try withOpenDatabase { db throws(StoreError) in
            try db.transaction { () throws(StoreError) -> DatasetRecord? in
                let exists = try !db.query("SELECT 1 FROM datasets WHERE name = ?", [.text(name)]).isEmpty
                if exists {
                    guard replace else { return nil }
                    try db.query("DELETE FROM datasets WHERE name = ?", [.text(name)])
                }
                let record = DatasetRecord(name: name, source: source, examples: records.count, createdAt: Store.now())
                try db.query("INSERT INTO datasets (name, source, examples, created_at) VALUES (?, ?, ?, ?)",
                             [.text(name), .text(source), .integer(Int64(records.count)), .real(record.createdAt)])
                try db.run("INSERT INTO dataset_examples (dataset, position, record) VALUES (?, ?, ?)",
                           forEach: records.enumerated().lazy.map { [.text(name), .integer(Int64($0.offset)), .text($0.element)] })
                return record
            }
        }
    }

    /// Every stored dataset, by name.
    package func datasets() throws(StoreError) -> [DatasetRecord] {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("SELECT name, source, examples, created_at FROM datasets ORDER BY name").map {
                DatasetRecord(name: $0[0].text ?? "", source: $0[1].text ?? "", examples: Int($0[2].integer ?? 0),
                              createdAt: $0[3].real ?? 0)
            }
        }
    }

    /// The records of dataset `name` in import order; nil when there is no such dataset.
    package func datasetRecords(named name: String) throws(StoreError) -> [String]? {
        try withOpenDatabase { db throws(StoreError) in
            try db.transaction(immediate: false) { () throws(StoreError) -> [String]? in
                guard try !db.query("SELECT 1 FROM datasets WHERE name = ?", [.text(name)]).isEmpty else { return nil }
                return try db.query("SELECT record FROM dataset_examples WHERE dataset = ? ORDER BY position", [.text(name)])
                    .map { $0[0].text ?? "" }
            }
        }
    }

    /// Deletes a stored dataset and its examples; false if there was none.
    package func deleteDataset(named name: String) throws(StoreError) -> Bool {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("DELETE FROM datasets WHERE name = ?", [.text(name)])
            return db.changes > 0
        }
    }
}
