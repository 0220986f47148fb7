/// One trade print: when, at what price, how much.
public struct Tick: Hashable, Sendable {
    public var time: Timestamp
    public var price: Price
    public var size: Quantity

    public init(time: Timestamp, price: Price, size: Quantity) {
        self.time = time
        self.price = price
        self.size = size
    }
}
