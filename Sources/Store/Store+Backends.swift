/// The `backends` table: named generation backends (a local model or a remote OpenAI-compatible
/// endpoint) that routing sends queries to. The store keeps the definition's fields as they are;
/// `Routing.Backend` checks them and gives them meaning.
extension Store {
    /// One stored backend, column by column. An API key is never stored: `apiKeyEnv` is the name of
    /// the environment variable that holds it.
    package struct BackendRecord: Sendable, Equatable {
        package var name: String
        /// "local" or "remote".
        package var kind: String
        /// The loaded model's name (local) or the model name sent to the endpoint (remote).
        package var model: String
        package var baseURL: String?
        package var apiKeyEnv: String?
        package var timeoutSeconds: Double
        package var costPer1kTokens: Double

        package init(name: String, kind: String, model: String, baseURL: String?, apiKeyEnv: String?,
                     timeoutSeconds: Double, costPer1kTokens: Double) {
            self.name = name
            self.kind = kind
            self.model = model
            self.baseURL = baseURL
            self.apiKeyEnv = apiKeyEnv
            self.timeoutSeconds = timeoutSeconds
            self.costPer1kTokens = costPer1kTokens
        }
    }

    /// Saves a backend, replacing any of the same name.
    package func saveBackend(_ record: BackendRecord) throws(StoreError) {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("""
                INSERT INTO backends (name, kind, model, base_url, api_key_env, timeout_seconds, cost_per_1k_tokens, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, model = excluded.model, base_url = excluded.base_url,
                    api_key_env = excluded.api_key_env, timeout_seconds = excluded.timeout_seconds,
                    cost_per_1k_tokens = excluded.cost_per_1k_tokens, updated_at = excluded.updated_at
                """, [.text(record.name), .text(record.kind), .text(record.model), record.baseURL.map(SQLValue.text) ?? .null,
                      record.apiKeyEnv.map(SQLValue.text) ?? .null, .real(record.timeoutSeconds), .real(record.costPer1kTokens),
                      .real(Store.now())])
        }
    }

    /// Every stored backend, by name.
    package func backends() throws(StoreError) -> [BackendRecord] {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("\(Self.backendColumns) ORDER BY name").map(Self.backendRecord)
        }
    }

    /// The stored backend of that name, if any.
    package func backend(named name: String) throws(StoreError) -> BackendRecord? {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("\(Self.backendColumns) WHERE name = ?", [.text(name)]).first.map(Self.backendRecord)
        }
    }

    /// Deletes a stored backend; false if there was none.
    package func deleteBackend(named name: String) throws(StoreError) -> Bool {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("DELETE FROM backends WHERE name = ?", [.text(name)])
            return db.changes > 0
        }
    }

    private static let backendColumns =
        "SELECT name, kind, model, base_url, api_key_env, timeout_seconds, cost_per_1k_tokens FROM backends"

    private static func backendRecord(_ row: [SQLValue]) -> BackendRecord {
        BackendRecord(name: row[0].text ?? "", kind: row[1].text ?? "", model: row[2].text ?? "", baseURL: row[3].text,
                      apiKeyEnv: row[4].text, timeoutSeconds: row[5].real ?? 0, costPer1kTokens: row[6].real ?? 0)
    }
}
