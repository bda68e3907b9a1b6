/// The `roleplay_templates` table: prompt templates the role-play tools use in place of their
/// built-in ones. The store keeps the text as given; `DataTools.RoleplayTemplates` checks it.
extension Store {
    /// Every stored template's text and when it was saved, by name.
    package func roleplayTemplates() throws(StoreError) -> [String: (template: String, updatedAt: Double)] {
        try withOpenDatabase { db throws(StoreError) in
            var templates: [String: (template: String, updatedAt: Double)] = [:]
            for row in try db.query("SELECT name, template, updated_at FROM roleplay_templates") {
                templates[row[0].text ?? ""] = (row[1].text ?? "", row[2].real ?? 0)
            }
            return templates
        }
    }

    /// Saves (or replaces) the template called `name`.
    package func saveRoleplayTemplate(name: String, template: String) throws(StoreError) {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("""
                INSERT INTO roleplay_templates (name, template, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at
                """, [.text(name), .text(template), .real(Store.now())])
        }
    }

    /// Deletes the stored template called `name` (the built-in one applies again); false if none.
    package func deleteRoleplayTemplate(named name: String) throws(StoreError) -> Bool {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("DELETE FROM roleplay_templates WHERE name = ?", [.text(name)])
            return db.changes > 0
        }
    }
}
