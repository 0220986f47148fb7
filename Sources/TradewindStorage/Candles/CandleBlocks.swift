import TradewindCore

/// Candles are stored in blocks: one row per series and time window, holding up to
/// ``barsPerBlock`` bars packed in a fixed little-endian layout.
///
/// A row per bar made both engines spend their time per row (SQLite's B-tree and column calls,
/// PostgreSQL's per-row messages and index entries): ≈ 260,000 inserts/s and 1.4 M (SQLite) or
/// 0.26 M (PostgreSQL) reads/s. Blocks make a million bars about a thousand rows. Values stay
/// exact (the scaled integers of ``Bar``); `tradewind data export` gives them back as CSV.
enum CandleBlocks {
    /// Bars a block spans when the series has no gaps.
    static let barsPerBlock: Int64 = 1_024
    /// Bytes per packed bar: open and close time, five values, two precisions.
    static let barSize = 58

    /// Nanoseconds a block spans for a time frame label (`1m`, `1h`, `1d`, `1mo`…); one day
    /// for labels that are not a duration.
    static func span(timeframe: String) -> Int64 {
        if timeframe.hasSuffix("mo"), let months = Int64(timeframe.dropLast(2)), months > 0 {
            return months * 31 * 86_400_000_000_000 * barsPerBlock
        }
        if let length = TimeSpan(compact: timeframe), length.nanoseconds > 0 {
            let (product, overflow) = length.nanoseconds.multipliedReportingOverflow(by: barsPerBlock)
            return overflow ? Int64.max / 4 : product
        }
        return 86_400_000_000_000
    }

    /// The start of the block holding a bar that opens at `time` (floor division).
    static func blockStart(_ time: Int64, span: Int64) -> Int64 {
        let quotient = time / span
        return (time % span < 0 ? quotient - 1 : quotient) * span
    }

    static func encode(_ bars: ArraySlice<Bar>) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: bars.count * barSize)
        bytes.withUnsafeMutableBytes { out in
            var offset = 0
            for bar in bars {
                for value in [bar.openTime.nanosecondsSinceEpoch, bar.closeTime.nanosecondsSinceEpoch, bar.openRaw, bar.highRaw,
                              bar.lowRaw, bar.closeRaw, bar.volumeRaw] {
                    out.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Int64.self)
                    offset += 8
                }
                out[offset] = bar.pricePrecision
                out[offset + 1] = bar.sizePrecision
                offset += 2
            }
        }
        return bytes
    }

    /// Appends the bars of a packed block with `from ≤ open time < to`.
    static func decode(_ bytes: UnsafeRawBufferPointer, from: Int64, to: Int64, into bars: inout [Bar]) throws(StorageError) {
        guard bytes.count % barSize == 0 else { throw .backend("a candle block of \(bytes.count) bytes is not a whole number of bars") }
        var offset = 0
        while offset < bytes.count {
            func value(_ index: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + index * 8, as: Int64.self)) }
            let open = value(0)
            if open >= from && open < to {
                bars.append(Bar(openTime: Timestamp(nanosecondsSinceEpoch: open), closeTime: Timestamp(nanosecondsSinceEpoch: value(1)),
                                openRaw: value(2), highRaw: value(3), lowRaw: value(4), closeRaw: value(5), volumeRaw: value(6),
                                pricePrecision: bytes[offset + 56], sizePrecision: bytes[offset + 57]))
            }
            offset += barSize
        }
    }

    static func decode(_ bytes: [UInt8]) throws(StorageError) -> [Bar] {
        var bars: [Bar] = []
        bars.reserveCapacity(bytes.count / barSize)
        let failure: StorageError? = bytes.withUnsafeBytes { raw in
            do throws(StorageError) { try decode(raw, from: .min, to: .max, into: &bars) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        return bars
    }

    /// One block to write: its start, bars in time order, and how many of them are new.
    struct Group {
        var start: Int64
        var bars: ArraySlice<Bar>
    }

    /// Sorts the batch by open time (a repeated time keeps its first bar) and cuts it into blocks.
    static func group(_ bars: [Bar], span: Int64) -> [Group] {
        var seen = Set<Int64>(minimumCapacity: bars.count)
        var sorted = bars.filter { seen.insert($0.openTime.nanosecondsSinceEpoch).inserted }
        if !zip(sorted, sorted.dropFirst()).allSatisfy({ $0.openTime < $1.openTime }) {
            sorted = sorted.enumerated().sorted { ($0.element.openTime, $0.offset) < ($1.element.openTime, $1.offset) }.map(\.element)
        }
        var groups: [Group] = []
        var first = 0
        while first < sorted.count {
            let start = blockStart(sorted[first].openTime.nanosecondsSinceEpoch, span: span)
            var end = first + 1
            while end < sorted.count && sorted[end].openTime.nanosecondsSinceEpoch < start &+ span { end += 1 }
            groups.append(Group(start: start, bars: sorted[first..<end]))
            first = end
        }
        return groups
    }

    /// Existing bars of a block plus the new ones not already there, in time order.
    static func merge(existing: [Bar], adding new: ArraySlice<Bar>) -> (bars: [Bar], added: Int) {
        guard !existing.isEmpty else { return (Array(new), new.count) }
        let stored = Set(existing.map(\.openTime.nanosecondsSinceEpoch))
        let fresh = new.filter { !stored.contains($0.openTime.nanosecondsSinceEpoch) }
        guard !fresh.isEmpty else { return (existing, 0) }
        return ((existing + fresh).sorted { $0.openTime < $1.openTime }, fresh.count)
    }
}
