import Foundation
public import TradewindCore
public import TradewindStorage

/// Backtest against live: a bot's journal (its orders, fills and the bars it saw) beside a
/// backtest of the same bars with the same strategy, parameters and fee model. Orders are paired
/// by the bar that caused them (instrument, side, bar close); each difference gets its likely
/// cause. Pure: the CLI runs the backtest and hands both sides in.
public struct DivergenceReport: Sendable, Codable {
    public struct OrderSide_: Sendable, Codable {
        public var clientOrderID: String
        public var quantity: String
        public var filled: String
        public var averagePrice: Double?
        public var fees: String
        public var fills: Int
        public var firstFillTime: String?
        public var status: String
    }

    public struct Row: Sendable, Codable {
        public var barClose: String
        public var instrument: String
        public var side: String
        public var live: OrderSide_?
        public var backtest: OrderSide_?
        /// Live minus backtest average price (positive: live paid more).
        public var priceDifference: Double?
        public var causes: [String]
    }

    public var bot: String
    public var from: String
    public var to: String
    public var rows: [Row]
    public var liveOrders: Int
    public var backtestOrders: Int
    public var matched: Int
    public var liveFees: String
    public var backtestFees: String
    /// Cash flow of the period's fills plus the net quantity they traded, marked at the period's last close.
    public var livePnL: String
    public var backtestPnL: String
    public var missedBars: Int

    /// Orders identical on both sides (same quantity filled at the same price and fees).
    public var identical: Int { rows.filter { $0.causes.isEmpty }.count }
}

public enum Divergence {
    struct Side {
        var id: String
        var instrument: InstrumentID
        var side: OrderSide
        var quantity: Quantity
        var decision: Timestamp
        var fills: [(quantity: Quantity, price: Price, fee: Money, time: Timestamp)] = []
        var status = "open"
        var reason: String?
    }

    /// The bars a bot saw (warm-up and live, each once, in time order per instrument), for the
    /// backtest side, and the close of its first live bar.
    public static func bars(in rows: [BotEventRecord], instruments: [Instrument]) throws -> (series: [[Bar]], firstLive: Timestamp?) {
        var byInstrument = Array(repeating: [Int64: Bar](), count: instruments.count)
        var firstLive: Timestamp?
        for row in rows where row.kind == MarketBarRecord.kind {
            let record = try MarketBarRecord(payload: row.payload)
            guard record.instrument < instruments.count else { continue }
            byInstrument[record.instrument][record.openTime] = try record.bar(pricePrecision: instruments[record.instrument].pricePrecision)
            if !record.warmup && firstLive == nil { firstLive = Timestamp(nanosecondsSinceEpoch: record.closeTime) }
        }
        return (byInstrument.map { $0.values.sorted { $0.openTime < $1.openTime } }, firstLive)
    }

    public static func compare(bot: String, rows: [BotEventRecord], instruments: [Instrument], backtestOrders: [Order], backtestFills: [Fill],
                               from: Timestamp, to: Timestamp) throws -> DivergenceReport {
        // Live orders, each stamped with the bar that caused it (the bar row precedes its intents);
        // the bars seen live, and each instrument's latest close in the period to mark PnL at.
        var live: [String: Side] = [:]
        var order: [String] = []
        var lastClose: [InstrumentID: Timestamp] = [:]
        var lastBar = Timestamp.epoch
        var liveBars: Set<String> = []
        var marks: [InstrumentID: (time: Timestamp, price: Price)] = [:]
        for row in rows {
            if row.kind == MarketBarRecord.kind {
                let record = try MarketBarRecord(payload: row.payload)
                guard record.instrument < instruments.count else { continue }
                let instrument = instruments[record.instrument]
                lastBar = Timestamp(nanosecondsSinceEpoch: record.closeTime)
                lastClose[instrument.id] = lastBar
                if !record.warmup { liveBars.insert("\(instrument.id)@\(record.closeTime)") }
                if lastBar <= to, marks[instrument.id].map({ $0.time < lastBar }) ?? true {
                    marks[instrument.id] = (lastBar, try Price(parsing: record.close, precision: instrument.pricePrecision))
                }
                continue
            }
            guard let event = try JournalEvent(kind: row.kind, payload: row.payload) else { continue }
            switch event {
            case .intent(let id, let instrument, let side, let quantity):
                guard live[id] == nil else { continue }
                live[id] = Side(id: id, instrument: instrument, side: side, quantity: quantity, decision: lastClose[instrument] ?? lastBar)
                order.append(id)
            case .fill(let id, _, let quantity, let price, let fee, let time):
                live[id]?.fills.append((quantity, price, fee, time))
            case .finished(let id, let status, let reason):
                live[id]?.status = status.rawValue
                live[id]?.reason = reason
            case .accepted(let id, _):
                if live[id]?.status == "open" { live[id]?.status = "accepted" }
            }
        }
        let fillsByOrder = Dictionary(grouping: backtestFills, by: \.orderID)
        let backtest = backtestOrders.filter { $0.status != .denied }.map { order -> Side in
            var side = Side(id: order.id.value, instrument: order.instrumentID, side: order.side, quantity: order.quantity, decision: order.createdAt)
            side.fills = (fillsByOrder[order.id] ?? []).map { ($0.quantity, $0.price, $0.fee, $0.timestamp) }
            side.status = order.status.rawValue
            side.reason = order.reason
            return side
        }
        let inPeriod = { (side: Side) in side.decision >= from && side.decision <= to }
        var unmatchedLive = order.compactMap { live[$0] }.filter(inPeriod)
        var rows: [DivergenceReport.Row] = []
        var missed = 0
        for bt in backtest.filter(inPeriod) {
            let key = "\(bt.instrument)@\(bt.decision.nanosecondsSinceEpoch)"
            if let index = unmatchedLive.firstIndex(where: { $0.instrument == bt.instrument && $0.side == bt.side && $0.decision == bt.decision }) {
                let lv = unmatchedLive.remove(at: index)
                rows.append(row(live: lv, backtest: bt))
            } else {
                let seen = liveBars.contains(key)
                if !seen { missed += 1 }
                rows.append(DivergenceReport.Row(
                    barClose: bt.decision.description, instrument: bt.instrument.description, side: bt.side.rawValue, live: nil, backtest: summary(bt),
                    priceDifference: nil,
                    causes: [seen ? "strategy decided differently live (its state differed, e.g. after a rejected order or a restart)"
                                  : "missed bar: the bot did not see the bar closing at \(bt.decision) live (down, restarting or a feed gap)"]))
            }
        }
        for lv in unmatchedLive {
            rows.append(DivergenceReport.Row(barClose: lv.decision.description, instrument: lv.instrument.description, side: lv.side.rawValue,
                                             live: summary(lv), backtest: nil, priceDifference: nil,
                                             causes: ["live only: the backtest placed no such order at this bar (state differed, e.g. after a restart's warm-up)"]))
        }
        rows.sort { ($0.barClose, $0.instrument, $0.side) < ($1.barClose, $1.instrument, $1.side) }
        let liveSides = order.compactMap { live[$0] }.filter(inPeriod), backtestSides = backtest.filter(inPeriod)
        return DivergenceReport(
            bot: bot, from: from.description, to: to.description, rows: rows, liveOrders: liveSides.count, backtestOrders: backtestSides.count,
            matched: rows.filter { $0.live != nil && $0.backtest != nil }.count,
            liveFees: fees(liveSides).formatted(places: 2), backtestFees: fees(backtestSides).formatted(places: 2),
            livePnL: pnl(liveSides, marks: marks.mapValues(\.price)).formatted(places: 2),
            backtestPnL: pnl(backtestSides, marks: marks.mapValues(\.price)).formatted(places: 2),
            missedBars: missed)
    }

    static func row(live: Side, backtest: Side) -> DivergenceReport.Row {
        var causes: [String] = []
        let livePrice = average(live), backtestPrice = average(backtest)
        if live.status == "rejected" { causes.append("rejected live: \(live.reason ?? "no reason given")") }
        if backtest.status == "rejected" { causes.append("rejected in the backtest: \(backtest.reason ?? "no reason given")") }
        let liveFilled = filled(live), backtestFilled = filled(backtest)
        if !live.fills.isEmpty && (live.fills.count > 1 || liveFilled < live.quantity) {
            if liveFilled != backtestFilled || live.fills.count != backtest.fills.count {
                causes.append("partial fill: live filled \(liveFilled) of \(live.quantity) in \(live.fills.count) fill(s), the backtest \(backtestFilled) in \(backtest.fills.count)")
            }
        } else if liveFilled != backtestFilled {
            causes.append("filled quantity: live \(liveFilled), backtest \(backtestFilled)")
        }
        if let livePrice, let backtestPrice, abs(livePrice - backtestPrice) > 1e-12 {
            let liveTime = live.fills.first?.time, backtestTime = backtest.fills.first?.time
            let worse = live.side == .buy ? livePrice > backtestPrice : livePrice < backtestPrice
            if let liveTime, let backtestTime, liveTime != backtestTime {
                let seconds = Double((liveTime - backtestTime).nanoseconds) / 1e9
                causes.append(String(format: "latency: live filled %.3f s %@ the backtest's fill, at a %@ price", abs(seconds),
                                     seconds >= 0 ? "after" : "before", worse ? "worse" : "better"))
            } else {
                causes.append(String(format: "slippage: live price %@ by %.6g", worse ? "worse" : "better", abs(livePrice - backtestPrice)))
            }
        }
        if fees([live]) != fees([backtest]) {
            causes.append("fees: live \(fees([live]).formatted(places: 4)), backtest model \(fees([backtest]).formatted(places: 4))")
        }
        return DivergenceReport.Row(barClose: live.decision.description, instrument: live.instrument.description, side: live.side.rawValue,
                                    live: summary(live), backtest: summary(backtest),
                                    priceDifference: livePrice.flatMap { l in backtestPrice.map { l - $0 } }, causes: causes)
    }

    static func summary(_ side: Side) -> DivergenceReport.OrderSide_ {
        DivergenceReport.OrderSide_(clientOrderID: side.id, quantity: side.quantity.description, filled: filled(side).description,
                                    averagePrice: average(side), fees: fees([side]).formatted(places: 4), fills: side.fills.count,
                                    firstFillTime: side.fills.first.map { $0.time.description }, status: side.status)
    }

    static func filled(_ side: Side) -> Quantity { side.fills.reduce(.zero(precision: side.quantity.precision)) { $0 + $1.quantity } }

    static func average(_ side: Side) -> Double? {
        let quantity = side.fills.reduce(0.0) { $0 + $1.quantity.doubleValue }
        guard quantity > 0 else { return nil }
        return side.fills.reduce(0.0) { $0 + $1.price.doubleValue * $1.quantity.doubleValue } / quantity
    }

    static func fees(_ sides: [Side]) -> Money { sides.reduce(.zero) { total, side in side.fills.reduce(total) { $0 + $1.fee } } }

    /// Exact: cash flow of the fills, plus the net quantity marked at the last close.
    static func pnl(_ sides: [Side], marks: [InstrumentID: Price]) -> Money {
        var total = Money.zero
        var net: [InstrumentID: Quantity] = [:]
        for side in sides {
            for fill in side.fills {
                let notional = fill.price * fill.quantity
                total = side.side == .buy ? total - notional - fill.fee : total + notional - fill.fee
                let signed = side.side == .buy ? fill.quantity : -fill.quantity
                net[side.instrument] = (net[side.instrument] ?? .zero(precision: signed.precision)) + signed
            }
        }
        for (instrument, quantity) in net { if let mark = marks[instrument] { total = total + mark * quantity } }
        return total
    }
}
