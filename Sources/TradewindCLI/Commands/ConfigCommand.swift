import ArgumentParser
import Foundation
import TradewindConfiguration

/// Where the configuration comes from: the file, the environment overlay, and flag overrides.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (default tradewind.yaml when present, else defaults only).", valueName: "file"))
    var config: String?
    @Option(name: .customLong("env"), help: ArgumentHelp("Environment overlay: dev, staging or prod (reads <file stem>.<env>.yaml).", valueName: "name"))
    var environmentName: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override one setting, e.g. --set server.port=9000 (repeatable; not for secrets).", valueName: "key=value"))
    var overrides: [String] = []

    /// `--set` pairs and the command's own flags (which win), keyed by setting.
    func loader(flags extra: [String: String] = [:]) throws -> ConfigurationLoader {
        try Self.loader(file: config, environmentName: environmentName, overrides: overrides, flags: extra)
    }

    /// The same, for commands that name the file some other way (node.yaml's `settings:`).
    static func loader(file config: String?, environmentName: String? = nil, overrides: [String] = [],
                       flags extra: [String: String] = [:]) throws -> ConfigurationLoader {
        var flags: [String: String] = [:]
        for pair in overrides {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--set expects key=value, got \(pair)")
            }
            flags[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        flags.merge(extra) { _, flag in flag }
        var environment = ProcessInfo.processInfo.environment
        // TRADEWIND_DB predates the configuration file and still names the database.
        if let legacy = environment["TRADEWIND_DB"], environment["TRADEWIND_DATABASE_URL"] == nil { environment["TRADEWIND_DATABASE_URL"] = legacy }
        let file = config ?? (FileManager.default.fileExists(atPath: "tradewind.yaml") ? "tradewind.yaml" : nil)
        return ConfigurationLoader(file: file, environmentName: environmentName ?? environment["TRADEWIND_ENV"], flags: flags,
                                   environment: environment, requireFile: config != nil)
    }
}

/// `tradewind config`: write, check and show the configuration.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Write a starting configuration, validate one, or show the effective settings.",
        discussion: "Every setting, its default and whether it reloads without a restart: docs/CONFIGURATION.md.",
        subcommands: [ConfigInitCommand.self, ConfigValidateCommand.self, ConfigShowCommand.self, ConfigFieldsCommand.self])
}

struct ConfigInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Write a commented starting configuration file.")

    @Option(help: "paper, binance or research.") var template: String = "paper"
    @Option(name: .shortAndLong, help: "File to write.") var output: String = "tradewind.yaml"
    @Flag(help: "Replace an existing file.") var force = false

    func validate() throws {
        guard ConfigurationTemplate(rawValue: template) != nil else {
            throw ValidationError("unknown template \(template): choose " + ConfigurationTemplate.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        try CLIFailure.run {
            if FileManager.default.fileExists(atPath: output) && !force {
                throw ValidationError("\(output) exists: use --force to replace it")
            }
            try writeFile(ConfigurationTemplate(rawValue: template)!.text, to: output)
            print("wrote \(output) (\(template) template); check it with `tradewind config validate \(output)`")
        }
    }
}

struct ConfigValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file offline; every problem is listed with its field, value and reason (exit 78).")

    @Argument(help: "The configuration file.") var file: String
    @Option(name: .customLong("env"), help: "Environment overlay to check with it (dev, staging, prod).") var environmentName: String?

    func run() throws {
        try CLIFailure.run {
            let options = try ConfigurationOptions.parse(["--config", file] + (environmentName.map { ["--env", $0] } ?? []))
            let loaded = try options.loader().load()
            print("\(file): valid (\(loaded.effective.filter { $0.source != "defaults" && $0.source != "unset" }.count) settings given, the rest default)")
        }
    }
}

struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print every effective setting with where it came from; secrets are redacted.")

    @OptionGroup var options: ConfigurationOptions

    func run() throws {
        try CLIFailure.run { print(try options.loader().load().rendered(), terminator: "") }
    }
}

struct ConfigFieldsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fields",
        abstract: "List every setting: key, environment variable, default, whether it reloads, what it does (Markdown).")

    func run() {
        print("| key | environment | default | reload | what |")
        print("|---|---|---|---|---|")
        for field in ConfigurationField.allCases {
            let key = field.isSecret ? "`\(field.rawValue)` / `\(field.fileKey!)`" : "`\(field.rawValue)`"
            let fallback = field.defaultValue.map { "`\($0)`" } ?? "—"
            print("| \(key) | `\(field.environmentName)` | \(fallback) | \(field.isReloadable ? "yes" : "restart") | "
                  + (field.isSecret ? "secret: " : "") + field.help + " |")
        }
    }
}
