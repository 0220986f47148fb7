/// Bot files (the YAML `tradewind bot run` and `POST /api/v1/bots` take) for tests.
public enum BotFiles {
    /// An sma-cross bot trading 10 GOOG on a paper venue, fed by replaying a daily CSV file.
    /// - Parameters:
    ///   - pace: milliseconds between replayed bars (0: as fast as the bot takes them).
    ///   - venueKind: `paper` unless a test wants an invalid or other venue.
    ///   - venueExtra: more fields of the `venue` map, starting with a comma.
    public static func paperSMACross(name: String, fast: Int, slow: Int, warmupBars: Int, data: String, pace: Int,
                                     venueKind: String = "paper", venueExtra: String = "") -> String {
        """
        name: \(name)
        strategy: sma-cross
        parameters: {fast: "\(fast)", slow: "\(slow)", size: "10"}
        interval: 1d
        instruments:
          - {symbol: GOOG, venue: PAPER, price_precision: 2, size_precision: 0}
        warmup_bars: \(warmupBars)
        starting_cash: "100000"
        venue: {kind: \(venueKind)\(venueExtra)}
        feed: {kind: replay, file: \(data), pace_ms: \(pace)}
        fees: {maker: "0.001", taker: "0.001"}
        """
    }
}
