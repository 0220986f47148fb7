public import TradewindCore

/// How much a notice matters; decides routing, batching and what a full queue drops first.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case info, warning, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A notice's headline: text, or the values of a fill, formatted only when the delivery service
/// reads it — so a bot reporting a fill pays for a few stored values, not for number formatting.
public enum Headline: Sendable, Equatable {
    case text(String)
    case fill(bought: Bool, quantity: Quantity, symbol: String, price: Price)

    public var text: String {
        switch self {
        case .text(let text): text
        case .fill(let bought, let quantity, let symbol, let price): "\(bought ? "Bought" : "Sold") \(quantity) \(symbol) at \(price)"
        }
    }
}

/// Something an operator should hear about: a fill, a rejection, a risk-state change, a fired
/// alert, a message sent by hand.
///
/// Notices with the same ``topic`` (category, subject and bot) are what batching merges:
/// "12 fills on BTCUSDT in the last 60 s".
public struct Notice: Sendable, Equatable {
    public var severity: Severity
    /// A singular noun for the kind of event (`fill`, `order rejection`, `alert`); its plural
    /// names a digest.
    public var category: String
    /// What the event is about: an instrument, a venue, a bot.
    public var subject: String
    public var bot: String?
    public var headline: Headline
    public var body: String
    public var time: Timestamp
    /// The alert this notice reports, for its history.
    public var alertID: Int64?
    /// Channels to use instead of the severity's route (escalation, `notify send`).
    public var channels: [String]?

    public init(severity: Severity, category: String, subject: String, bot: String? = nil, title: String, body: String = "",
                time: Timestamp, alertID: Int64? = nil, channels: [String]? = nil) {
        self.init(severity: severity, category: category, subject: subject, bot: bot, headline: .text(title), body: body, time: time,
                  alertID: alertID, channels: channels)
    }

    public init(severity: Severity, category: String, subject: String, bot: String? = nil, headline: Headline, body: String = "",
                time: Timestamp, alertID: Int64? = nil, channels: [String]? = nil) {
        self.severity = severity
        self.category = category
        self.subject = subject
        self.bot = bot
        self.headline = headline
        self.body = body
        self.time = time
        self.alertID = alertID
        self.channels = channels
    }

    /// The headline as text.
    public var title: String { headline.text }

    /// What batching groups on.
    public var topic: String { category + "\u{1F}" + subject + "\u{1F}" + (bot ?? "") }
}

/// Where the trading path hands its notices: it must return at once, whatever happens after.
public protocol NoticeSink: Sendable {
    /// Accepts or drops the notice without waiting; `false` when it was dropped.
    @discardableResult
    func offer(_ notice: Notice) -> Bool
}
