import Foundation
import TradewindCore

/// Conversions between stored columns and domain values, shared by both engines.
enum StoredValues {
    /// Wall-clock time for `created_at` columns (storage is an edge: it may read the clock).
    static func now() -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1e9).rounded()))
    }

    static func instrument(symbol: String, venue: String, pricePrecision: Int, sizePrecision: Int,
                           tickSize: String, lotSize: String) throws -> Instrument {
        let id = InstrumentID(symbol: symbol, venue: venue)
        do {
            return try Instrument(id: id, pricePrecision: UInt8(pricePrecision), sizePrecision: UInt8(sizePrecision),
                                  tickSize: try Price(parsing: tickSize), lotSize: try Quantity(parsing: lotSize))
        } catch {
            throw StorageError.backend("stored instrument \(id) is invalid: \(error)")
        }
    }

    /// A stored instrument keeps its definition: registering a different one is refused.
    static func conflict(stored: Instrument, given: Instrument) -> StorageError {
        func summary(_ i: Instrument) -> String {
            "prices \(i.pricePrecision) dp, sizes \(i.sizePrecision) dp, tick \(i.tickSize), lot \(i.lotSize)"
        }
        return .constraintViolation("instrument \(given.id) is stored with a different definition (\(summary(stored)) vs \(summary(given)))")
    }

    static func backtestRun(id: Int64, createdAt: Int64, strategy: String, parameters: String, dataDescription: String,
                            dataHash: String, finalEquity: String, tradeCount: Int, results: String) throws -> BacktestRunRecord {
        guard let equity = try? Money(parsing: finalEquity) else { throw StorageError.backend("backtest run \(id): bad final equity \(finalEquity)") }
        return BacktestRunRecord(id: id, createdAt: Timestamp(nanosecondsSinceEpoch: createdAt), strategy: strategy, parameters: parameters,
                                 dataDescription: dataDescription, dataHash: dataHash, finalEquity: equity, tradeCount: tradeCount, results: results)
    }
}
