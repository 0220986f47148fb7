import TradewindCore

/// Reads the flat JSON objects a bot's journal holds (``JournalJSON``'s, or `JSONEncoder`'s for
/// the same values) with TradewindCore's exact parser (`JSONValue.parse`) instead of Foundation's
/// decoder. A restart reads every order's entries, and `JSONDecoder` (a container per object, a
/// box per value) was two thirds of its time.
///
/// An entry is taken only where `JSONDecoder` is sure to read the same: a flat object of strings,
/// integers, `true`, `false` and `null`, each key once. Anything else (a nested value, a fraction
/// or an exponent, a repeated key, text that is not valid JSON) gives `nil`, and the caller
/// decodes with `JSONDecoder`, whose answer or error stands: this reader only ever agrees with it
/// or steps aside.
enum JournalJSONReader {
    /// The entry as an object, or `nil` if it is anything but the flat object described above.
    static func members(of text: String) -> JSONValue? {
        guard let object = try? JSONValue.parse(Array(text.utf8)), case .object(let members) = object else { return nil }
        for (position, (key, value)) in members.enumerated() {
            // A repeated key is left to `JSONDecoder` to judge (a dozen keys at most: no set needed).
            guard !members[..<position].contains(where: { $0.0 == key }) else { return nil }
            switch value {
            case .string, .bool, .null: continue
            case .number(let text) where Int64(text) != nil: continue
            default: return nil
            }
        }
        return object
    }

    /// A member that must be a string: `nil` when absent or of another type.
    static func string(_ members: JSONValue, _ key: String) -> String? {
        members[key]?.stringValue
    }

    /// An optional string member: `.some(nil)` when absent or null, `nil` when of another type.
    static func optionalString(_ members: JSONValue, _ key: String) -> String?? {
        switch members[key] {
        case nil, .null?: .some(nil)
        case .string(let text)?: .some(text)
        default: nil
        }
    }

    /// An optional integer member: `.some(nil)` when absent or null, `nil` when of another type.
    static func optionalInteger(_ members: JSONValue, _ key: String) -> Int64?? {
        switch members[key] {
        case nil, .null?: .some(nil)
        case .number(let text)?: Int64(text).map { .some($0) }
        default: nil
        }
    }
}
