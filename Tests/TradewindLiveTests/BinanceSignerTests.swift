import Testing
import TradewindCore
import TradewindLive

struct BinanceSignerTests {
    // The worked example of Binance's "SIGNED endpoint" documentation (its published key pair).
    static let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"

    @Test("the documented example's signature")
    func documentedExample() {
        let signer = BinanceSigner(secret: Self.secret)
        let query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        #expect(signer.signature(of: query) == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
        let signed = signer.signedQuery([("symbol", "LTCBTC"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"),
                                         ("quantity", "1"), ("price", "0.1")],
                                        timestamp: Timestamp(nanosecondsSinceEpoch: 1_499_827_319_559_000_000))
        #expect(signed == query + "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
    }

    @Test("values are form-encoded before signing; the secret never prints")
    func encoding() {
        #expect(BinanceSigner.encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9")
        let signer = BinanceSigner(secret: Self.secret, receiveWindow: 10_000)
        #expect(!"\(signer)".contains(Self.secret) && "\(signer)".contains("redacted"))
        #expect(signer.signedQuery([("newClientOrderId", "bot 1")], timestamp: .epoch).hasPrefix("newClientOrderId=bot%201&recvWindow=10000&timestamp=0&signature="))
    }
}
