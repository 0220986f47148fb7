extension Duration {
    /// The duration in whole nanoseconds (sub-nanosecond parts dropped): the unit latency
    /// histograms and benchmarks record. Fits `Int64` up to ±292 years.
    @inlinable
    public var inNanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }

    /// The duration in seconds, as a `Double`.
    @inlinable
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
