import Foundation
import Logging
import TradewindCore
import TradewindStorage
import WSClient

/// A WebSocket that stays connected: each dropped connection is reopened after a jittered
/// back-off, `onConnect` runs first on every connection (resubscribe, back-fill the gap), and
/// every text message goes to `onText`. Returns when the task is cancelled.
func keepStreaming(url: @escaping @Sendable () async throws -> String, venue: String, stream: String, logger: Logger,
                   onConnect: @escaping @Sendable () async -> Void,
                   onText: @escaping @Sendable (String) async -> Void) async {
    var backoff = Backoff(base: .nanoseconds(100_000_000), maximum: .seconds(10), maxAttempts: .max, seed: 0x5737_7265)
    var failures = 0
    while !Task.isCancelled {
        let connected = ConnectionFlag()
        do {
            let address = try await url()
            let client = WebSocketClient(url: address, logger: logger) { inbound, _, _ in
                await connected.set()
                VenueHealth.shared.streamConnected(venue: venue, stream: stream)
                await onConnect()
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    if case .text(let text) = message { await onText(text) }
                }
            }
            try await client.run()
        } catch is CancellationError {
            VenueHealth.shared.streamClosed(venue: venue, stream: stream)
            return
        } catch {
            logger.warning("stream dropped: \(error)")
        }
        if Task.isCancelled {
            VenueHealth.shared.streamClosed(venue: venue, stream: stream)
            return
        }
        VenueHealth.shared.streamDropped(venue: venue, stream: stream, at: WallClock.now())
        failures = await connected.value ? 1 : failures + 1
        let delay = backoff.delay(beforeRetry: failures) ?? .seconds(10)
        try? await Task.sleep(nanoseconds: UInt64(max(0, delay.nanoseconds)))
    }
}

actor ConnectionFlag {
    private(set) var value = false
    func set() { value = true }
}

/// Reads JSON numbers and strings from Binance's payloads.
struct JSONFields {
    let object: [String: Any]

    init?(_ data: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        self.object = object
    }

    init(_ object: [String: Any]) { self.object = object }

    func string(_ key: String) -> String? {
        if let text = object[key] as? String { return text }
        if let number = object[key] as? NSNumber { return number.stringValue }
        return nil
    }

    func int64(_ key: String) -> Int64? {
        if let number = object[key] as? NSNumber { return number.int64Value }
        return (object[key] as? String).flatMap(Int64.init)
    }

    func bool(_ key: String) -> Bool? { (object[key] as? NSNumber)?.boolValue }

    func millis(_ key: String) -> Timestamp? { int64(key).map { Timestamp(nanosecondsSinceEpoch: $0 * 1_000_000) } }
}
