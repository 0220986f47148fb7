public import Foundation
import Crypto
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
public import TradewindCore

/// A local exchange on loopback that speaks the subset of Binance's spot API that
/// `BinanceSpotAdapter` and `BinanceMarketFeed` use, with Binance's rules where they matter to a
/// client: HMAC-SHA256 signatures over the exact query, `timestamp` within `recvWindow`, request
/// weights with `X-MBX-USED-WEIGHT-1M` and 429/`Retry-After`, the documented error codes, client
/// order ids unique among open orders, listen keys with keep-alive, and `executionReport` /
/// `kline` stream events. Tests drive the market (``publish(_:symbol:)``) and inject faults
/// (``Fault``, ``dropStreams()``). Amounts are `Decimal` (base 10, exact for these magnitudes).
public actor FakeExchange {
    public struct Fault: Sendable {
        public var path: String
        public var status: Int
        public var code: Int
        public var message: String
        public var retryAfter: Int?
        /// The request is carried out before the error is returned (a timeout after the venue
        /// acted): the client cannot know it succeeded.
        public var afterExecuting: Bool

        public init(path: String, status: Int, code: Int, message: String, retryAfter: Int? = nil, afterExecuting: Bool = false) {
            self.path = path
            self.status = status
            self.code = code
            self.message = message
            self.retryAfter = retryAfter
            self.afterExecuting = afterExecuting
        }
    }

    struct FakeOrder {
        var id: Int64
        var symbol: String
        var clientOrderID: String
        var side: String
        var type: String
        var timeInForce: String
        var quantity: Decimal
        var price: Decimal?
        var executed: Decimal = 0
        var quoteExecuted: Decimal = 0
        var status = "NEW"
        var time: Int64
        var updateTime: Int64
    }

    struct FakeTrade {
        var id: Int64
        var orderID: Int64
        var symbol: String
        var price: Decimal
        var quantity: Decimal
        var commission: Decimal
        var time: Int64
        var isBuyer: Bool
        var isMaker: Bool
    }

    public let apiKey: String
    let secret: SymmetricKey
    /// Taker and maker commission, charged in the quote asset.
    public var commissionRate: Decimal = Decimal(string: "0.001")!
    /// A market order is executed as this many trades (partial fills of one order).
    public var marketOrderSlices = 1
    /// Decimals of the symbols' lot step (Binance's LOT_SIZE filter): fills never have more.
    public var quantityDecimals = 5
    /// A resting limit order fills at most this fraction of a bar's volume per bar.
    public var limitFillPerBar: Decimal?
    /// Request weight allowed per minute before 429.
    public var weightLimit = 6_000
    /// Added to the server's clock (to provoke -1021 on a client that did not synchronise).
    public var clockSkewMillis: Int64 = 0
    public private(set) var port = 0
    public private(set) var requestCount: [String: Int] = [:]
    public private(set) var keepAlives = 0
    public private(set) var rejectedSignatures = 0

    var balances: [String: (free: Decimal, locked: Decimal)] = [:]
    var orders: [Int64: FakeOrder] = [:]
    var trades: [FakeTrade] = []
    var lastPrice: [String: Decimal] = [:]
    var klines: [String: [Bar]] = [:]
    var listenKeys: Set<String> = []
    var faults: [Fault] = []
    var nextOrderID: Int64 = 1000
    var nextTradeID: Int64 = 5000
    var weightWindow: (minute: Int64, used: Int) = (0, 0)
    var streams: [Int: (name: String, sink: AsyncStream<String>.Continuation)] = [:]
    var nextStream = 0
    var server: Task<Void, any Error>?

    public init(apiKey: String = "test-key", secret: String = "test-secret", balances: [String: Decimal] = ["USDT": 1_000_000]) {
        self.apiKey = apiKey
        self.secret = SymmetricKey(data: Data(secret.utf8))
        for (asset, amount) in balances { self.balances[asset] = (amount, 0) }
    }

    // MARK: - Test controls

    public func inject(_ fault: Fault) { faults.append(fault) }
    public func set(marketOrderSlices: Int) { self.marketOrderSlices = marketOrderSlices }
    public func set(limitFillPerBar: Decimal?) { self.limitFillPerBar = limitFillPerBar }
    public func set(weightLimit: Int) { self.weightLimit = weightLimit }
    public func set(clockSkewMillis: Int64) { self.clockSkewMillis = clockSkewMillis }

    public func balance(_ asset: String) -> Decimal { (balances[asset]?.free ?? 0) + (balances[asset]?.locked ?? 0) }

    /// Every order: client order id → (status, executed quantity), for assertions.
    public func orderSummary() -> [String: (status: String, executed: Decimal, count: Int)] {
        var result: [String: (String, Decimal, Int)] = [:]
        for order in orders.values {
            let previous = result[order.clientOrderID]
            result[order.clientOrderID] = (order.status, order.executed, (previous?.2 ?? 0) + 1)
        }
        return result
    }

    public func tradeCount() -> Int { trades.count }

    /// Closes every WebSocket connection, as a network failure would.
    public func dropStreams() {
        for (_, stream) in streams { stream.sink.finish() }
        streams = [:]
    }

    public func connectedStreams() -> [String] { streams.values.map(\.name).sorted() }

    /// A bar closes: resting orders match against it, the last price becomes its close, and
    /// subscribers of `<symbol>@kline_*` receive it.
    public func publish(_ bar: Bar, symbol: String, interval: String = "1m") {
        klines[symbol, default: []].append(bar)
        for var order in orders.values.sorted(by: { $0.id < $1.id }) where order.symbol == symbol && (order.status == "NEW" || order.status == "PARTIALLY_FILLED") {
            guard let limit = order.price else { continue }
            let low = Decimal(string: bar.low.description)!, high = Decimal(string: bar.high.description)!
            let touched = order.side == "BUY" ? low <= limit : high >= limit
            guard touched else { continue }
            var quantity = order.quantity - order.executed
            if let cap = limitFillPerBar {
                let volume = Decimal(string: bar.volume.description)! * cap
                quantity = min(quantity, max(volume.rounded(quantityDecimals), 0))
            }
            guard quantity > 0 else { continue }
            execute(&order, quantity: quantity, price: limit, maker: true, time: serverMillis())
            orders[order.id] = order
        }
        lastPrice[symbol] = Decimal(string: bar.close.description)!
        let open = bar.openTime.nanosecondsSinceEpoch / 1_000_000, close = bar.closeTime.nanosecondsSinceEpoch / 1_000_000 - 1
        let event: [String: Any] = ["e": "kline", "E": close + 1, "s": symbol,
                                    "k": ["t": open, "T": close, "s": symbol, "i": interval, "o": bar.open.description, "h": bar.high.description,
                                          "l": bar.low.description, "c": bar.close.description, "v": bar.volume.description, "x": true]]
        push(json(event), to: symbol.lowercased() + "@kline_" + interval)
    }

    // MARK: - Server

    /// Starts listening on 127.0.0.1 (an ephemeral port unless one is given); returns the port.
    @discardableResult
    public func start(port requested: Int = 0) async throws -> Int {
        let router = Router(context: BasicWebSocketRequestContext.self)
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("/api/v3/{endpoint}", method: method) { [self] request, _ in
                var body = try await request.body.collect(upTo: 1 << 20)
                let text = body.readString(length: body.readableBytes) ?? ""
                return await self.handle(method: method.rawValue, path: request.uri.path, query: request.uri.query ?? "", body: text,
                                         apiKey: request.headers[HTTPField.Name("X-MBX-APIKEY")!])
            }
        }
        router.ws("/ws/{name}") { _, _ in .upgrade([:]) } onUpgrade: { [self] _, outbound, context in
            let name = String(context.request.uri.path.dropFirst("/ws/".count))
            guard let messages = await self.openStream(name) else { return }
            for await message in messages { try await outbound.write(.text(message)) }
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
                              configuration: .init(address: .hostname("127.0.0.1", port: requested)),
                              onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) },
                              logger: Logger(label: "fake-exchange", factory: { _ in SwiftLogNoOpLogHandler() }))
        server = Task { try await app.run() }
        for await bound in ready.stream {
            port = bound
            break
        }
        return port
    }

    public func stop() async {
        dropStreams()
        server?.cancel()
        _ = try? await server?.value
    }

    public var restBase: String { "http://127.0.0.1:\(port)" }
    public var streamBase: String { "ws://127.0.0.1:\(port)" }

    func openStream(_ name: String) -> AsyncStream<String>? {
        if !name.contains("@") && !listenKeys.contains(name) { return nil }
        let (stream, sink) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        nextStream += 1
        streams[nextStream] = (name, sink)
        return stream
    }

    func push(_ message: String, to name: String) {
        for (_, stream) in streams where stream.name == name { stream.sink.yield(message) }
    }

    // MARK: - REST

    struct Failure: Error {
        var status: Int
        var code: Int
        var message: String
        var retryAfter: Int? = nil
    }

    static let weights: [String: Int] = ["GET /api/v3/time": 1, "GET /api/v3/klines": 2, "POST /api/v3/order": 1, "DELETE /api/v3/order": 1,
                                         "GET /api/v3/order": 4, "GET /api/v3/openOrders": 6, "GET /api/v3/allOrders": 20,
                                         "GET /api/v3/myTrades": 20, "GET /api/v3/account": 20, "POST /api/v3/userDataStream": 2,
                                         "PUT /api/v3/userDataStream": 2, "DELETE /api/v3/userDataStream": 2]

    func handle(method: String, path: String, query: String, body: String, apiKey: String?) -> Response {
        let route = "\(method) \(path)"
        requestCount[route, default: 0] += 1
        let now = serverMillis()
        let minute = now / 60_000
        if weightWindow.minute != minute { weightWindow = (minute, 0) }
        weightWindow.used += Self.weights[route] ?? 1
        let usedHeader = String(weightWindow.used)
        do {
            guard Self.weights[route] != nil else { throw Failure(status: 404, code: -1000, message: "unknown endpoint \(route)") }
            if weightWindow.used > weightLimit {
                throw Failure(status: 429, code: -1003, message: "Too much request weight used; current limit is \(weightLimit) request weight per 1 MINUTE.",
                              retryAfter: Int(60 - (now / 1000) % 60))
            }
            var fault: Fault?
            if let index = faults.firstIndex(where: { $0.path == route }) { fault = faults.remove(at: index) }
            if let fault, !fault.afterExecuting {
                throw Failure(status: fault.status, code: fault.code, message: fault.message, retryAfter: fault.retryAfter)
            }
            let total = [query, body].filter { !$0.isEmpty }.joined(separator: "&")
            let parameters = Self.parse(total)
            let answer = try route_(route, parameters: parameters, total: total, apiKey: apiKey)
            if let fault { throw Failure(status: fault.status, code: fault.code, message: fault.message, retryAfter: fault.retryAfter) }
            return response(200, answer, used: usedHeader)
        } catch let failure as Failure {
            var response = response(failure.status, json(["code": failure.code, "msg": failure.message]), used: usedHeader)
            if let after = failure.retryAfter { response.headers[HTTPField.Name("Retry-After")!] = String(after) }
            return response
        } catch {
            return response(500, json(["code": -1000, "msg": "\(error)"]), used: usedHeader)
        }
    }

    private func response(_ status: Int, _ text: String, used: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("X-MBX-USED-WEIGHT-1M")!] = used
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func route_(_ route: String, parameters: [String: String], total: String, apiKey: String?) throws -> String {
        switch route {
        case "GET /api/v3/time":
            return json(["serverTime": serverMillis()])
        case "GET /api/v3/klines":
            let symbol = try need(parameters, "symbol")
            let limit = Int(parameters["limit"] ?? "500") ?? 500
            var bars = klines[symbol] ?? []
            if let start = parameters["startTime"].flatMap(Int64.init) {
                bars = bars.filter { $0.openTime.nanosecondsSinceEpoch / 1_000_000 >= start }
                bars = Array(bars.prefix(limit))
            } else {
                bars = Array(bars.suffix(limit))
            }
            let rows: [[Any]] = bars.map { bar in
                [bar.openTime.nanosecondsSinceEpoch / 1_000_000, bar.open.description, bar.high.description, bar.low.description,
                 bar.close.description, bar.volume.description, bar.closeTime.nanosecondsSinceEpoch / 1_000_000 - 1, "0", 0, "0", "0", "0"]
            }
            return json(rows)
        case "POST /api/v3/userDataStream":
            try checkKey(apiKey)
            let key = (0..<60).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! }.map(String.init).joined()
            listenKeys.insert(key)
            return json(["listenKey": key])
        case "PUT /api/v3/userDataStream":
            try checkKey(apiKey)
            guard listenKeys.contains(try need(parameters, "listenKey")) else { throw Failure(status: 400, code: -1125, message: "This listenKey does not exist.") }
            keepAlives += 1
            return "{}"
        case "DELETE /api/v3/userDataStream":
            try checkKey(apiKey)
            listenKeys.remove(parameters["listenKey"] ?? "")
            return "{}"
        default:
            try checkSigned(total, parameters: parameters, apiKey: apiKey)
        }
        if route == "GET /api/v3/account" {
            return json(["balances": balances.keys.sorted().map { ["asset": $0, "free": text(balances[$0]!.free), "locked": text(balances[$0]!.locked)] }])
        }
        let symbol = try need(parameters, "symbol")
        switch route {
        case "POST /api/v3/order": return try newOrder(parameters, symbol: symbol)
        case "DELETE /api/v3/order":
            guard var order = find(parameters, symbol: symbol) else { throw Failure(status: 400, code: -2011, message: "Unknown order sent.") }
            guard order.status == "NEW" || order.status == "PARTIALLY_FILLED" else { throw Failure(status: 400, code: -2011, message: "Unknown order sent.") }
            order.status = "CANCELED"
            order.updateTime = serverMillis()
            release(order)
            orders[order.id] = order
            report(order, execution: "CANCELED", trade: nil)
            var answer = orderJSON(order)
            answer["origClientOrderId"] = order.clientOrderID
            return json(answer)
        case "GET /api/v3/order":
            guard let order = find(parameters, symbol: symbol) else { throw Failure(status: 400, code: -2013, message: "Order does not exist.") }
            return json(orderJSON(order))
        case "GET /api/v3/openOrders":
            return json(orders.values.filter { $0.symbol == symbol && ($0.status == "NEW" || $0.status == "PARTIALLY_FILLED") }
                .sorted { $0.id < $1.id }.map(orderJSON))
        case "GET /api/v3/allOrders":
            let start = Int64(parameters["startTime"] ?? "0") ?? 0
            return json(orders.values.filter { $0.symbol == symbol && $0.updateTime >= start }.sorted { $0.id < $1.id }.map(orderJSON))
        case "GET /api/v3/myTrades":
            var list = trades.filter { $0.symbol == symbol }
            if let order = parameters["orderId"].flatMap(Int64.init) { list = list.filter { $0.orderID == order } }
            if let start = parameters["startTime"].flatMap(Int64.init) { list = list.filter { $0.time >= start } }
            let quote = Self.assets(symbol).quote
            return json(list.map { trade in
                ["symbol": symbol, "id": trade.id, "orderId": trade.orderID, "price": text(trade.price), "qty": text(trade.quantity),
                 "quoteQty": text(trade.price * trade.quantity), "commission": text(trade.commission), "commissionAsset": quote,
                 "time": trade.time, "isBuyer": trade.isBuyer, "isMaker": trade.isMaker, "isBestMatch": true] as [String: Any]
            })
        default:
            throw Failure(status: 404, code: -1000, message: "unknown endpoint \(route)")
        }
    }

    private func newOrder(_ p: [String: String], symbol: String) throws -> String {
        let client = p["newClientOrderId"] ?? "x-\(nextOrderID)"
        if orders.values.contains(where: { $0.clientOrderID == client && ($0.status == "NEW" || $0.status == "PARTIALLY_FILLED") }) {
            throw Failure(status: 400, code: -2010, message: "Duplicate order sent.")
        }
        guard let quantity = Decimal(string: try need(p, "quantity")), quantity > 0 else { throw Failure(status: 400, code: -1013, message: "Invalid quantity.") }
        let side = try need(p, "side"), type = try need(p, "type")
        guard side == "BUY" || side == "SELL" else { throw Failure(status: 400, code: -1117, message: "Invalid side.") }
        guard ["MARKET", "LIMIT", "LIMIT_MAKER"].contains(type) else { throw Failure(status: 400, code: -1116, message: "Invalid orderType.") }
        guard let last = lastPrice[symbol] else { throw Failure(status: 400, code: -1121, message: "Invalid symbol.") }
        let price = p["price"].flatMap { Decimal(string: $0) }
        if type != "MARKET" && price == nil { throw Failure(status: 400, code: -1102, message: "Mandatory parameter 'price' was not sent, was empty/null, or malformed.") }
        let (base, quote) = Self.assets(symbol)
        let reference = price ?? last
        if side == "BUY", (balances[quote]?.free ?? 0) < reference * quantity * (1 + commissionRate) {
            throw Failure(status: 400, code: -2010, message: "Account has insufficient balance for requested action.")
        }
        if side == "SELL", (balances[base]?.free ?? 0) < quantity {
            throw Failure(status: 400, code: -2010, message: "Account has insufficient balance for requested action.")
        }
        let crosses = price.map { side == "BUY" ? $0 >= last : $0 <= last } ?? true
        if type == "LIMIT_MAKER" && crosses { throw Failure(status: 400, code: -2010, message: "Order would immediately match and take.") }
        nextOrderID += 1
        let now = serverMillis()
        var order = FakeOrder(id: nextOrderID, symbol: symbol, clientOrderID: client, side: side, type: type,
                              timeInForce: p["timeInForce"] ?? "GTC", quantity: quantity, price: price, time: now, updateTime: now)
        // Lock what the order may use.
        if side == "BUY" { balances[quote, default: (0, 0)].free -= reference * quantity * (1 + commissionRate); balances[quote, default: (0, 0)].locked += reference * quantity * (1 + commissionRate) }
        else { balances[base, default: (0, 0)].free -= quantity; balances[base, default: (0, 0)].locked += quantity }
        orders[order.id] = order
        report(order, execution: "NEW", trade: nil)
        var fills: [[String: Any]] = []
        if type == "MARKET" || crosses {
            let fillPrice = type == "MARKET" ? last : price!
            let slices = max(1, marketOrderSlices)
            var remaining = quantity
            for slice in 0..<slices {
                let part = slice == slices - 1 ? remaining : (quantity / Decimal(slices)).rounded(quantityDecimals)
                guard part > 0 else { continue }
                remaining -= part
                let trade = execute(&order, quantity: part, price: fillPrice, maker: false, time: now)
                fills.append(["price": text(trade.price), "qty": text(trade.quantity), "commission": text(trade.commission),
                              "commissionAsset": quote, "tradeId": trade.id])
            }
            if order.timeInForce == "IOC" && order.status != "FILLED" {
                order.status = "EXPIRED"
                release(order)
                report(order, execution: "EXPIRED", trade: nil)
            }
            orders[order.id] = order
        }
        var answer = orderJSON(order)
        answer["fills"] = fills
        answer["transactTime"] = now
        return json(answer)
    }

    @discardableResult
    private func execute(_ order: inout FakeOrder, quantity: Decimal, price: Decimal, maker: Bool, time: Int64) -> FakeTrade {
        let (base, quote) = Self.assets(order.symbol)
        let notional = price * quantity
        let commission = (notional * commissionRate).rounded(8)
        nextTradeID += 1
        let trade = FakeTrade(id: nextTradeID, orderID: order.id, symbol: order.symbol, price: price, quantity: quantity, commission: commission,
                              time: time, isBuyer: order.side == "BUY", isMaker: maker)
        trades.append(trade)
        if order.side == "BUY" {
            let reserved = (order.price ?? price) * quantity * (1 + commissionRate)
            balances[quote, default: (0, 0)].locked -= reserved
            balances[quote, default: (0, 0)].free += reserved - notional - commission
            balances[base, default: (0, 0)].free += quantity
        } else {
            balances[base, default: (0, 0)].locked -= quantity
            balances[quote, default: (0, 0)].free += notional - commission
        }
        order.executed += quantity
        order.quoteExecuted += notional
        order.status = order.executed >= order.quantity ? "FILLED" : "PARTIALLY_FILLED"
        order.updateTime = time
        orders[order.id] = order
        report(order, execution: "TRADE", trade: trade)
        return trade
    }

    /// Returns what a finished order still had locked.
    private func release(_ order: FakeOrder) {
        let (base, quote) = Self.assets(order.symbol)
        let open = order.quantity - order.executed
        if order.side == "BUY" {
            let reserved = (order.price ?? lastPrice[order.symbol] ?? 0) * open * (1 + commissionRate)
            balances[quote, default: (0, 0)].locked -= reserved
            balances[quote, default: (0, 0)].free += reserved
        } else {
            balances[base, default: (0, 0)].locked -= open
            balances[base, default: (0, 0)].free += open
        }
    }

    private func report(_ order: FakeOrder, execution: String, trade: FakeTrade?) {
        var event: [String: Any] = ["e": "executionReport", "E": serverMillis(), "s": order.symbol, "c": order.clientOrderID, "S": order.side,
                                    "o": order.type, "f": order.timeInForce, "q": text(order.quantity), "p": text(order.price ?? 0),
                                    "x": execution, "X": order.status, "r": "NONE", "i": order.id, "z": text(order.executed),
                                    "T": trade?.time ?? order.updateTime, "t": trade?.id ?? -1, "l": text(trade?.quantity ?? 0),
                                    "L": text(trade?.price ?? 0), "n": text(trade?.commission ?? 0), "N": Self.assets(order.symbol).quote,
                                    "C": execution == "CANCELED" ? order.clientOrderID : ""]
        if execution == "CANCELED" { event["c"] = "cancel-\(order.id)" }
        for key in listenKeys { push(json(event), to: key) }
    }

    private func orderJSON(_ order: FakeOrder) -> [String: Any] {
        ["symbol": order.symbol, "orderId": order.id, "clientOrderId": order.clientOrderID, "price": text(order.price ?? 0),
         "origQty": text(order.quantity), "executedQty": text(order.executed), "cummulativeQuoteQty": text(order.quoteExecuted),
         "status": order.status, "timeInForce": order.timeInForce, "type": order.type, "side": order.side, "time": order.time,
         "updateTime": order.updateTime, "transactTime": order.updateTime]
    }

    private func find(_ p: [String: String], symbol: String) -> FakeOrder? {
        if let id = p["orderId"].flatMap(Int64.init) { return orders[id].flatMap { $0.symbol == symbol ? $0 : nil } }
        guard let client = p["origClientOrderId"] else { return nil }
        // The newest order with this id (ids may be reused once an order has finished).
        return orders.values.filter { $0.symbol == symbol && $0.clientOrderID == client }.max { $0.id < $1.id }
    }

    private func checkKey(_ apiKey: String?) throws {
        guard apiKey == self.apiKey else { throw Failure(status: 401, code: -2015, message: "Invalid API-key, IP, or permissions for action.") }
    }

    private func checkSigned(_ total: String, parameters: [String: String], apiKey: String?) throws {
        try checkKey(apiKey)
        guard let range = total.range(of: "&signature="), let signature = parameters["signature"] else {
            throw Failure(status: 400, code: -1102, message: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")
        }
        let payload = String(total[..<range.lowerBound])
        let expected = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: secret).map { String(format: "%02x", $0) }.joined()
        guard expected == signature.lowercased() else {
            rejectedSignatures += 1
            throw Failure(status: 400, code: -1022, message: "Signature for this request is not valid.")
        }
        guard let timestamp = parameters["timestamp"].flatMap(Int64.init) else {
            throw Failure(status: 400, code: -1102, message: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")
        }
        let window = Int64(parameters["recvWindow"] ?? "5000") ?? 5000
        let now = serverMillis()
        if timestamp > now + 1000 || now - timestamp > window {
            throw Failure(status: 400, code: -1021, message: "Timestamp for this request is outside of the recvWindow.")
        }
    }

    private func need(_ p: [String: String], _ key: String) throws -> String {
        guard let value = p[key], !value.isEmpty else {
            throw Failure(status: 400, code: -1102, message: "Mandatory parameter '\(key)' was not sent, was empty/null, or malformed.")
        }
        return value
    }

    func serverMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) + clockSkewMillis }

    static func parse(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0].removingPercentEncoding ?? parts[0]
            result[key] = parts.count > 1 ? (parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? parts[1]) : ""
        }
        return result
    }

    static func assets(_ symbol: String) -> (base: String, quote: String) {
        for quote in ["USDT", "USDC", "BTC", "ETH", "BNB"] where symbol.hasSuffix(quote) && symbol.count > quote.count {
            return (String(symbol.dropLast(quote.count)), quote)
        }
        return (symbol, "USDT")
    }
}

private func json(_ value: Any) -> String {
    String(decoding: (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
}

private func text(_ value: Decimal) -> String {
    var copy = value
    var rounded = Decimal()
    NSDecimalRound(&rounded, &copy, 8, .plain)
    return NSDecimalNumber(decimal: rounded).stringValue
}

extension Decimal {
    func rounded(_ places: Int) -> Decimal {
        var copy = self
        var result = Decimal()
        NSDecimalRound(&result, &copy, places, .down)
        return result
    }
}
