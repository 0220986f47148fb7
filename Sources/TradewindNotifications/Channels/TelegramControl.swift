public import Logging
public import ServiceLifecycle
import TradewindCore

/// What the Telegram commands can ask of the process running the bots.
public protocol BotControl: Sendable {
    /// One line per bot: state, equity, PnL.
    func statusReport() async -> String
    /// Cash and equity per bot and in total.
    func balanceReport() async -> String
    /// Open positions per bot.
    func positionsReport() async -> String
    /// Stops a bot; the answer says what happened (or why not).
    func stop(bot: String) async -> String
    func start(bot: String) async -> String
}

/// Commands from Telegram: `/status`, `/balance`, `/positions`, `/stop BOT`, `/start BOT`,
/// `/help`, read by long-polling `getUpdates`. Only the configured chat is obeyed; a message
/// from any other chat is logged and ignored (not even answered, so the bot's existence is not
/// confirmed to strangers).
public final class TelegramControl: Service, Sendable {
    let api: TelegramBotAPI
    let chat: Int64
    let control: any BotControl
    let logger: Logger
    /// Seconds the server holds each `getUpdates` open.
    let pollTimeout: Int

    public init(api: TelegramBotAPI, chat: Int64, control: any BotControl, pollTimeout: Int = 25, logger: Logger) {
        self.api = api
        self.chat = chat
        self.control = control
        self.pollTimeout = pollTimeout
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var offset: Int64?
            var failures = 0
            while !Task.isCancelled {
                do {
                    let updates = try await self.api.updates(offset: offset, timeout: self.pollTimeout)
                    failures = 0
                    for update in updates {
                        offset = update.update_id + 1
                        guard let message = update.message, let text = message.text else { continue }
                        guard message.chat.id == self.chat else {
                            self.logger.warning("telegram command from a chat that is not allowed was ignored",
                                                metadata: ["chat": .stringConvertible(message.chat.id)])
                            continue
                        }
                        let reply = await self.answer(text)
                        do {
                            for part in TelegramText.split(headline: "", body: TelegramText.escapeHTML(reply)) {
                                try await self.api.sendMessage(chat: self.chat, text: part.hasPrefix("\n") ? String(part.dropFirst()) : part, mode: .html)
                            }
                        } catch {
                            self.logger.warning("telegram reply failed", metadata: ["error": .string("\(error)")])
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    failures += 1
                    let delivery = error as? DeliveryError
                    let wait: Duration = if case .retryable(_, let after?) = delivery { .nanoseconds(after.nanoseconds) } else { .seconds(min(30, 1 << min(failures, 5))) }
                    self.logger.warning("telegram getUpdates failed", metadata: ["error": .string("\(error)")])
                    if case .permanent = delivery, failures > 5 {
                        self.logger.error("telegram control stopped: \(error)")
                        return
                    }
                    try? await Task.sleep(for: wait)
                }
            }
        }
    }

    /// The reply to one command text.
    public func answer(_ text: String) async -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let first = words.first, first.hasPrefix("/") else { return Self.help }
        // `/status@MyTradewindBot` in group chats.
        let command = first.split(separator: "@", maxSplits: 1)[0].lowercased()
        let argument = words.dropFirst().first
        switch command {
        case "/status": return await control.statusReport()
        case "/balance": return await control.balanceReport()
        case "/positions": return await control.positionsReport()
        case "/stop", "/start":
            guard let argument else { return "Usage: \(command) BOT" }
            return command == "/stop" ? await control.stop(bot: argument) : await control.start(bot: argument)
        default: return Self.help
        }
    }

    public static let help = """
        Tradewind commands:
        /status — every bot's state, equity and PnL
        /balance — cash and equity
        /positions — open positions
        /stop BOT — stop a bot
        /start BOT — start a bot
        """
}
