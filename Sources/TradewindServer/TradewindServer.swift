public import Hummingbird
import HummingbirdWebSocket
import NIOCore
public import Logging
import Metrics
import Tracing
public import Prometheus
import ServiceLifecycle
import TradewindAlerts
public import TradewindConfiguration
import TradewindCore
import TradewindLive
public import TradewindNotifications
public import TradewindStorage

/// The operator's server: everything `tradewind serve` runs, built in one place so tests run
/// exactly what the binary runs.
///
/// ```swift
/// let server = try await TradewindServer.make(configuration: center, store: store, registry: registry, logger: logger)
/// try await server.application().runService()
/// ```
public struct TradewindServer: Sendable {
    public let configuration: ConfigurationCenter
    public let store: any Store
    public let auth: AuthService
    public let supervisor: BotSupervisor
    public let tail: JournalTail
    public let hub: EventHub
    public let reloader: ConfigurationReloader
    public let jobs: BacktestJobRunner
    public let registry: PrometheusCollectorRegistry
    public let logger: Logger
    /// The bots' notices on their way to the channels.
    public let delivery: DeliveryService
    public let alerts: AlertMonitor
    /// Commands from the operators' Telegram chat, when Telegram is configured with control on.
    public let telegramControl: TelegramControl?
    let limiter: RateLimiter

    /// Opens nothing itself: the store is given (already migrated), the configuration validated.
    public static func make(configuration: ConfigurationCenter, store: any Store, registry: PrometheusCollectorRegistry,
                            journalPolicy: WriteAheadJournal.SyncPolicy = .processCrash, logger: Logger) async -> TradewindServer {
        let hub = EventHub()
        let current = configuration.current
        let queue = NoticeQueue(capacity: current.notifications.delivery.queueCapacity)
        let delivery = DeliveryService(queue: queue, channels: NotificationChannels.make(current.notifications),
                                       routing: current.alerts.routing, store: store,
                                       settings: NotificationChannels.deliverySettings(current.notifications), logger: logger)
        let supervisor = BotSupervisor(store: store, configuration: configuration, notices: queue, journalPolicy: journalPolicy, logger: logger)
        let tail = JournalTail(store: store, hub: hub, logger: logger)
        let monitor = AlertMonitor(rules: current.alerts.rules, routing: current.alerts.routing,
                                   source: ServerMetricSource(tail: tail, supervisor: supervisor), store: store, sink: queue,
                                   interval: .nanoseconds(current.alerts.interval.nanoseconds), logger: logger, observer: { alert in
            hub.publish(StreamEvent(type: "alert", bot: nil, owner: nil, data: AlertView(alert).json, time: WallClock.now().iso8601))
        })
        let control = current.notifications.telegram.flatMap { telegram in
            telegram.control
                ? TelegramControl(api: TelegramBotAPI(token: telegram.token.value, apiBase: telegram.apiBase), chat: telegram.chatID,
                                  control: ServerBotControl(tail: tail, supervisor: supervisor), logger: logger)
                : nil
        }
        return TradewindServer(
            configuration: configuration, store: store,
            auth: await AuthService(store: store, configuration: configuration, signingKey: current.auth.jwtSecret?.value),
            supervisor: supervisor, tail: tail, hub: hub,
            reloader: ConfigurationReloader(center: configuration, store: store, logger: logger),
            jobs: BacktestJobRunner(store: store, hub: hub, logger: logger), registry: registry, logger: logger,
            delivery: delivery, alerts: monitor, telegramControl: control,
            limiter: RateLimiter { [configuration] in
                let limit = configuration.current.auth.rateLimit
                return (limit.requestsPerSecond, limit.burst)
            })
    }

    /// Every route behind its middlewares.
    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: EdgeMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(registry: registry))
        // A span per request costs about a fifth of a small request even when nothing records
        // it, so requests are traced only once a tracer is bootstrapped.
        if !(InstrumentationSystem.tracer is NoOpTracer) { router.add(middleware: TracingMiddleware()) }
        SystemRoutes(store: store, tail: tail, supervisor: supervisor, registry: registry).add(to: router)
        let api = router.group("api/v1")
            .add(middleware: AuthenticationMiddleware(auth: auth, limiter: limiter))
            .add(middleware: AuditMiddleware(recorder: AuditRecorder(store: store, logger: logger)))
        AuthRoutes(auth: auth, limiter: limiter).add(to: api)
        BotRoutes(supervisor: supervisor, tail: tail).add(to: api)
        ResearchRoutes(store: store).add(to: api)
        BacktestRoutes(store: store, runner: jobs).add(to: api)
        AdminRoutes(store: store, configuration: reloader).add(to: api)
        AlertRoutes(store: store, hub: hub).add(to: api)
        StreamRoute(hub: hub).add(to: api)
        if configuration.current.server.dashboard {
            let page = ByteBuffer(string: DashboardPage.html)
            router.get("/") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: DashboardPage.contentSecurityPolicy],
                         body: .init(byteBuffer: page))
            }
        }
        let openAPI = OpenAPIDocument.json()
        router.get("api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
        return router
    }

    /// The HTTP + WebSocket application with the server's background services (journal tail,
    /// configuration watcher, configured bots). `port` 0 picks a free port; `onRunning` gets it.
    public func application(host: String? = nil, port: Int? = nil,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let current = configuration.current
        let router = router()
        return Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host ?? current.server.host, port: port ?? current.server.port), serverName: "tradewind"),
            services: [tail, reloader, jobs, delivery, alerts, AlertSettingsFollower(center: configuration, monitor: alerts, delivery: delivery)]
                + (telegramControl.map { [$0] } ?? []) + [BotLifecycle(supervisor: supervisor, files: current.bots)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

/// Starts the configured bots once the server runs; stops every bot on shutdown.
struct BotLifecycle: Service {
    let supervisor: BotSupervisor
    let files: [String]

    func run() async throws {
        await supervisor.startConfigured(files: files)
        try? await gracefulShutdown()
        await supervisor.stopAll()
    }
}
