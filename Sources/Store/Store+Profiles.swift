extension Store {
    /// Saves (or replaces) a named verifier profile, kept as its JSON definition.
    public func saveVerifierProfile(name: String, definition: String) throws(StoreError) {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("""
                INSERT INTO verifier_profiles (name, definition, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
                """, [.text(name), .text(definition), .real(Store.now())])
        }
    }

    /// Every stored profile's definition, by name.
    public func verifierProfiles() throws(StoreError) -> [(name: String, definition: String)] {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("SELECT name, definition FROM verifier_profiles ORDER BY name").map { ($0[0].text ?? "", $0[1].text ?? "") }
        }
    }

    public func verifierProfile(named name: String) throws(StoreError) -> String? {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("SELECT definition FROM verifier_profiles WHERE name = ?", [.text(name)]).first?.first?.text
        }
    }

    /// Deletes a stored profile; false if there was none.
    public func deleteVerifierProfile(named name: String) throws(StoreError) -> Bool {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("DELETE FROM verifier_profiles WHERE name = ?", [.text(name)])
            return db.changes > 0
        }
    }
}
