import Synchronization
public import TradewindAlerts
public import TradewindCore

/// What this process knows of its venues' health, for alert rules: which circuit breakers are
/// open and since when each stream has been down. Written by the adapters, read by the alert
/// monitor; one per process, like the metrics registry.
public final class VenueHealth: Sendable {
    public static let shared = VenueHealth()

    private struct State {
        var circuitOpen: [String: Bool] = [:]
        /// Per venue, per stream: when it went down (`nil` while connected).
        var downSince: [String: [String: Timestamp?]] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public func circuit(venue: String, open: Bool) {
        state.withLock { $0.circuitOpen[venue] = open }
    }

    public func streamConnected(venue: String, stream: String) {
        state.withLock { $0.downSince[venue, default: [:]][stream] = .some(nil) }
    }

    /// Marks the stream down; a stream already down keeps its first time.
    public func streamDropped(venue: String, stream: String, at time: Timestamp) {
        state.withLock { state in
            if case .some(.some) = state.downSince[venue]?[stream] { return }
            state.downSince[venue, default: [:]][stream] = .some(time)
        }
    }

    /// Forgets a stream that was closed on purpose.
    public func streamClosed(venue: String, stream: String) {
        state.withLock { _ = $0.downSince[venue]?.removeValue(forKey: stream) }
    }

    /// `circuit_open` and `venue_disconnected_seconds` (the longest-down stream) per venue.
    public func samples(now: Timestamp) -> [MetricSample] {
        state.withLock { state in
            var samples = state.circuitOpen.sorted { $0.key < $1.key }.map { MetricSample(metric: "circuit_open", subject: $0.key, value: $0.value ? 1 : 0) }
            for (venue, streams) in state.downSince.sorted(by: { $0.key < $1.key }) {
                let longest = streams.values.compactMap { $0 }.map { Double((now - $0).nanoseconds) / 1e9 }.max() ?? 0
                samples.append(MetricSample(metric: "venue_disconnected_seconds", subject: venue, value: max(0, longest)))
            }
            return samples
        }
    }
}
