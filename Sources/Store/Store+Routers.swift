extension Store {
    /// Saves (or replaces) a trained router, kept as its JSON definition.
    public func saveRouter(name: String, definition: String) throws(StoreError) {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("""
                INSERT INTO routers (name, definition, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
                """, [.text(name), .text(definition), .real(Store.now())])
        }
    }

    /// Every stored router's definition and when it was saved, by name.
    public func routers() throws(StoreError) -> [(name: String, definition: String, updatedAt: Double)] {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("SELECT name, definition, updated_at FROM routers ORDER BY name").map {
                ($0[0].text ?? "", $0[1].text ?? "", $0[2].real ?? 0)
            }
        }
    }

    public func router(named name: String) throws(StoreError) -> String? {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("SELECT definition FROM routers WHERE name = ?", [.text(name)]).first?.first?.text
        }
    }

    /// Deletes a stored router; false if there was none.
    public func deleteRouter(named name: String) throws(StoreError) -> Bool {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("DELETE FROM routers WHERE name = ?", [.text(name)])
            return db.changes > 0
        }
    }
}
