public import TradewindCore

/// Restart recovery: what the bot's journal says against what the venue says, turned into a list
/// of differences, each with what to do about it. Pure: the adapter gathers the venue's side
/// (open orders, the orders the journal knows looked up by client order id, recent fills,
/// balances) and the node writes each difference to the journal as an event before acting.
public enum Reconciliation {
    /// An order as the journal last recorded it.
    public struct LocalOrder: Sendable, Equatable {
        public var clientOrderID: String
        public var instrument: InstrumentID
        public var side: OrderSide
        public var quantity: Quantity
        public var status: OrderStatus
        public var filledQuantity: Quantity
        /// Venue trade ids of the fills already recorded.
        public var tradeIDs: Set<String>

        public init(clientOrderID: String, instrument: InstrumentID, side: OrderSide, quantity: Quantity, status: OrderStatus,
                    filledQuantity: Quantity, tradeIDs: Set<String>) {
            self.clientOrderID = clientOrderID
            self.instrument = instrument
            self.side = side
            self.quantity = quantity
            self.status = status
            self.filledQuantity = filledQuantity
            self.tradeIDs = tradeIDs
        }
    }

    /// An order as the venue reports it.
    public struct VenueOrder: Sendable, Equatable {
        public var clientOrderID: String
        public var venueOrderID: String
        public var instrument: InstrumentID
        public var side: OrderSide
        public var quantity: Quantity
        public var status: OrderStatus
        public var filledQuantity: Quantity

        public init(clientOrderID: String, venueOrderID: String, instrument: InstrumentID, side: OrderSide, quantity: Quantity,
                    status: OrderStatus, filledQuantity: Quantity) {
            self.clientOrderID = clientOrderID
            self.venueOrderID = venueOrderID
            self.instrument = instrument
            self.side = side
            self.quantity = quantity
            self.status = status
            self.filledQuantity = filledQuantity
        }
    }

    public struct VenueFill: Sendable, Equatable {
        public var tradeID: String
        public var clientOrderID: String
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        public var time: Timestamp

        public init(tradeID: String, clientOrderID: String, quantity: Quantity, price: Price, fee: Money, time: Timestamp) {
            self.tradeID = tradeID
            self.clientOrderID = clientOrderID
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.time = time
        }
    }

    public enum Difference: Sendable, Equatable {
        /// The venue filled (part of) an order while the bot was down: record the fill.
        case missedFill(VenueFill)
        /// The order ended at the venue (filled, cancelled, expired, rejected): record its end.
        case finishedAtVenue(clientOrderID: String, status: OrderStatus)
        /// The journal has the intent but the venue never got the order: it was not sent.
        /// Record it as rejected ("never reached the venue"); the strategy decides anew.
        case neverReachedVenue(clientOrderID: String)
        /// The journal has only the intent, but the venue has the order: adopt it.
        case adoptedFromVenue(VenueOrder)
        /// A working order at the venue that this bot's journal does not know (placed by hand,
        /// or by another process with this bot's prefix): report it, never touch it silently.
        case unknownAtVenue(VenueOrder)
        /// After applying the above, the position still differs from the venue's balance.
        case positionMismatch(instrument: InstrumentID, journal: Quantity, venue: Quantity)
    }

    /// - Parameters:
    ///   - orders: the journal's orders not yet finished (intents included: `initialized`/`submitted`).
    ///   - positions: the journal's positions.
    ///   - venueOpen: the venue's open orders whose client order id has this bot's prefix.
    ///   - venueLookup: the venue's answer to "order by client order id" for each journal order
    ///     (absent: the venue does not know it).
    ///   - venueFills: the venue's fills since the oldest unfinished order, for this bot's orders.
    ///   - venuePositions: the venue's balances (spot) or positions for the bot's instruments.
    public static func compare(orders: [LocalOrder], positions: [InstrumentID: Quantity], venueOpen: [VenueOrder],
                               venueLookup: [String: VenueOrder], venueFills: [VenueFill],
                               venuePositions: [InstrumentID: Quantity]) -> [Difference] {
        var differences: [Difference] = []
        var expected = positions
        let known = Set(orders.map(\.clientOrderID))
        for order in orders {
            let fills = venueFills.filter { $0.clientOrderID == order.clientOrderID && !order.tradeIDs.contains($0.tradeID) }
                .sorted { ($0.time, $0.tradeID) < ($1.time, $1.tradeID) }
            guard let venue = venueLookup[order.clientOrderID] ?? venueOpen.first(where: { $0.clientOrderID == order.clientOrderID }) else {
                // Unknown to the venue: an intent that was never sent (or sent and lost before it arrived).
                differences.append(.neverReachedVenue(clientOrderID: order.clientOrderID))
                continue
            }
            if order.status == .initialized || order.status == .submitted { differences.append(.adoptedFromVenue(venue)) }
            for fill in fills {
                differences.append(.missedFill(fill))
                let signed = order.side == .buy ? fill.quantity : -fill.quantity
                expected[order.instrument] = (expected[order.instrument] ?? .zero(precision: signed.precision)) + signed
            }
            if venue.status.isTerminal { differences.append(.finishedAtVenue(clientOrderID: order.clientOrderID, status: venue.status)) }
        }
        for venue in venueOpen where !known.contains(venue.clientOrderID) { differences.append(.unknownAtVenue(venue)) }
        let instruments = Set(expected.keys).union(venuePositions.keys).sorted { $0.description < $1.description }
        for instrument in instruments {
            let journal = expected[instrument], venue = venuePositions[instrument]
            let zero = Quantity.zero(precision: (journal ?? venue)!.precision)
            if (journal ?? zero) != (venue ?? zero) {
                differences.append(.positionMismatch(instrument: instrument, journal: journal ?? zero, venue: venue ?? zero))
            }
        }
        return differences
    }
}
