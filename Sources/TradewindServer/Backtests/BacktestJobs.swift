import Foundation
public import Logging
public import ServiceLifecycle
import TradewindAnalytics
import TradewindCore
import TradewindLive
import TradewindMarketData
import TradewindResearch
import TradewindSimulation
public import TradewindStorage
import TradewindStrategy

/// What `POST /api/v1/backtests` takes: a strategy, its parameters, and a stored series
/// (import data with `tradewind data import` first; the server reads no client-named files).
struct BacktestSubmission: Codable, Sendable {
    var strategy: String
    var parameters: [String: String]?
    /// `SYMBOL.VENUE` of a stored instrument.
    var instrument: String
    var timeframe: String?
    var from: String?
    var to: String?
    var startingCash: String?
    /// Rate per trade, maker and taker alike (0.001 = 0.1 %).
    var commission: String?

    /// Every problem at once, as the CLI would report them.
    func validated(store: any Store) async throws -> (BacktestRequest, BarSeries) {
        var problems: [JSONDetails] = []
        func problem(_ field: String, _ reason: String) {
            problems.append(.object(["field": .string(field), "reason": .string(reason)]))
        }
        let strategyType: (any Strategy.Type)?
        do { strategyType = try StrategyCatalog.strategy(named: strategy) } catch {
            strategyType = nil
            problem("strategy", "\(error)")
        }
        let given = (parameters ?? [:]).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        if let strategyType {
            do { _ = try ParameterValues.resolve(given, against: strategyType.parameterSpecification) } catch { problem("parameters", "\(error)") }
        }
        let cash = Self.parse("starting_cash", startingCash ?? "100000", problem) { try Money(parsing: $0) }
        let rate = Self.parse("commission", commission ?? "0", problem) { try Rate(parsing: $0) }
        var id: InstrumentID?
        if let dot = instrument.lastIndex(of: "."), dot != instrument.startIndex, instrument.index(after: dot) != instrument.endIndex {
            id = InstrumentID(symbol: String(instrument[..<dot]), venue: String(instrument[instrument.index(after: dot)...]))
        } else {
            problem("instrument", "must be SYMBOL.VENUE of a stored instrument (GET /api/v1/data/instruments)")
        }
        let fromTime = Self.parse("from", from, problem) { try ResearchRoutes.time($0, field: "from")! }
        let toTime = Self.parse("to", to, problem) { try ResearchRoutes.time($0, field: "to")! }
        var series: BarSeries?
        let frame = timeframe ?? "1d"
        if let id {
            if let stored = try await store.instrument(id) {
                let bars = try await store.candles(instrument: id, timeframe: frame, from: fromTime, to: toTime)
                if bars.isEmpty { problem("timeframe", "no \(frame) bars of \(id) stored in that range") }
                else { series = BarSeries(instrument: stored.instrument, bars: bars, interval: BarInterval(timeframe: frame)) }
            } else {
                problem("instrument", "\(id) is not stored (import it with `tradewind data import`)")
            }
        }
        guard problems.isEmpty, let series, let cash, let rate else { throw APIError.invalid("the backtest cannot run", details: .array(problems)) }
        let request = BacktestRequest(dataPaths: [], strategyName: strategy, parameters: given, startingCash: cash,
                                      execution: ExecutionSettings(fees: FeeModel(rate: rate)), series: [series])
        return (request, series)
    }

    static func parse<T>(_ field: String, _ text: String?, _ problem: (String, String) -> Void, _ make: (String) throws -> T) -> T? {
        guard let text else { return nil }
        do { return try make(text) } catch {
            problem(field, "\(error)")
            return nil
        }
    }
}

/// Runs submitted backtests in the background, a few at a time, and records each result as a
/// stored run. Jobs survive a restart: queued or interrupted ones run again (a backtest is
/// deterministic, so running it twice gives the same result).
public actor BacktestJobRunner: Service {
    let store: any Store
    let hub: EventHub
    let logger: Logger
    let slots: Int
    var active = 0
    var waiting: [Int64] = []

    /// - Parameter slots: jobs run at once; `nil` = one less than the cores (at least one).
    public init(store: any Store, hub: EventHub, logger: Logger, slots: Int? = nil) {
        self.store = store
        self.hub = hub
        self.logger = logger
        self.slots = slots ?? max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
    }

    public func run() async throws {
        for job in try await store.backtestJobs(limit: 10_000).reversed() where job.status == "queued" || job.status == "running" {
            enqueue(job.id)
        }
        try? await gracefulShutdown()
    }

    func enqueue(_ id: Int64) {
        waiting.append(id)
        startWaiting()
    }

    private func startWaiting() {
        while active < slots, !waiting.isEmpty {
            let id = waiting.removeFirst()
            active += 1
            Task { await self.execute(id) }
        }
    }

    private func execute(_ id: Int64) async {
        defer {
            active -= 1
            startWaiting()
        }
        do {
            guard let job = try await store.backtestJob(id: id) else { return }
            try await store.updateBacktestJob(id: id, status: "running", runID: nil, error: nil, now: WallClock.now())
            publish(job, status: "running")
            let submission = try JSONDecoder().decode(BacktestSubmission.self, from: Data(job.request.utf8))
            let (request, series) = try await submission.validated(store: store)
            let report = try await Task.detached(priority: .utility) { try Tradewind.runBacktest(request) }.value
            let results = report.json.rendered(indent: 2)
            let runID = try await store.record(BacktestRunRecord(
                createdAt: WallClock.now(), strategy: report.result.strategyName, parameters: report.result.parameters,
                dataDescription: "\(series.instrument.id) \(submission.timeframe ?? "1d") (job \(id))", dataHash: "job-\(id)",
                finalEquity: report.result.finalEquity, tradeCount: report.metrics.tradeCount, results: results))
            try await store.updateBacktestJob(id: id, status: "succeeded", runID: runID, error: nil, now: WallClock.now())
            publish(job, status: "succeeded")
        } catch {
            let message = (error as? APIError).map { $0.message + ($0.details.map { " \($0)" } ?? "") } ?? "\(error)"
            logger.warning("backtest job failed", metadata: ["job": .stringConvertible(id), "error": .string(message)])
            try? await store.updateBacktestJob(id: id, status: "failed", runID: nil, error: message, now: WallClock.now())
            if let job = try? await store.backtestJob(id: id) { publish(job, status: "failed") }
        }
    }

    private func publish(_ job: BacktestJobRecord, status: String) {
        hub.publish(StreamEvent(type: "backtest", bot: nil, owner: job.submittedBy,
                                data: "{\"id\":\(job.id),\"status\":\"\(status)\"}", time: WallClock.now().iso8601))
    }
}
