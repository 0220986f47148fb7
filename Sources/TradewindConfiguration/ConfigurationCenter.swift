import Synchronization

/// The running configuration and its hot reload.
///
/// Readers take ``current`` (a lock-protected value, cheap enough for every request); a reload
/// loads and validates the sources into a new value and swaps it in one step, so nobody ever
/// sees half of a change. An invalid change is refused and the running configuration stays.
/// Settings that need a restart keep their running value and are reported as pending.
public final class ConfigurationCenter: Sendable {
    private struct State {
        var loaded: LoadedConfiguration
        var pendingRestart: Set<ConfigurationField>
        var listeners: [Int: AsyncStream<LoadedConfiguration>.Continuation]
        var nextListener: Int
    }

    public let loader: ConfigurationLoader
    private let state: Mutex<State>

    /// - Throws: ``ConfigurationError`` when the sources are invalid at start-up.
    public init(loader: ConfigurationLoader) throws(ConfigurationError) {
        self.loader = loader
        state = Mutex(State(loaded: try loader.load(), pendingRestart: [], listeners: [:], nextListener: 0))
    }

    public var current: TradewindConfiguration { state.withLock { $0.loaded.configuration } }
    public var loaded: LoadedConfiguration { state.withLock { $0.loaded } }
    /// Changed on disk but kept at their running value until a restart.
    public var pendingRestart: [ConfigurationField] { state.withLock { $0.pendingRestart.sorted { $0.rawValue < $1.rawValue } } }

    /// What a reload did.
    public enum ReloadOutcome: Sendable, Equatable {
        /// The sources are as last applied.
        case unchanged
        /// Applied: the fields that changed, and those among them that wait for a restart.
        case applied(changed: [ConfigurationField], restartRequired: [ConfigurationField])
        /// Refused: the running configuration stays.
        case rejected(ConfigurationError)
    }

    /// Re-reads every source; applies a valid change atomically.
    public func reload() -> ReloadOutcome {
        let candidate: LoadedConfiguration
        do { candidate = try loader.load() } catch { return .rejected(error) }
        return state.withLock { state -> ReloadOutcome in
            let changed = candidate.changedFields(since: state.loaded)
            let news = changed.filter { !state.pendingRestart.contains($0) }
            guard !news.isEmpty || candidate.checksum != state.loaded.checksum else { return .unchanged }
            let restart = changed.filter { !$0.isReloadable }
            var next = candidate
            // Settings that need a restart keep their running value; the rest take the new one.
            next.configuration.database = state.loaded.configuration.database
            next.configuration.server = state.loaded.configuration.server
            next.configuration.auth.jwtSecret = state.loaded.configuration.auth.jwtSecret
            next.configuration.bots = state.loaded.configuration.bots
            next.configuration.reloadPollInterval = state.loaded.configuration.reloadPollInterval
            // Channels and the delivery queue were built at start-up; alert rules and routes reload.
            next.configuration.notifications = state.loaded.configuration.notifications
            let running = Dictionary(uniqueKeysWithValues: state.loaded.effective.map { ($0.field, $0) })
            next.effective = next.effective.map { $0.field.isReloadable ? $0 : (running[$0.field] ?? $0) }
            state.loaded = next
            state.pendingRestart.formUnion(restart)
            for listener in state.listeners.values { listener.yield(next) }
            return .applied(changed: news, restartRequired: restart)
        }
    }

    /// Each applied configuration, from now on.
    public func updates() -> AsyncStream<LoadedConfiguration> {
        let (stream, continuation) = AsyncStream<LoadedConfiguration>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            state.nextListener += 1
            state.listeners[state.nextListener] = continuation
            return state.nextListener
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.listeners.removeValue(forKey: id) }
        }
        return stream
    }
}
