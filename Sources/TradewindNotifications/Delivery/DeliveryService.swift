public import Logging
import Metrics
public import ServiceLifecycle
import Synchronization
public import TradewindAlerts
public import TradewindCore
public import TradewindStorage

/// How notices become messages: batching window, per-channel rate, retries.
public struct DeliverySettings: Sendable, Equatable {
    /// Similar notices within this window are merged into one digest.
    public var batchWindow: TimeSpan
    /// Messages per minute per channel on average, and at once.
    public var perMinute: Double
    public var burst: Int
    /// Attempts per message before it becomes a dead letter.
    public var maxAttempts: Int
    public var retryBase: TimeSpan
    public var retryMaximum: TimeSpan
    /// How often due messages and closed batch windows are looked at.
    public var tick: Duration
    /// The longest one send may take before it counts as failed (and is retried).
    public var sendTimeout: Duration

    public init(batchWindow: TimeSpan = .seconds(60), perMinute: Double = 20, burst: Int = 5, maxAttempts: Int = 5,
                retryBase: TimeSpan = .seconds(2), retryMaximum: TimeSpan = .minutes(5), tick: Duration = .milliseconds(250),
                sendTimeout: Duration = .seconds(30)) {
        self.batchWindow = batchWindow
        self.perMinute = perMinute
        self.burst = burst
        self.maxAttempts = maxAttempts
        self.retryBase = retryBase
        self.retryMaximum = retryMaximum
        self.tick = tick
        self.sendTimeout = sendTimeout
    }
}

/// Takes notices off the trading path's queue and delivers them: batching, routing by severity,
/// a rate limit and a retry schedule per channel, a record of every message.
///
/// Every message is written to the `notifications` table (`pending`) before its first attempt
/// and updated after each (`sent`, `retrying`, `dead`), so a restart resumes what was owed —
/// critical messages included. Delivery is at least once: a crash between a successful send
/// and its record sends that message again after the restart.
public final class DeliveryService: Service, Sendable {
    public let queue: NoticeQueue
    let lanes: [String: ChannelLane]
    let routing: Mutex<AlertRouting>
    let store: any NotificationRepository
    let settings: DeliverySettings
    let logger: Logger
    let now: @Sendable () -> Timestamp
    private let dropped: [Severity: Counter]
    private let lastDrops = Mutex(NoticeQueue.Drops())

    public init(queue: NoticeQueue, channels: [any NotificationChannel], routing: AlertRouting, store: any NotificationRepository,
                settings: DeliverySettings = DeliverySettings(), logger: Logger, now: @escaping @Sendable () -> Timestamp = WallClock.now) {
        self.queue = queue
        self.store = store
        self.settings = settings
        self.logger = logger
        self.now = now
        self.routing = Mutex(routing)
        var lanes: [String: ChannelLane] = [:]
        for (index, channel) in channels.enumerated() {
            lanes[channel.name] = ChannelLane(channel: channel, store: store, settings: settings, seed: UInt64(index + 1), logger: logger, now: now)
        }
        self.lanes = lanes
        dropped = [.info: Counter(label: "tradewind_notifications_dropped_total", dimensions: [("severity", "info")]),
                   .warning: Counter(label: "tradewind_notifications_dropped_total", dimensions: [("severity", "warning")])]
    }

    public var channelNames: [String] { lanes.keys.sorted() }

    /// New routes after a configuration reload.
    public func update(routing new: AlertRouting) { routing.withLock { $0 = new } }

    public func run() async throws {
        await recover()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for lane in lanes.values { group.addTask { await lane.run() } }
                let queue = self.queue, tick = settings.tick
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: tick)
                        queue.wake()
                    }
                }
                var coalescer = Coalescer(window: settings.batchWindow)
                while !Task.isCancelled {
                    let notices = await queue.next()
                    var outgoing = notices.compactMap { coalescer.add($0) }
                    outgoing += coalescer.due(now: now())
                    await accept(outgoing)
                    exportDrops()
                    if queue.isClosed { break }
                }
                // Shutting down: what is queued or held in a batch is recorded and tried once more;
                // what still fails stays recorded for the next start.
                await accept(queue.drain().compactMap { coalescer.add($0) } + coalescer.flush())
                group.cancelAll()
            }
            for lane in lanes.values { await lane.pump(final: true) }
        } onGracefulShutdown: {
            self.queue.close()
        }
    }

    /// Records and hands each notice to the lanes of its channels.
    func accept(_ notices: [Notice]) async {
        guard !notices.isEmpty else { return }
        let routes = routing.withLock { $0 }
        var drafts: [NotificationDraft] = []
        var targets: [(notice: Notice, lane: ChannelLane)] = []
        for notice in notices {
            for name in notice.channels ?? routes.channels(for: notice.severity) {
                guard let lane = lanes[name] else {
                    logger.warning("notice routed to a channel that is not configured", metadata: ["channel": .string(name)])
                    continue
                }
                drafts.append(NotificationDraft(severity: notice.severity.rawValue, category: notice.category, subject: notice.subject,
                                                bot: notice.bot, channel: name, title: notice.title, body: notice.body, alertID: notice.alertID))
                targets.append((notice, lane))
            }
        }
        var ids: [Int64?] = Array(repeating: nil, count: targets.count)
        do {
            ids = try await store.recordNotifications(drafts, now: now()).map(\.id)
        } catch {
            logger.error("notifications could not be recorded; delivering anyway", metadata: ["error": .string("\(error)")])
        }
        var byLane: [ObjectIdentifier: (ChannelLane, [ChannelLane.Item])] = [:]
        for (index, target) in targets.enumerated() {
            let item = ChannelLane.Item(ids: ids[index].map { [$0] } ?? [], notice: target.notice, attempts: 0, notBefore: now())
            byLane[ObjectIdentifier(target.lane), default: (target.lane, [])].1.append(item)
        }
        for (lane, items) in byLane.values { await lane.enqueue(items) }
    }

    /// Picks up what a previous run left pending or retrying.
    func recover() async {
        do {
            let owed = try await store.unfinishedNotifications()
            guard !owed.isEmpty else { return }
            logger.notice("resuming \(owed.count) notification(s) from before the restart")
            for (channel, records) in Dictionary(grouping: owed, by: \.draft.channel) {
                guard let lane = lanes[channel] else {
                    for record in records {
                        try? await store.updateNotification(id: record.id, status: .dead, attempts: record.attempts,
                                                            lastError: "channel \(channel) is no longer configured", nextAttemptAt: nil, now: now())
                    }
                    continue
                }
                await lane.enqueue(records.map { record in
                    let draft = record.draft
                    return ChannelLane.Item(ids: [record.id],
                                            notice: Notice(severity: Severity(rawValue: draft.severity) ?? .warning, category: draft.category,
                                                           subject: draft.subject, bot: draft.bot, title: draft.title, body: draft.body,
                                                           time: record.createdAt, alertID: draft.alertID),
                                            attempts: record.attempts, notBefore: record.nextAttemptAt ?? now())
                })
            }
        } catch {
            logger.error("unfinished notifications could not be read", metadata: ["error": .string("\(error)")])
        }
    }

    private func exportDrops() {
        let drops = queue.drops
        let previous = lastDrops.withLock { last in
            defer { last = drops }
            return last
        }
        if drops.info > previous.info { dropped[.info]?.increment(by: Int64(drops.info - previous.info)) }
        if drops.warning > previous.warning { dropped[.warning]?.increment(by: Int64(drops.warning - previous.warning)) }
    }

    /// Messages waiting per channel (for tests and the status page).
    public func backlog() async -> [String: Int] {
        var result: [String: Int] = [:]
        for (name, lane) in lanes { result[name] = await lane.backlogCount }
        return result
    }
}

/// One channel's outgoing messages: its rate limit, its retry schedule, its pause after a 429.
actor ChannelLane {
    struct Item: Sendable {
        /// The `notifications` rows this message stands for (several once merged).
        var ids: [Int64]
        var notice: Notice
        var attempts: Int
        var notBefore: Timestamp
    }

    let channel: any NotificationChannel
    let store: any NotificationRepository
    let settings: DeliverySettings
    let logger: Logger
    let now: @Sendable () -> Timestamp
    private var budget: SendBudget
    private var backoff: Backoff
    private var pausedUntil: Timestamp?
    private var backlog: [Item] = []
    private let sent: Counter, retried: Counter, dead: Counter, depth: Gauge

    init(channel: any NotificationChannel, store: any NotificationRepository, settings: DeliverySettings, seed: UInt64, logger: Logger,
         now: @escaping @Sendable () -> Timestamp) {
        self.channel = channel
        self.store = store
        self.settings = settings
        self.logger = logger
        self.now = now
        budget = SendBudget(perMinute: settings.perMinute, burst: settings.burst)
        backoff = Backoff(base: settings.retryBase, maximum: settings.retryMaximum, maxAttempts: settings.maxAttempts, seed: seed)
        sent = Counter(label: "tradewind_notifications_total", dimensions: [("channel", channel.name), ("outcome", "sent")])
        retried = Counter(label: "tradewind_notifications_total", dimensions: [("channel", channel.name), ("outcome", "retry")])
        dead = Counter(label: "tradewind_notifications_total", dimensions: [("channel", channel.name), ("outcome", "dead")])
        depth = Gauge(label: "tradewind_notification_backlog", dimensions: [("channel", channel.name)])
    }

    var backlogCount: Int { backlog.count }

    func enqueue(_ items: [Item]) {
        // Critical messages go ahead of everything else waiting.
        let critical = items.filter { $0.notice.severity == .critical }
        let others = items.filter { $0.notice.severity != .critical }
        let firstOrdinary = backlog.firstIndex { $0.notice.severity != .critical } ?? backlog.endIndex
        backlog.insert(contentsOf: critical, at: firstOrdinary)
        backlog.append(contentsOf: others)
        depth.record(backlog.count)
    }

    func run() async {
        while !Task.isCancelled {
            // A send under way finishes and its outcome is recorded even when shutdown cancels
            // this loop; otherwise a sent message could be left `pending` and sent twice.
            await Task { await self.pump(final: false) }.value
            try? await Task.sleep(for: settings.tick)
        }
    }

    /// Sends what is due and allowed by the rate limit. A critical message goes alone; ordinary
    /// ones that are due together go as one message, so a burst costs one unit of the budget.
    /// The `final` pump at shutdown ignores the rate limit but not a retry's back-off: a message
    /// waiting to be retried stays recorded for the next start.
    func pump(final: Bool) async {
        while true {
            let time = now()
            if let pausedUntil, time < pausedUntil, !final { return }
            let due = backlog.indices.filter { backlog[$0].notBefore <= time }
            guard let first = due.first else { return }
            guard budget.take(now: time) || final else { return }
            let group: [Int] = backlog[first].notice.severity == .critical
                ? [first] : Array(due.filter { backlog[$0].notice.severity != .critical }.prefix(100))
            let items = group.map { backlog[$0] }
            let taken = Set(group)
            backlog = backlog.indices.filter { !taken.contains($0) }.map { backlog[$0] }
            let message = items.count == 1 ? items[0].notice : Self.merge(items.map(\.notice))
            let outcome = await attempt(message)
            await settle(items, outcome: outcome, final: final)
            depth.record(backlog.count)
            if final && outcome != nil { return }
        }
    }

    private func attempt(_ notice: Notice) async -> DeliveryError? {
        let channel = self.channel
        let timeout = settings.sendTimeout
        return await withTaskGroup(of: DeliveryError?.self) { group in
            group.addTask {
                do { try await channel.send(notice) } catch { return error as? DeliveryError ?? .retryable("\(error)", retryAfter: nil) }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .retryable("no answer within \(timeout)", retryAfter: nil)
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }

    private func settle(_ items: [Item], outcome: DeliveryError?, final: Bool) async {
        let time = now()
        guard let error = outcome else {
            sent.increment()
            for item in items {
                for id in item.ids {
                    await record(id, .sent, attempts: item.attempts + 1, error: nil, next: nil)
                }
            }
            return
        }
        var retryAfter: TimeSpan?
        if case .retryable(_, let after?) = error {
            retryAfter = after
            pausedUntil = time + after
        }
        var again: [Item] = []
        for var item in items {
            item.attempts += 1
            let permanent = if case .permanent = error { true } else { false }
            if !permanent, let delay = backoff.delay(beforeRetry: item.attempts, retryAfter: retryAfter) {
                item.notBefore = time + delay
                retried.increment()
                for id in item.ids { await record(id, .retrying, attempts: item.attempts, error: error.reason, next: item.notBefore) }
                again.append(item)
            } else {
                dead.increment()
                logger.error("notification undeliverable", metadata: ["channel": .string(channel.name), "title": .string(item.notice.title),
                                                                      "attempts": .stringConvertible(item.attempts), "error": .string(error.reason)])
                for id in item.ids { await record(id, .dead, attempts: item.attempts, error: error.reason, next: nil) }
            }
        }
        if !final { enqueue(again) }
    }

    private func record(_ id: Int64, _ status: NotificationRecord.Status, attempts: Int, error: String?, next: Timestamp?) async {
        do {
            try await store.updateNotification(id: id, status: status, attempts: attempts, lastError: error, nextAttemptAt: next, now: now())
        } catch {
            logger.warning("notification outcome could not be recorded", metadata: ["id": .stringConvertible(id), "error": .string("\(error)")])
        }
    }

    /// Several ordinary notices as one message: "14 notifications: 12 fills, 2 order rejections".
    static func merge(_ notices: [Notice]) -> Notice {
        var counts: [(String, Int)] = []
        for notice in notices {
            if let index = counts.firstIndex(where: { $0.0 == notice.category }) { counts[index].1 += 1 } else { counts.append((notice.category, 1)) }
        }
        let summary = counts.map { "\($0.1) \($0.1 == 1 ? $0.0 : Coalescer.plural($0.0))" }.joined(separator: ", ")
        let shown = notices.prefix(30)
        var body = shown.map { "• " + $0.title }.joined(separator: "\n")
        if notices.count > shown.count { body += "\n• … and \(notices.count - shown.count) more" }
        return Notice(severity: notices.map(\.severity).max() ?? .info, category: "digest", subject: "several",
                      title: "\(notices.count) notifications: \(summary)", body: body, time: notices.last!.time)
    }
}
