import Foundation
public import Logging
public import TradewindCore
import TradewindStorage

/// Binance spot, through its documented REST API and user-data stream.
///
/// - Orders: `POST /api/v3/order` with the bot's client order id as `newClientOrderId` and
///   `newOrderRespType=FULL`; a new order is never retried blindly: if its outcome is unknown
///   (timeout, 5xx, -1006/-1007) the adapter looks it up by client order id first.
/// - Updates: a listen key (`POST /api/v3/userDataStream`, kept alive with `PUT` every
///   `keepAlive`) and the `executionReport` events of `<stream>/ws/<listenKey>`. After a dropped
///   stream the adapter reconnects and back-fills: every order it still tracks is looked up, with
///   its trades, and the updates are emitted again (the bot counts each trade id once).
/// - Holdings: `GET /api/v3/account`, the base asset's free + locked balance.
///
/// Fees are reported in the quote asset: a commission charged in the base asset is converted at
/// the fill price; one charged in a third asset (BNB) is converted only if that asset is the quote.
public actor BinanceSpotAdapter: VenueAdapter {
    public nonisolated let name = "binance"
    public nonisolated let updates: AsyncStream<VenueUpdate>
    private let continuation: AsyncStream<VenueUpdate>.Continuation
    public nonisolated let rest: BinanceRESTClient
    private let endpoint: BinanceEndpoint
    private let keepAlive: TimeSpan
    private let logger: Logger
    private var instruments: [String: Instrument] = [:]
    /// Orders placed and not yet seen to finish: symbol and Binance order id, for back-fill.
    private var tracked: [String: (symbol: String, venueOrderID: String?)] = [:]
    private var listenKey: String?
    private var tasks: [Task<Void, Never>] = []
    /// How many times the user-data stream (re)connected.
    public private(set) var streamConnections = 0
    public private(set) var keepAlives = 0

    public init(endpoint: BinanceEndpoint, keepAlive: TimeSpan = .minutes(30), logger: Logger = Logger(label: "tradewind.binance")) {
        self.endpoint = endpoint
        self.rest = BinanceRESTClient(endpoint: endpoint)
        self.keepAlive = keepAlive
        self.logger = logger
        (updates, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    public func connect(instruments: [Instrument]) async throws(VenueError) {
        for instrument in instruments { self.instruments[instrument.id.symbol] = instrument }
        try await rest.synchroniseClock()
        let key = try await newListenKey()
        listenKey = key
        let base = endpoint.streamBase
        let logger = logger
        let stream = Task { [weak self] in
            await keepStreaming(url: { [weak self] in
                guard let self else { throw CancellationError() }
                return base + "/ws/" + (try await self.currentListenKey())
            }, venue: "binance", stream: "user-data", logger: logger, onConnect: { [weak self] in
                await self?.streamConnected()
            }, onText: { [weak self] text in
                await self?.receive(text)
            })
        }
        let renew = Task { [weak self, keepAlive] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(max(1_000_000, keepAlive.nanoseconds)))
                if Task.isCancelled { return }
                await self?.renewListenKey()
            }
        }
        tasks = [stream, renew]
    }

    public func place(_ request: VenueOrderRequest) async throws(VenueError) -> [VenueUpdate] {
        let symbol = request.instrument.id.symbol
        var parameters: [(String, String)] = [("symbol", symbol), ("side", request.side == .buy ? "BUY" : "SELL")]
        switch request.type {
        case .market:
            parameters.append(("type", "MARKET"))
        case .limit(let price):
            if request.postOnly {
                parameters.append(("type", "LIMIT_MAKER"))
            } else {
                parameters.append(("type", "LIMIT"))
                parameters.append(("timeInForce", try Self.timeInForce(request.timeInForce)))
            }
            parameters.append(("price", price.description))
        case .stopLimit(let trigger, let limit):
            parameters += [("type", "STOP_LOSS_LIMIT"), ("timeInForce", try Self.timeInForce(request.timeInForce)),
                           ("price", limit.description), ("stopPrice", trigger.description)]
        default:
            throw .unsupported("order type \(request.type) on Binance spot (market, limit, post-only limit and stop-limit are)")
        }
        parameters += [("quantity", request.quantity.description), ("newClientOrderId", request.clientOrderID),
                       ("newOrderRespType", "FULL")]
        tracked[request.clientOrderID] = (symbol, nil)
        let body: Data
        do {
            body = try await rest.call(.post, "/api/v3/order", parameters, signed: true, weight: 1, mayRetry: false)
        } catch .unknownOutcome(let text) {
            return try await resolveUnknownOutcome(request, text)
        } catch {
            tracked[request.clientOrderID] = nil
            throw error
        }
        // The venue accepted the order: an answer we cannot read is an unknown outcome, never a rejection.
        guard let fields = JSONFields(body) else { throw .unknownOutcome("POST /api/v3/order: unreadable answer") }
        do {
            return try orderUpdates(fields, instrument: request.instrument)
        } catch {
            throw .unknownOutcome("POST /api/v3/order succeeded but its answer could not be read: \(error)")
        }
    }

    /// After a timeout or 5xx on a new order: the order is looked up by its client order id
    /// (twice, a second apart, for an order still in flight). Found: its state is the answer.
    /// Not found: it never reached the matching engine, so it is reported rejected.
    private func resolveUnknownOutcome(_ request: VenueOrderRequest, _ text: String) async throws(VenueError) -> [VenueUpdate] {
        for attempt in 0..<2 {
            if attempt > 0 { try? await Task.sleep(nanoseconds: 1_000_000_000) }
            if let found = try await orderFields(clientOrderID: request.clientOrderID, symbol: request.instrument.id.symbol) {
                var updates = try orderUpdates(found, instrument: request.instrument)
                updates += try await trades(ofOrder: found, instrument: request.instrument)
                return updates
            }
        }
        tracked[request.clientOrderID] = nil
        return [VenueUpdate(clientOrderID: request.clientOrderID, kind: .rejected(reason: "not found at the venue after: \(text)"),
                            time: WallClock.now())]
    }

    public func cancel(clientOrderID: String, instrument: Instrument) async throws(VenueError) -> [VenueUpdate] {
        do {
            let body = try await rest.call(.delete, "/api/v3/order", [("symbol", instrument.id.symbol), ("origClientOrderId", clientOrderID)],
                                           signed: true, weight: 1, mayRetry: true)
            guard let fields = JSONFields(body) else { return [] }
            return try orderUpdates(fields, instrument: instrument)
        } catch .rejected(let text) where text.contains("-2011") {
            // Unknown order: it finished before the cancel arrived; its end comes on the stream.
            return []
        }
    }

    public func order(clientOrderID: String, instrument: Instrument) async throws(VenueError) -> Reconciliation.VenueOrder? {
        guard let fields = try await orderFields(clientOrderID: clientOrderID, symbol: instrument.id.symbol) else { return nil }
        return try venueOrder(fields, instrument: instrument)
    }

    public func openOrders(instrument: Instrument) async throws(VenueError) -> [Reconciliation.VenueOrder] {
        let body = try await rest.call(.get, "/api/v3/openOrders", [("symbol", instrument.id.symbol)], signed: true, weight: 6, mayRetry: true)
        guard let list = try? JSONSerialization.jsonObject(with: body) as? [[String: Any]] else { throw .unavailable("openOrders: unreadable answer") }
        var orders: [Reconciliation.VenueOrder] = []
        for object in list { orders.append(try venueOrder(JSONFields(object), instrument: instrument)) }
        return orders
    }

    public func fills(instrument: Instrument, since: Timestamp) async throws(VenueError) -> [Reconciliation.VenueFill] {
        let start = String(since.nanosecondsSinceEpoch / 1_000_000)
        let ordersBody = try await rest.call(.get, "/api/v3/allOrders", [("symbol", instrument.id.symbol), ("startTime", start)],
                                             signed: true, weight: 20, mayRetry: true)
        let tradesBody = try await rest.call(.get, "/api/v3/myTrades", [("symbol", instrument.id.symbol), ("startTime", start)],
                                             signed: true, weight: 20, mayRetry: true)
        guard let orders = try? JSONSerialization.jsonObject(with: ordersBody) as? [[String: Any]],
              let trades = try? JSONSerialization.jsonObject(with: tradesBody) as? [[String: Any]] else {
            throw .unavailable("allOrders/myTrades: unreadable answer")
        }
        var clientIDs: [String: String] = [:]
        for order in orders.map(JSONFields.init) {
            if let id = order.string("orderId"), let client = order.string("clientOrderId") { clientIDs[id] = client }
        }
        var fills: [Reconciliation.VenueFill] = []
        for trade in trades.map(JSONFields.init) {
            guard let orderID = trade.string("orderId"), let client = clientIDs[orderID] else { continue }
            fills.append(try venueFill(trade, clientOrderID: client, instrument: instrument, tradeKey: "id", quantityKey: "qty", priceKey: "price",
                                       commissionKey: "commission", assetKey: "commissionAsset", timeKey: "time"))
        }
        return fills
    }

    public func position(instrument: Instrument) async throws(VenueError) -> Quantity {
        let body = try await rest.call(.get, "/api/v3/account", [("omitZeroBalances", "false")], signed: true, weight: 20, mayRetry: true)
        guard let account = JSONFields(body), let balances = account.object["balances"] as? [[String: Any]] else {
            throw .unavailable("account: unreadable answer")
        }
        let base = Self.assets(of: instrument.id.symbol).base
        var total = Quantity.zero(precision: instrument.sizePrecision)
        for balance in balances.map(JSONFields.init) where balance.string("asset") == base {
            for key in ["free", "locked"] {
                total = total + (try Self.quantity(balance.string(key), instrument: instrument, field: key))
            }
        }
        return total
    }

    public func close() async {
        for task in tasks { task.cancel() }
        tasks = []
        if let listenKey {
            _ = try? await rest.call(.delete, "/api/v3/userDataStream", [("listenKey", listenKey)], apiKey: true, weight: 2, mayRetry: false)
        }
        continuation.finish()
    }

    // MARK: - User-data stream

    private func newListenKey() async throws(VenueError) -> String {
        let body = try await rest.call(.post, "/api/v3/userDataStream", apiKey: true, weight: 2, mayRetry: true)
        guard let key = JSONFields(body)?.string("listenKey") else { throw .unavailable("userDataStream: no listenKey") }
        return key
    }

    private func currentListenKey() async throws -> String {
        if let listenKey { return listenKey }
        let key = try await newListenKey()
        listenKey = key
        return key
    }

    /// Keeps the listen key valid; an expired one (the venue answers -1125) is replaced, and the
    /// stream picks the new one up when it reconnects.
    private func renewListenKey() async {
        guard let key = listenKey else { return }
        do {
            _ = try await rest.call(.put, "/api/v3/userDataStream", [("listenKey", key)], apiKey: true, weight: 2, mayRetry: true)
            keepAlives += 1
        } catch {
            logger.warning("listen key keep-alive failed, a new key is taken: \(error)")
            listenKey = nil
        }
    }

    /// On every (re)connection: whatever happened while the stream was down is fetched by REST.
    private func streamConnected() async {
        streamConnections += 1
        guard streamConnections > 1 else { return }
        for (clientOrderID, order) in tracked {
            guard let instrument = instruments[order.symbol] else { continue }
            do {
                guard let fields = try await orderFields(clientOrderID: clientOrderID, symbol: order.symbol) else { continue }
                var updates = try orderUpdates(fields, instrument: instrument)
                updates += try await trades(ofOrder: fields, instrument: instrument)
                for update in updates { continuation.yield(update) }
            } catch {
                logger.warning("back-fill of \(clientOrderID) failed: \(error)")
            }
        }
    }

    private func receive(_ text: String) {
        guard var fields = JSONFields(Data(text.utf8)) else { return }
        // The WebSocket API wraps events as {"subscriptionId": …, "event": {…}}.
        if let inner = fields.object["event"] as? [String: Any] { fields = JSONFields(inner) }
        guard fields.string("e") == "executionReport", let symbol = fields.string("s"), let instrument = instruments[symbol] else { return }
        // A cancel carries the cancelled order's id in "C".
        let execution = fields.string("x") ?? ""
        guard let clientOrderID = execution == "CANCELED" ? (fields.string("C").flatMap { $0.isEmpty ? nil : $0 } ?? fields.string("c"))
                                                          : fields.string("c") else { return }
        let time = fields.millis("T") ?? fields.millis("E") ?? WallClock.now()
        var update: VenueUpdate.Kind?
        switch execution {
        case "NEW": update = fields.string("i").map { .accepted(venueOrderID: $0) }
        case "TRADE":
            update = try? .fill(venueFill(fields, clientOrderID: clientOrderID, instrument: instrument, tradeKey: "t", quantityKey: "l",
                                          priceKey: "L", commissionKey: "n", assetKey: "N", timeKey: "T"))
        case "CANCELED": update = .canceled
        case "EXPIRED", "TRADE_PREVENTION": update = .expired
        case "REJECTED": update = .rejected(reason: fields.string("r") ?? "rejected")
        default: update = nil
        }
        if let update { continuation.yield(VenueUpdate(clientOrderID: clientOrderID, kind: update, time: time)) }
        if ["FILLED", "CANCELED", "EXPIRED", "REJECTED", "EXPIRED_IN_MATCH"].contains(fields.string("X") ?? "") {
            tracked[clientOrderID] = nil
        }
    }

    // MARK: - Translation

    private func orderFields(clientOrderID: String, symbol: String) async throws(VenueError) -> JSONFields? {
        do {
            let body = try await rest.call(.get, "/api/v3/order", [("symbol", symbol), ("origClientOrderId", clientOrderID)],
                                           signed: true, weight: 4, mayRetry: true)
            return JSONFields(body)
        } catch .rejected(let text) where text.contains("-2013") {
            return nil
        }
    }

    private func trades(ofOrder fields: JSONFields, instrument: Instrument) async throws(VenueError) -> [VenueUpdate] {
        guard let orderID = fields.string("orderId"), let client = fields.string("clientOrderId"),
              let executed = fields.string("executedQty"), (try? Quantity(parsing: executed))?.isPositive == true else { return [] }
        let body = try await rest.call(.get, "/api/v3/myTrades", [("symbol", instrument.id.symbol), ("orderId", orderID)],
                                       signed: true, weight: 20, mayRetry: true)
        guard let list = try? JSONSerialization.jsonObject(with: body) as? [[String: Any]] else { return [] }
        var updates: [VenueUpdate] = []
        for trade in list.map(JSONFields.init) {
            let fill = try venueFill(trade, clientOrderID: client, instrument: instrument, tradeKey: "id", quantityKey: "qty", priceKey: "price",
                                     commissionKey: "commission", assetKey: "commissionAsset", timeKey: "time")
            updates.append(VenueUpdate(clientOrderID: client, kind: .fill(fill), time: fill.time))
        }
        return updates
    }

    /// An order answer (`POST`/`GET`/`DELETE /api/v3/order`) as updates: acceptance, the fills
    /// it carries (`FULL` answers), and its end.
    private func orderUpdates(_ fields: JSONFields, instrument: Instrument) throws(VenueError) -> [VenueUpdate] {
        guard let client = fields.string("clientOrderId") ?? fields.string("origClientOrderId"), let orderID = fields.string("orderId") else {
            throw .unavailable("order answer without ids")
        }
        let time = fields.millis("transactTime") ?? fields.millis("updateTime") ?? WallClock.now()
        var updates = [VenueUpdate(clientOrderID: client, kind: .accepted(venueOrderID: orderID), time: time)]
        tracked[client] = (instrument.id.symbol, orderID)
        for fill in (fields.object["fills"] as? [[String: Any]] ?? []).map(JSONFields.init) {
            let venueFill = try venueFill(fill, clientOrderID: client, instrument: instrument, tradeKey: "tradeId", quantityKey: "qty",
                                          priceKey: "price", commissionKey: "commission", assetKey: "commissionAsset", timeKey: nil,
                                          defaultTime: time)
            updates.append(VenueUpdate(clientOrderID: client, kind: .fill(venueFill), time: time))
        }
        switch fields.string("status") ?? "" {
        case "CANCELED":
            updates.append(VenueUpdate(clientOrderID: client, kind: .canceled, time: time))
            tracked[client] = nil
        case "EXPIRED", "EXPIRED_IN_MATCH":
            updates.append(VenueUpdate(clientOrderID: client, kind: .expired, time: time))
            tracked[client] = nil
        case "REJECTED":
            updates.append(VenueUpdate(clientOrderID: client, kind: .rejected(reason: "rejected by the venue"), time: time))
            tracked[client] = nil
        case "FILLED":
            tracked[client] = nil
        default: break
        }
        return updates
    }

    private func venueOrder(_ fields: JSONFields, instrument: Instrument) throws(VenueError) -> Reconciliation.VenueOrder {
        guard let client = fields.string("clientOrderId"), let orderID = fields.string("orderId") else { throw .unavailable("order without ids") }
        let status: OrderStatus = switch fields.string("status") ?? "" {
        case "NEW", "PENDING_NEW": .accepted
        case "PARTIALLY_FILLED": .partiallyFilled
        case "FILLED": .filled
        case "CANCELED", "PENDING_CANCEL": .canceled
        case "EXPIRED", "EXPIRED_IN_MATCH": .expired
        default: .rejected
        }
        return Reconciliation.VenueOrder(
            clientOrderID: client, venueOrderID: orderID, instrument: instrument.id, side: fields.string("side") == "SELL" ? .sell : .buy,
            quantity: try Self.quantity(fields.string("origQty"), instrument: instrument, field: "origQty"), status: status,
            filledQuantity: try Self.quantity(fields.string("executedQty"), instrument: instrument, field: "executedQty"))
    }

    private func venueFill(_ fields: JSONFields, clientOrderID: String, instrument: Instrument, tradeKey: String, quantityKey: String,
                           priceKey: String, commissionKey: String, assetKey: String, timeKey: String?,
                           defaultTime: Timestamp? = nil) throws(VenueError) -> Reconciliation.VenueFill {
        guard let trade = fields.string(tradeKey) else { throw .unavailable("fill without trade id") }
        let quantity = try Self.quantity(fields.string(quantityKey), instrument: instrument, field: quantityKey)
        guard let priceText = fields.string(priceKey), let price = try? Price(parsing: priceText, precision: instrument.pricePrecision) else {
            throw .unavailable("fill \(trade): bad price \(fields.string(priceKey) ?? "nil")")
        }
        let commissionText = fields.string(commissionKey) ?? "0"
        let assets = Self.assets(of: instrument.id.symbol)
        let fee: Money = if fields.string(assetKey) == assets.base, let inBase = try? Quantity(parsing: commissionText) {
            price * inBase
        } else {
            (try? Money(parsing: commissionText)) ?? .zero
        }
        return Reconciliation.VenueFill(tradeID: "\(instrument.id.symbol):\(trade)", clientOrderID: clientOrderID, quantity: quantity, price: price,
                                        fee: fee, time: timeKey.flatMap(fields.millis) ?? defaultTime ?? WallClock.now())
    }

    static func quantity(_ text: String?, instrument: Instrument, field: String) throws(VenueError) -> Quantity {
        guard let text, let value = try? Quantity(parsing: text, precision: instrument.sizePrecision) else {
            throw .unavailable("\(field): \(text ?? "missing") is not a quantity at \(instrument.sizePrecision) decimals")
        }
        return value
    }

    static func timeInForce(_ value: TimeInForce) throws(VenueError) -> String {
        switch value {
        case .gtc: "GTC"
        case .ioc: "IOC"
        case .fok: "FOK"
        default: throw .unsupported("time in force \(value) on Binance spot (GTC, IOC and FOK are)")
        }
    }

    /// `BTCUSDT` → (`BTC`, `USDT`), by the quote assets Binance lists.
    public static func assets(of symbol: String) -> (base: String, quote: String) {
        for quote in ["USDT", "USDC", "FDUSD", "TUSD", "BUSD", "EUR", "TRY", "BRL", "BTC", "ETH", "BNB"] where symbol.hasSuffix(quote) && symbol.count > quote.count {
            return (String(symbol.dropLast(quote.count)), quote)
        }
        return (symbol, "")
    }
}
