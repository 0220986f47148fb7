import Foundation
import HTTPTypes
import Hummingbird
import TradewindAnalytics
import TradewindCore
import TradewindLive
import TradewindStorage

/// `/backtests`: submit a backtest as a background job, follow it, read its results and report.
struct BacktestRoutes {
    let store: any Store
    let runner: BacktestJobRunner

    struct JobView: Encodable {
        var id: Int64; var status: String; var submittedBy: String; var submittedAt: String; var finishedAt: String?
        var runId: Int64?; var error: String?; var request: BacktestSubmission?
        var finalEquity: String?; var tradeCount: Int?
    }

    func add(to api: RouterGroup<ServerContext>) {
        api.post("backtests") { request, context in
            let identity = try context.require(.trader)
            let submission = try await Wire.decode(BacktestSubmission.self, from: request)
            _ = try await submission.validated(store: store)
            let text = String(decoding: try JSONEncoder.stream.encode(submission), as: UTF8.self)
            let job = try await store.submitBacktestJob(request: text, by: identity.user, now: WallClock.now())
            await runner.enqueue(job.id)
            var response = try Wire.json(try await view(job), status: .accepted)
            response.headers[.location] = "/api/v1/backtests/\(job.id)"
            return response
        }
        api.get("backtests") { request, context in
            try context.require(.viewer)
            var views: [JobView] = []
            for job in try await store.backtestJobs(limit: Wire.limit(request)) { views.append(try await view(job)) }
            return try Wire.json(ListView(items: views))
        }
        api.get("backtests/{id}") { _, context in
            try context.require(.viewer)
            return try Wire.json(try await view(try await job(context)))
        }
        api.get("backtests/{id}/result") { _, context in
            try context.require(.viewer)
            let run = try await finishedRun(context)
            return Wire.text(run.results, contentType: Wire.jsonType)
        }
        api.get("backtests/{id}/report") { _, context in
            try context.require(.viewer)
            let run = try await finishedRun(context)
            let data = try ReportData(results: try JSONValue.parse(Array(run.results.utf8)))
            return Wire.text(HTMLReport.render(data), contentType: "text/html; charset=utf-8")
        }
    }

    func job(_ context: ServerContext) async throws -> BacktestJobRecord {
        guard let id = context.parameters.get("id", as: Int64.self), let job = try await store.backtestJob(id: id) else {
            throw APIError.notFound("backtest \(context.parameters.get("id") ?? "")")
        }
        return job
    }

    func finishedRun(_ context: ServerContext) async throws -> BacktestRunRecord {
        let job = try await job(context)
        guard job.status == "succeeded", let runID = job.runID, let run = try await store.backtestRun(id: runID) else {
            throw APIError.conflict("backtest \(job.id) is \(job.status): its results exist once it has succeeded")
        }
        return run
    }

    func view(_ job: BacktestJobRecord) async throws -> JobView {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let run = try await job.runID.asyncMap { try await store.backtestRun(id: $0) } ?? nil
        return JobView(id: job.id, status: job.status, submittedBy: job.submittedBy, submittedAt: job.submittedAt.iso8601,
                       finishedAt: job.finishedAt?.iso8601, runId: job.runID, error: job.error,
                       request: try? decoder.decode(BacktestSubmission.self, from: Data(job.request.utf8)),
                       finalEquity: run?.finalEquity.description, tradeCount: run?.tradeCount)
    }
}
