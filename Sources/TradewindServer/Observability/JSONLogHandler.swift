import Foundation
public import Logging
public import TradewindConfiguration
import TradewindCore
import TradewindStorage
import TradewindLive

/// Log lines as one JSON object each (or plain text), at the level the configuration says now:
/// `logging.level` and `logging.format` apply on reload. Metadata keys are kept as given
/// (`request.id`, `bot`, `order.id`…), so a request's or an order's lines can be found together.
public struct ConfiguredLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let configuration: ConfigurationCenter
    let output: @Sendable (String) -> Void
    /// Set by `logger.logLevel = …`; `nil` follows the configuration.
    var overridden: Logger.Level?

    /// - Parameter output: where lines go; standard error when `nil`.
    public init(label: String, configuration: ConfigurationCenter, output: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.configuration = configuration
        self.output = output ?? { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    public var logLevel: Logger.Level {
        get { overridden ?? Logger.Level(rawValue: configuration.current.logging.level) ?? .info }
        set { overridden = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let time = WallClock.now().iso8601
        switch configuration.current.logging.format {
        case .json:
            var object: [String: String] = ["time": time, "level": event.level.rawValue, "logger": label, "message": "\(event.message)"]
            for (key, value) in all { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            output(String(decoding: data, as: UTF8.self))
        case .text:
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            output("\(time) \(event.level.rawValue) \(label): \(event.message)" + (fields.isEmpty ? "" : " " + fields))
        }
    }
}
