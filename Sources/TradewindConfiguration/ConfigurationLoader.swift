import Configuration
import Crypto
public import Foundation
import TradewindCore
import TradewindRisk
import Yams

/// Reads Tradewind's configuration from its layered sources and validates all of it at once.
///
/// Precedence, highest first: command-line flags (`--port`, `--set key=value`), environment
/// variables (`TRADEWIND_SERVER_PORT`), the environment overlay file (`tradewind.prod.yaml` for
/// `--env prod`), the configuration file (`tradewind.yaml`), the defaults of
/// ``ConfigurationField``. The layers are swift-configuration providers read through one
/// `ConfigReader`; each file is read once, and the bytes parsed are the bytes checksummed.
///
/// ```swift
/// let loader = ConfigurationLoader(file: "tradewind.yaml", environmentName: "prod", flags: ["server.port": "9000"])
/// let loaded = try loader.load()   // throws ConfigurationError listing every problem
/// ```
public struct ConfigurationLoader: Sendable {
    /// The configuration file; `nil` or missing (when `requireFile` is false) = defaults only.
    public var file: String?
    /// `dev`, `staging`, `prod`…: the overlay `<file stem>.<name>.yaml` next to the file.
    public var environmentName: String?
    /// Command-line values by key, the highest layer.
    public var flags: [String: String]
    public var environment: [String: String]
    /// When false, a missing file means defaults (a server started in an empty directory).
    public var requireFile: Bool

    public init(file: String?, environmentName: String? = nil, flags: [String: String] = [:],
                environment: [String: String] = ProcessInfo.processInfo.environment, requireFile: Bool = false) {
        self.file = file
        self.environmentName = environmentName
        self.flags = flags
        self.environment = environment
        self.requireFile = requireFile
    }

    /// The overlay file `--env NAME` selects: `config/tradewind.yaml` → `config/tradewind.NAME.yaml`.
    public var overlayFile: String? {
        guard let environmentName else { return nil }
        let base = file ?? "tradewind.yaml"
        let url = URL(fileURLWithPath: base)
        let stem = url.deletingPathExtension().lastPathComponent
        let ext = url.pathExtension.isEmpty ? "yaml" : url.pathExtension
        return url.deletingLastPathComponent().appendingPathComponent("\(stem).\(environmentName).\(ext)").path
    }

    /// Loads and validates; every problem found is in the thrown error.
    public func load() throws(ConfigurationError) -> LoadedConfiguration {
        var problems: [ConfigurationProblem] = []
        var layers: [Layer] = []
        var sourceText = ""

        layers.append(Layer(name: "command line", values: flags.mapValues { .string($0) }))
        let prefixed = KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) { key in
            AbsoluteConfigKey(["tradewind"] + key.components, context: key.context)
        }
        if let environmentName, !["dev", "staging", "prod"].contains(environmentName) {
            problems.append(.init(path: "--env", value: environmentName, reason: "must be dev, staging or prod"))
        }
        var fileLayers: [Layer] = []
        for (path, required) in [(overlayFile, true), (file, requireFile)] {
            guard let path else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                if required { problems.append(.init(path: path, value: nil, reason: "cannot read the configuration file")) }
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            sourceText += "# \(path)\n" + text
            do {
                fileLayers.append(try Self.fileLayer(path: path, text: text, problems: &problems))
            } catch {
                problems.append(error)
            }
        }
        var defaults: [String: Value] = [:]
        for field in ConfigurationField.allCases {
            if let value = field.defaultValue { defaults[field.rawValue] = .string(value) }
        }
        let reader = ConfigReader(providers: [layers[0].provider, prefixed] + fileLayers.map(\.provider)
                                  + [Layer(name: "defaults", values: defaults).provider])
        var fields = FieldReader(reader: reader, layers: [layers[0]] + [Layer(environmentNamed: environment)] + fileLayers,
                                 problems: problems)
        let configuration = fields.configuration()
        guard fields.problems.isEmpty, let configuration else { throw ConfigurationError(problems: fields.problems) }
        let checksum = SHA256.hash(data: Data(sourceText.utf8)).map { String(format: "%02x", $0) }.joined()
        return LoadedConfiguration(configuration: configuration, checksum: checksum, effective: fields.effective)
    }

    /// Flattens a YAML document into `a.b.c` keys, refusing unknown keys and literal secrets.
    static func fileLayer(path: String, text: String, problems: inout [ConfigurationProblem]) throws(ConfigurationProblem) -> Layer {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ConfigurationProblem(path: path, value: nil, reason: "not valid YAML: \(error)")
        }
        var values: [String: Value] = [:]
        guard let node else { return Layer(name: path, values: [:]) }
        guard case .mapping = node else { throw ConfigurationProblem(path: path, value: nil, reason: "the top level must be a mapping of sections") }
        func walk(_ node: Node, prefix: String) {
            switch node {
            case .mapping(let mapping):
                for (key, child) in mapping {
                    let name = prefix.isEmpty ? (key.string ?? "") : prefix + "." + (key.string ?? "")
                    let known = ConfigurationField.fileKeys.contains(name)
                    let isSection = ConfigurationField.fileKeys.contains { $0.hasPrefix(name + ".") }
                    if let secret = ConfigurationField(rawValue: name), secret.isSecret {
                        problems.append(.init(path: name, value: "<redacted>", reason:
                            "secrets are not accepted in the file: set \(secret.environmentName) or \(secret.fileKey!)", source: path))
                    } else if known {
                        if case .sequence(let items) = child {
                            values[name] = .list(items.map { $0.string ?? Self.ruleLine($0) })
                        } else if case .scalar(let scalar) = child {
                            values[name] = .string(scalar.string)
                        } else {
                            problems.append(.init(path: name, value: nil, reason: "expected a value, found a mapping", source: path))
                        }
                    } else if isSection {
                        if case .scalar(let scalar) = child, scalar.string.isEmpty || scalar.string == "null" { continue }
                        walk(child, prefix: name)
                    } else {
                        problems.append(.init(path: name, value: nil, reason: "unknown setting" + Self.suggestion(for: name), source: path))
                    }
                }
            default:
                problems.append(.init(path: prefix, value: nil, reason: "expected a mapping", source: path))
            }
        }
        walk(node, prefix: "")
        return Layer(name: path, values: values)
    }

    /// An alert rule written as a mapping (`{name: …, when: …, for: …, severity: …, cooldown: …}`)
    /// as the one-line form the rule parser reads; other keys are kept so the parser names them.
    static func ruleLine(_ node: Node) -> String {
        guard case .mapping(let mapping) = node else { return "" }
        var fields: [(String, String)] = []
        for (key, value) in mapping { fields.append((key.string ?? "", value.string ?? "")) }
        let name = fields.first { $0.0 == "name" }?.1 ?? ""
        let when = fields.first { $0.0 == "when" }?.1 ?? ""
        var line = "\(name): \(when)"
        for (key, value) in fields where key != "name" && key != "when" { line += " \(key) \(value)" }
        return line
    }

    static func suggestion(for name: String) -> String {
        let candidates = ConfigurationField.fileKeys.filter { $0.split(separator: ".").dropLast().elementsEqual(name.split(separator: ".").dropLast()) }
        let leaf = name.split(separator: ".").last.map(String.init) ?? name
        let best = candidates.min { distance($0.split(separator: ".").last.map(String.init) ?? $0, leaf) < distance($1.split(separator: ".").last.map(String.init) ?? $1, leaf) }
        guard let best, distance(best.split(separator: ".").last.map(String.init) ?? best, leaf) <= 3 else { return "" }
        return " (did you mean \(best)?)"
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}

/// A validated configuration with what is needed to record and compare versions of it.
public struct LoadedConfiguration: Sendable, Equatable {
    public var configuration: TradewindConfiguration
    /// SHA-256 of the files read, in order: equal checksums mean nothing changed on disk.
    public var checksum: String
    /// Every field's effective value and where it came from, secrets redacted.
    public var effective: [EffectiveSetting]

    /// `config show`: the effective configuration as commented YAML, secrets redacted.
    public func rendered() -> String {
        var lines: [String] = []
        for setting in effective {
            lines.append("\(setting.field.rawValue): \(setting.display)    # \(setting.source)\(setting.field.isReloadable ? "" : ", restart required")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fields whose effective value differs from `other`'s.
    public func changedFields(since other: LoadedConfiguration) -> [ConfigurationField] {
        let old = Dictionary(uniqueKeysWithValues: other.effective.map { ($0.field, $0.fingerprint) })
        return effective.filter { old[$0.field] != $0.fingerprint }.map(\.field)
    }
}

/// One field's effective value.
public struct EffectiveSetting: Sendable, Equatable {
    public var field: ConfigurationField
    /// What `config show` prints: the value, `<redacted>` for a set secret, `~` when unset.
    public var display: String
    /// `defaults`, `command line`, `TRADEWIND_…` or the file path.
    public var source: String
    /// Compares secrets without holding them: a hash of the value.
    var fingerprint: String
}

/// One invalid field: where, what value, why.
public struct ConfigurationProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var value: String?
    public var reason: String
    public var source: String?

    public init(path: String, value: String?, reason: String, source: String? = nil) {
        self.path = path
        self.value = value
        self.reason = reason
        self.source = source
    }

    public var description: String {
        var text = path
        if let value { text += " = \(value.debugDescription)" }
        if let source { text += " (from \(source))" }
        return text + ": " + reason
    }
}

/// Every problem found in a configuration; the process refuses to start with any.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]
    public init(problems: [ConfigurationProblem]) { self.problems = problems }
    public var description: String {
        "invalid configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// One source of values: a name for messages and a provider for the reader.
struct Layer {
    var name: String
    var values: [String: Value]

    init(name: String, values: [String: Value]) {
        self.name = name
        self.values = values
    }

    /// The environment's `TRADEWIND_…` variables, keyed by field, for attributing values.
    init(environmentNamed environment: [String: String]) {
        name = "environment"
        var values: [String: Value] = [:]
        for field in ConfigurationField.allCases {
            if environment[field.environmentName] != nil { values[field.rawValue] = .string(field.environmentName) }
            if let fileKey = field.fileKey {
                let name = "TRADEWIND_" + fileKey.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
                if environment[name] != nil { values[fileKey] = .string(name) }
            }
        }
        self.values = values
    }

    var provider: InMemoryProvider {
        var contents: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in values {
            let content: ConfigContent = switch value {
            case .string(let text): .string(text)
            case .list(let items): .stringArray(items)
            }
            contents[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(content, isSecret: false)
        }
        return InMemoryProvider(name: name, values: contents)
    }
}

enum Value: Equatable {
    case string(String)
    case list([String])
}
