/// The web dashboard: one self-contained page (no CDN, no build step) served at `/`.
///
/// It logs in through `/api/v1/auth/login`, reads the REST API for the first picture, then
/// follows `/api/v1/stream` to update equity, positions, orders and trades as they happen.
/// Stable element ids (`#login`, `#equity-value`, `#equity-chart`…) are what the headless
/// Chromium test drives.
enum DashboardPage {
    /// Everything the page loads is its own: no other origin, scripts or styles.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        + "connect-src 'self' ws: wss:; img-src 'self' data: blob:; frame-ancestors 'none'"

    static let html = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Tradewind</title>
    <style>
    :root { --bg:#0f1419; --panel:#171e26; --line:#243040; --text:#dce3ea; --muted:#8a99a8; --up:#3fb68b; --down:#ff5b5a; --accent:#4c9aff; }
    * { box-sizing: border-box; }
    body { margin:0; font:14px/1.45 -apple-system, "Segoe UI", "Liberation Sans", Arial, sans-serif; background:var(--bg); color:var(--text); }
    header { display:flex; align-items:center; gap:16px; padding:12px 20px; border-bottom:1px solid var(--line); background:var(--panel); }
    header h1 { font-size:17px; margin:0; letter-spacing:.5px; }
    header .who { margin-left:auto; color:var(--muted); }
    header button, form button { background:var(--accent); color:#fff; border:0; border-radius:4px; padding:6px 12px; cursor:pointer; }
    main { padding:16px 20px; display:grid; gap:16px; grid-template-columns: repeat(12, 1fr); }
    section { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:12px 14px; min-width:0; }
    section h2 { font-size:12px; text-transform:uppercase; letter-spacing:.8px; color:var(--muted); margin:0 0 8px; }
    .cards { grid-column: span 12; display:grid; grid-template-columns: repeat(4, 1fr); gap:16px; }
    .card .value { font-size:22px; font-variant-numeric: tabular-nums; }
    .wide { grid-column: span 8; } .narrow { grid-column: span 4; } .half { grid-column: span 6; } .full { grid-column: span 12; }
    table { width:100%; border-collapse:collapse; font-variant-numeric: tabular-nums; }
    th, td { text-align:left; padding:5px 6px; border-bottom:1px solid var(--line); white-space:nowrap; }
    th { color:var(--muted); font-weight:500; font-size:12px; }
    td.num, th.num { text-align:right; }
    tr.selected td { background:#1d2834; }
    tbody tr { cursor:default; } #bots tbody tr { cursor:pointer; }
    .up { color:var(--up); } .down { color:var(--down); } .muted { color:var(--muted); }
    .pill { display:inline-block; padding:1px 7px; border-radius:10px; font-size:12px; background:#243040; }
    .pill.running { background:#1f4d3c; } .pill.failed, .pill.halted { background:#5a2526; } .pill.reducing { background:#5a4a25; }
    #equity-chart { width:100%; height:260px; display:block; }
    #login-view { max-width:340px; margin:12vh auto; background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:24px; }
    #login-view h1 { margin:0 0 16px; font-size:20px; }
    #login input { width:100%; margin:0 0 10px; padding:8px; background:var(--bg); color:var(--text); border:1px solid var(--line); border-radius:4px; }
    #login-error { color:var(--down); min-height:20px; }
    #stream-status.live { color:var(--up); } #stream-status.down { color:var(--down); }
    a { color:var(--accent); }
    </style>
    </head>
    <body>
    <div id="login-view">
      <h1>Tradewind</h1>
      <form id="login">
        <input id="username" name="username" placeholder="user" autocomplete="username" required>
        <input id="password" name="password" type="password" placeholder="password" autocomplete="current-password" required>
        <div id="login-error"></div>
        <button type="submit">Log in</button>
      </form>
    </div>
    <div id="app" hidden>
      <header>
        <h1>Tradewind</h1>
        <span id="stream-status" class="down">offline</span>
        <span class="who" id="who"></span>
        <button id="logout">Log out</button>
      </header>
      <main>
        <div class="cards">
          <section class="card"><h2>Portfolio equity</h2><div class="value" id="total-equity">–</div></section>
          <section class="card"><h2>PnL</h2><div class="value" id="total-pnl">–</div></section>
          <section class="card"><h2>Bots running</h2><div class="value" id="running-count">–</div></section>
          <section class="card"><h2>Open orders</h2><div class="value" id="open-orders">–</div></section>
        </div>
        <section class="wide">
          <h2>Equity — <span id="selected-bot">no bot</span> <span id="equity-value" class="muted"></span></h2>
          <svg id="equity-chart" viewBox="0 0 800 260" preserveAspectRatio="none" data-points="0"></svg>
        </section>
        <section class="narrow">
          <h2>Positions</h2>
          <table id="positions"><thead><tr><th>Instrument</th><th class="num">Qty</th><th class="num">Last</th><th class="num">Value</th></tr></thead><tbody></tbody></table>
        </section>
        <section class="full">
          <h2>Bots</h2>
          <table id="bots"><thead><tr><th>Name</th><th>Owner</th><th>State</th><th>Risk</th><th class="num">Equity</th><th class="num">PnL</th>
            <th class="num">Trades</th><th class="num">Open orders</th></tr></thead><tbody></tbody></table>
        </section>
        <section class="half">
          <h2>Open orders</h2>
          <table id="orders"><thead><tr><th>Order</th><th>Side</th><th class="num">Qty</th><th class="num">Filled</th><th>Status</th></tr></thead><tbody></tbody></table>
        </section>
        <section class="half">
          <h2>Recent trades</h2>
          <table id="trades"><thead><tr><th>Time</th><th>Instrument</th><th>Side</th><th class="num">Qty</th><th class="num">Price</th><th class="num">Fee</th></tr></thead><tbody></tbody></table>
        </section>
        <section class="full">
          <h2>Open alerts</h2>
          <table id="alerts"><thead><tr><th>Severity</th><th>Alert</th><th>State</th><th>Fired</th><th class="num">×</th><th></th></tr></thead><tbody></tbody></table>
        </section>
        <section class="half">
          <h2>Backtests</h2>
          <table id="backtests"><thead><tr><th>#</th><th>Strategy</th><th>Status</th><th class="num">Final equity</th><th class="num">Trades</th><th></th></tr></thead><tbody></tbody></table>
        </section>
        <section class="half">
          <h2>Studies</h2>
          <table id="studies"><thead><tr><th>Name</th><th>Status</th><th>Updated</th></tr></thead><tbody></tbody></table>
        </section>
      </main>
    </div>
    <script>
    "use strict";
    const state = { token: sessionStorage.getItem("tradewind.token"), bots: new Map(), selected: null, curve: [], orders: [], trades: [], positions: [], socket: null, retry: 500 };
    const $ = (selector) => document.querySelector(selector);
    const money = (text) => { const n = Number(text); return isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : text; };
    const signed = (text) => { const n = Number(text); return `<span class="${n > 0 ? "up" : n < 0 ? "down" : ""}">${n > 0 ? "+" : ""}${money(text)}</span>`; };
    const escape = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

    async function api(path, options = {}) {
      const response = await fetch("/api/v1" + path, { ...options, headers: { ...(options.headers || {}), Authorization: "Bearer " + state.token } });
      if (response.status === 401) { logout(); throw new Error("logged out"); }
      if (!response.ok) { const body = await response.json().catch(() => ({})); throw new Error(body.error ? body.error.message : response.statusText); }
      return response.headers.get("content-type")?.includes("json") ? response.json() : response.text();
    }

    $("#login").addEventListener("submit", async (event) => {
      event.preventDefault();
      $("#login-error").textContent = "";
      const response = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: $("#username").value, password: $("#password").value }) });
      const body = await response.json();
      if (!response.ok) { $("#login-error").textContent = body.error ? body.error.message : "login failed"; return; }
      state.token = body.token;
      sessionStorage.setItem("tradewind.token", body.token);
      start();
    });
    $("#logout").addEventListener("click", logout);

    function logout() {
      sessionStorage.removeItem("tradewind.token");
      state.token = null;
      if (state.socket) { state.socket.onclose = null; state.socket.close(); }
      $("#app").hidden = true;
      $("#login-view").hidden = false;
    }

    async function start() {
      $("#login-view").hidden = true;
      $("#app").hidden = false;
      const me = await api("/auth/me");
      $("#who").textContent = `${me.user} (${me.role})`;
      await loadBots();
      loadBacktests();
      loadStudies();
      loadAlerts();
      connect();
    }

    async function loadBots() {
      const list = await api("/bots");
      state.bots = new Map(list.items.map((bot) => [bot.name, bot]));
      if (!state.selected || !state.bots.has(state.selected)) {
        const running = list.items.find((bot) => bot.running);
        state.selected = (running || list.items[0] || {}).name || null;
      }
      renderBots();
      await loadSelected();
    }

    async function loadSelected() {
      const name = state.selected;
      $("#selected-bot").textContent = name || "no bot";
      if (!name) { state.curve = []; state.orders = []; state.trades = []; state.positions = []; renderDetail(); return; }
      const [pnl, orders, trades, positions] = await Promise.all([
        api(`/bots/${encodeURIComponent(name)}/pnl`), api(`/bots/${encodeURIComponent(name)}/orders`),
        api(`/bots/${encodeURIComponent(name)}/trades`), api(`/bots/${encodeURIComponent(name)}/positions`)]);
      state.curve = pnl.equity_curve.map((point) => ({ time: point.time, equity: Number(point.equity) }));
      state.orders = orders.items;
      state.trades = trades.items.slice(-50);
      state.positions = positions.items;
      renderDetail();
    }

    function renderBots() {
      const bots = [...state.bots.values()];
      const total = bots.reduce((sum, bot) => sum + Number(bot.equity), 0);
      const pnl = bots.reduce((sum, bot) => sum + Number(bot.pnl), 0);
      $("#total-equity").textContent = money(total);
      $("#total-pnl").innerHTML = signed(pnl);
      $("#running-count").textContent = `${bots.filter((bot) => bot.running).length} / ${bots.length}`;
      $("#open-orders").textContent = bots.reduce((sum, bot) => sum + bot.open_orders, 0);
      $("#bots tbody").innerHTML = bots.map((bot) => `
        <tr data-bot="${escape(bot.name)}" class="${bot.name === state.selected ? "selected" : ""}">
          <td>${escape(bot.name)}</td><td class="muted">${escape(bot.owner)}</td>
          <td><span class="pill ${bot.running ? "running" : escape(bot.state)}">${escape(bot.state)}</span></td>
          <td><span class="pill ${escape(bot.trading_state)}">${escape(bot.trading_state)}</span></td>
          <td class="num">${money(bot.equity)}</td><td class="num">${signed(bot.pnl)}</td>
          <td class="num">${bot.trades}</td><td class="num">${bot.open_orders}</td></tr>`).join("");
      for (const row of document.querySelectorAll("#bots tbody tr")) {
        row.addEventListener("click", () => { state.selected = row.dataset.bot; renderBots(); loadSelected(); });
      }
    }

    function renderDetail() {
      const last = state.curve.length ? state.curve[state.curve.length - 1].equity : null;
      $("#equity-value").textContent = last === null ? "" : money(last);
      drawChart();
      $("#positions tbody").innerHTML = state.positions.map((p) => `<tr><td>${escape(p.instrument)}</td><td class="num">${escape(p.quantity)}</td>
        <td class="num">${p.last_price ? money(p.last_price) : "–"}</td><td class="num">${money(p.market_value)}</td></tr>`).join("");
      $("#orders tbody").innerHTML = state.orders.filter((o) => o.status === "working").map((o) => `<tr><td>${escape(o.client_order_id)}</td>
        <td class="${o.side === "buy" ? "up" : "down"}">${escape(o.side)}</td><td class="num">${escape(o.quantity)}</td>
        <td class="num">${escape(o.filled)}</td><td>${escape(o.status)}</td></tr>`).join("") || `<tr><td colspan="5" class="muted">none</td></tr>`;
      $("#trades tbody").innerHTML = state.trades.slice().reverse().slice(0, 15).map((t) => `<tr><td class="muted">${escape(t.time.slice(0, 10))}</td>
        <td>${escape(t.instrument)}</td><td class="${t.side === "buy" ? "up" : "down"}">${escape(t.side)}</td><td class="num">${escape(t.quantity)}</td>
        <td class="num">${money(t.price)}</td><td class="num">${money(t.fee)}</td></tr>`).join("") || `<tr><td colspan="6" class="muted">none</td></tr>`;
    }

    function drawChart() {
      const svg = $("#equity-chart");
      const points = state.curve;
      svg.dataset.points = points.length;
      if (points.length < 2) { svg.innerHTML = `<text x="400" y="130" fill="#8a99a8" text-anchor="middle">waiting for bars…</text>`; return; }
      const values = points.map((p) => p.equity);
      let low = Math.min(...values), high = Math.max(...values);
      if (high === low) { high += 1; low -= 1; }
      const x = (i) => 50 + (i / (points.length - 1)) * 740;
      const y = (v) => 245 - ((v - low) / (high - low)) * 230;
      const path = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.equity).toFixed(1)}`).join("");
      const start = values[0], end = values[values.length - 1];
      const grid = [0, 0.5, 1].map((f) => { const v = low + f * (high - low); return `<line x1="50" x2="790" y1="${y(v)}" y2="${y(v)}" stroke="#243040"/>
        <text x="45" y="${y(v) + 4}" fill="#8a99a8" font-size="11" text-anchor="end">${Math.round(v).toLocaleString("en-US")}</text>`; }).join("");
      svg.innerHTML = `${grid}<path d="${path}" fill="none" stroke="${end >= start ? "#3fb68b" : "#ff5b5a"}" stroke-width="1.6" vector-effect="non-scaling-stroke"/>`;
    }

    async function loadBacktests() {
      const jobs = await api("/backtests?limit=8");
      $("#backtests tbody").innerHTML = jobs.items.map((job) => `<tr><td>${job.id}</td><td>${escape(job.request ? job.request.strategy : "")}</td>
        <td>${escape(job.status)}</td><td class="num">${job.final_equity ? money(job.final_equity) : "–"}</td><td class="num">${job.trade_count ?? "–"}</td>
        <td>${job.status === "succeeded" ? `<a href="#" data-report="${job.id}">report</a>` : ""}</td></tr>`).join("") || `<tr><td colspan="6" class="muted">none</td></tr>`;
      for (const link of document.querySelectorAll("[data-report]")) {
        link.addEventListener("click", async (event) => {
          event.preventDefault();
          const html = await api(`/backtests/${link.dataset.report}/report`);
          window.open(URL.createObjectURL(new Blob([html], { type: "text/html" })), "_blank");
        });
      }
    }

    async function loadStudies() {
      const studies = await api("/studies");
      $("#studies tbody").innerHTML = studies.items.slice(0, 8).map((s) => `<tr><td>${escape(s.name)}</td><td>${escape(s.status)}</td>
        <td class="muted">${escape(s.updated_at.slice(0, 16))}</td></tr>`).join("") || `<tr><td colspan="3" class="muted">none</td></tr>`;
    }

    async function loadAlerts() {
      const alerts = await api("/alerts?state=firing,acknowledged&limit=20");
      $("#alerts tbody").innerHTML = alerts.items.map((a) => `<tr><td class="${a.severity === "critical" ? "down" : ""}">${escape(a.severity)}</td>
        <td>${escape(a.message)}</td><td>${escape(a.state)}${a.acknowledged_by ? ` by ${escape(a.acknowledged_by)}` : ""}</td>
        <td class="muted">${escape(a.fired_at.slice(0, 19))}</td><td class="num">${a.occurrences}</td>
        <td>${a.state === "firing" ? `<button data-ack="${a.id}">Ack</button>` : ""}</td></tr>`).join("")
        || `<tr><td colspan="6" class="muted">none</td></tr>`;
    }
    $("#alerts").addEventListener("click", async (click) => {
      const id = click.target.dataset && click.target.dataset.ack;
      if (!id) return;
      try { await api(`/alerts/${id}/ack`, { method: "POST" }); } catch (error) { /* a viewer may not acknowledge */ }
      loadAlerts();
    });

    function connect() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const socket = new WebSocket(`${scheme}://${location.host}/api/v1/stream?access_token=${encodeURIComponent(state.token)}`);
      state.socket = socket;
      socket.onopen = () => { state.retry = 500; $("#stream-status").textContent = "live"; $("#stream-status").className = "live"; };
      socket.onclose = () => {
        $("#stream-status").textContent = "reconnecting"; $("#stream-status").className = "down";
        setTimeout(() => { if (state.token) { connect(); loadBots(); } }, state.retry);
        state.retry = Math.min(state.retry * 2, 10000);
      };
      socket.onmessage = (message) => { const data = JSON.parse(message.data); for (const event of Array.isArray(data) ? data : [data]) handle(event); };
    }

    let pendingBots = null;
    function handle(event) {
      const bot = event.bot && state.bots.get(event.bot);
      if (event.type === "equity" && bot) {
        if (bot.start === undefined) bot.start = Number(bot.equity) - Number(bot.pnl);
        bot.equity = event.data.equity;
        bot.pnl = String(Number(event.data.equity) - bot.start);
        if (event.bot === state.selected) {
          state.curve.push({ time: event.data.time, equity: Number(event.data.equity) });
          $("#equity-value").textContent = money(event.data.equity);
          drawChart();
        }
        scheduleBots();
      } else if (event.type === "fill" && event.bot === state.selected) {
        state.trades.push(event.data);
        if (bot) bot.trades += 1;
        renderDetail(); scheduleBots();
      } else if (event.type === "position" && event.bot === state.selected) {
        state.positions = state.positions.filter((p) => p.instrument !== event.data.instrument).concat([event.data]);
        renderDetail();
      } else if (event.type === "order" && event.bot === state.selected) {
        state.orders = state.orders.filter((o) => o.client_order_id !== event.data.client_order_id).concat([event.data]);
        renderDetail();
      } else if (event.type === "backtest") {
        loadBacktests();
      } else if (event.type === "alert") {
        loadAlerts();
      } else if (event.bot && !bot) {
        loadBots();
      }
    }
    function scheduleBots() { if (!pendingBots) pendingBots = setTimeout(() => { pendingBots = null; renderBots(); }, 250); }

    if (state.token) start().catch(() => logout());
    </script>
    </body>
    </html>
    """
}
