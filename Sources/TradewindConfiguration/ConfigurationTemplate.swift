/// Commented starting files written by `tradewind config init --template NAME`.
///
/// Each template is a valid configuration as written (a test loads every one), with the
/// settings a user of that kind changes first uncommented.
public enum ConfigurationTemplate: String, CaseIterable, Sendable {
    /// A server running paper bots on the embedded database.
    case paper
    /// Live trading on Binance spot with PostgreSQL and notifications.
    case binance
    /// Backtests and studies only: no bots, the API for submitting runs.
    case research

    public var text: String {
        switch self {
        case .paper: Self.header("paper trading on the embedded database") + """
            database:
              url: sqlite:tradewind.db            # restart required

            server:
              host: 127.0.0.1                     # restart required
              port: 8080                          # restart required
              dashboard: true

            auth:
              token_ttl: 15m
              admin_user: admin
              # admin_password_file: /run/secrets/tradewind-admin   # or TRADEWIND_AUTH_ADMIN_PASSWORD; generated and printed once if unset
              # jwt_secret_file: /run/secrets/tradewind-jwt          # or TRADEWIND_AUTH_JWT_SECRET; ≥ 32 bytes
              rate_limit:
                requests_per_second: 50
                burst: 100

            # Applied to bots whose own file has no risk section.
            risk:
              max_order_notional: 10000
              max_open_orders: 20
              max_drawdown: 0.2

            # Bot files started with the server (restart required).
            bots: []
            #  - examples/bots/paper-goog.yaml

            logging:
              level: info                         # trace … critical
              format: json                        # json or text

            """ + Self.footer
        case .binance: Self.header("live trading on Binance spot") + """
            database:
              url: postgres://tradewind@127.0.0.1:5432/tradewind   # restart required

            server:
              host: 0.0.0.0
              port: 8080
              dashboard: true

            auth:
              token_ttl: 15m
              admin_user: admin
              jwt_secret_file: /run/secrets/tradewind-jwt            # ≥ 32 bytes; shared by every server instance
              admin_password_file: /run/secrets/tradewind-admin
              rate_limit:
                requests_per_second: 20
                burst: 40

            risk:
              max_order_notional: 5000
              max_position: 0.5
              max_gross_exposure: 20000
              max_open_orders: 10
              price_band: 0.05
              max_orders_per_second: 5
              daily_loss_limit: 500
              max_drawdown: 0.1

            bots: []
            #  - /etc/tradewind/bots/btc-sma.yaml    # venue keys come from the bot file's *_env or *_file entries

            notifications:
              email:
                host: smtp.example.com
                port: 587
                tls: starttls                     # none, starttls or tls
                username: tradewind
                password_file: /run/secrets/smtp
                from: tradewind@example.com
                to: [ops@example.com]
              # telegram:
              #   token_file: /run/secrets/telegram
              #   chat_id: 123456
              # webhook:
              #   url: https://hooks.example.com/tradewind
              #   secret_file: /run/secrets/webhook
              batch_window: 60s                   # similar messages within it become one digest
              rate_per_minute: 20                 # per channel; more are merged

            alerts:                               # docs/NOTIFICATIONS.md lists the metrics
              rules:
                - "deep-drawdown: drawdown > 8% severity critical cooldown 1h"
                - "losing-day: daily_pnl < -400 severity warning"
                - "stale-feed: bar_age_minutes > 5 for 1m severity warning"
                - "venue-down: venue_disconnected_seconds > 30 severity critical cooldown 10m"
                - "circuit-open: circuit_open > 0 severity critical cooldown 10m"
              route:
                info: [email]
                critical: [email]
              # escalation: [webhook]             # unacknowledged critical alerts go here next
              escalate_after: 10m

            logging:
              level: info
              format: json

            """ + Self.footer
        case .research: Self.header("research: backtests and studies through the API") + """
            database:
              url: sqlite:research.db             # postgres://… to share studies between machines

            server:
              host: 127.0.0.1
              port: 8080
              dashboard: true

            auth:
              token_ttl: 1h
              admin_user: admin
              rate_limit:
                requests_per_second: 100
                burst: 200

            logging:
              level: info
              format: text

            """ + Self.footer
        }
    }

    static func header(_ what: String) -> String {
        """
        # Tradewind configuration — \(what).
        # Precedence: command-line flags > TRADEWIND_* environment variables > tradewind.<env>.yaml > this file > defaults.
        # Secrets (passwords, tokens, keys) are never written here: use the *_file keys or TRADEWIND_* variables.
        # Check it with `tradewind config validate FILE`; see every setting with `tradewind config show`.

        """
    }

    static let footer = """
        reload:
          poll_interval: 2s                   # how often this file is checked for changes (restart required)

        """
}
