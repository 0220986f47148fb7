public import TradewindCore

/// Recorded bars played back as if live: the first `warmup` bars are history, the rest arrive
/// one every `pace` (zero: as fast as the bot takes them). For paper trading without a network,
/// demos and benchmarks; a real feed (``BinanceMarketFeed``) is the same to the bot.
public struct ReplayFeed: MarketFeed {
    public let name = "replay"
    public let series: [InstrumentID: [Bar]]
    public let warmup: Int
    public let pace: Duration

    public init(series: [InstrumentID: [Bar]], warmup: Int, pace: Duration = .zero) {
        self.series = series
        self.warmup = warmup
        self.pace = pace
    }

    public func history(instrument: Instrument, interval: TimeSpan, limit: Int) async throws(VenueError) -> [Bar] {
        let bars = series[instrument.id] ?? []
        return Array(bars.prefix(warmup).suffix(limit))
    }

    public func bars(instrument: Instrument, interval: TimeSpan) -> AsyncThrowingStream<Bar, any Error> {
        let bars = Array((series[instrument.id] ?? []).dropFirst(warmup))
        let pace = pace
        return AsyncThrowingStream { continuation in
            let task = Task {
                for bar in bars {
                    if pace > .zero { try? await Task.sleep(for: pace) }
                    if Task.isCancelled { break }
                    continuation.yield(bar)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
