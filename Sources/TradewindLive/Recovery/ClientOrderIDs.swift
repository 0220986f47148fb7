/// Client order ids for a live bot: deterministic, unique across restarts, and valid for venues'
/// id rules (Binance: `^[\.A-Z\:/a-z0-9_-]{1,36}$`).
///
/// `<bot>-<incarnation>-<sequence>`: the bot's name reduced to the allowed characters (at most 16),
/// the incarnation (how many times the bot has started, from its journal) and the strategy's
/// own order sequence (the incarnation in base 36, the sequence in decimal, as the engine numbers orders). The id of an order is fixed when its intent is written to
/// the journal, before it is sent, so a retried or replayed submission carries the same id and
/// the venue refuses a second order with it; a restart starts a new incarnation, so ids never
/// repeat across runs.
public struct ClientOrderIDs: Sendable, Equatable {
    public let prefix: String

    public init(bot: String, incarnation: Int) {
        let allowed = bot.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == ".") ? c : "_"
        }
        let name = String(allowed.prefix(16))
        prefix = "\(name.isEmpty ? "bot" : name)-\(String(incarnation, radix: 36))-"
    }

    /// The id of the bot's `sequence`-th order (from 1) in this incarnation.
    public func id(_ sequence: Int) -> String { prefix + String(sequence) }

    /// The prefix a trading engine numbers orders after (`<prefix>-<n>`, the same ids as ``id(_:)``).
    public var enginePrefix: String { String(prefix.dropLast()) }

    /// Whether an id was made by this bot (any incarnation): `<bot>-…`.
    public func belongsToBot(_ id: String) -> Bool {
        let bot = prefix.split(separator: "-").first.map(String.init) ?? ""
        return id.hasPrefix(bot + "-")
    }

    /// Whether an id is acceptable to Binance.
    public static func isValidForBinance(_ id: String) -> Bool {
        guard (1...36).contains(id.count) else { return false }
        return id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".:/_-".contains($0)) }
    }
}
