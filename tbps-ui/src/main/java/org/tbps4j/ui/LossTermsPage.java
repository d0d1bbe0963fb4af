package org.tbps4j.ui;

/**
 * The loss-terms page: plain HTML and a little JavaScript that polls {@code /tbps/losses/data} and
 * draws one SVG line chart per series (no external scripts).
 */
final class LossTermsPage {
  private LossTermsPage() {}

  static final String HTML =
      """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>Loss terms - TBPS4J dashboard</title>
      <style>
      body{font-family:sans-serif;margin:1.5em}
      nav a{margin-right:1.2em}
      .grid{display:flex;flex-wrap:wrap;gap:1em}
      .card{border:1px solid #ddd;border-radius:4px;padding:.5em .8em}
      .card h3{margin:.2em 0;font-size:1em;font-family:monospace}
      .meta{color:#555;font-size:.85em}
      svg line.axis{stroke:#999}
      svg polyline{fill:none;stroke:#d9534f;stroke-width:1.5}
      svg polyline.lr{stroke:#2a7ab0}
      svg text{font-size:10px;fill:#555}
      </style></head>
      <body>
      <nav><a href="/">Dashboard</a><a href="/train/overview">Overview</a>
      <a href="/train/system">System</a><a href="/samediff">SameDiff graph</a></nav>
      <h1>Loss terms</h1>
      <p>Session <select id="session"></select>
      <span class="meta" id="status">loading…</span></p>
      <div class="grid" id="charts"></div>
      <script>
      "use strict";
      const W = 420, H = 170, PAD_L = 54, PAD_B = 20, PAD_T = 8, PAD_R = 8;
      let session = new URLSearchParams(window.location.search).get("session");

      function chart(title, xs, ys, cls) {
        const pts = [];
        let lo = Infinity, hi = -Infinity;
        for (let i = 0; i < ys.length; i++) {
          if (ys[i] === null) continue;
          lo = Math.min(lo, ys[i]); hi = Math.max(hi, ys[i]);
        }
        if (!isFinite(lo)) { lo = 0; hi = 1; }
        if (hi === lo) { hi = lo + 1e-12 + Math.abs(lo) * 1e-6; }
        const x0 = xs.length ? xs[0] : 0, x1 = xs.length ? xs[xs.length - 1] : 1;
        const sx = v => PAD_L + (W - PAD_L - PAD_R) * (x1 === x0 ? 0.5 : (v - x0) / (x1 - x0));
        const sy = v => PAD_T + (H - PAD_T - PAD_B) * (1 - (v - lo) / (hi - lo));
        for (let i = 0; i < ys.length; i++) {
          if (ys[i] !== null) pts.push(sx(xs[i]).toFixed(1) + "," + sy(ys[i]).toFixed(1));
        }
        let last = null;
        for (let i = ys.length - 1; i >= 0; i--) { if (ys[i] !== null) { last = ys[i]; break; } }
        const fmt = v => Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
            ? v.toExponential(3) : v.toPrecision(4);
        const card = document.createElement("div");
        card.className = "card";
        card.innerHTML =
          "<h3></h3><svg width='" + W + "' height='" + H + "'>" +
          "<line class='axis' x1='" + PAD_L + "' y1='" + (H - PAD_B) + "' x2='" + (W - PAD_R) +
          "' y2='" + (H - PAD_B) + "'/>" +
          "<line class='axis' x1='" + PAD_L + "' y1='" + PAD_T + "' x2='" + PAD_L + "' y2='" +
          (H - PAD_B) + "'/>" +
          "<text x='2' y='" + (PAD_T + 8) + "'>" + fmt(hi) + "</text>" +
          "<text x='2' y='" + (H - PAD_B) + "'>" + fmt(lo) + "</text>" +
          "<text x='" + PAD_L + "' y='" + (H - 4) + "'>" + x0 + "</text>" +
          "<text x='" + (W - PAD_R - 40) + "' y='" + (H - 4) + "'>" + x1 + "</text>" +
          "<polyline class='" + cls + "' points='" + pts.join(" ") + "'/></svg>" +
          "<div class='meta'>last: " + (last === null ? "n/a" : fmt(last)) +
          " &middot; " + pts.length + " points</div>";
        card.querySelector("h3").textContent = title;
        card.dataset.series = title;
        card.dataset.points = String(pts.length);
        return card;
      }

      function render(d) {
        const sel = document.getElementById("session");
        sel.innerHTML = "";
        for (const s of d.sessions) {
          const o = document.createElement("option");
          o.value = s; o.textContent = s; o.selected = s === d.session;
          sel.appendChild(o);
        }
        const box = document.getElementById("charts");
        box.innerHTML = "";
        for (const name of Object.keys(d.terms)) {
          box.appendChild(chart(name, d.iterations, d.terms[name], "term"));
        }
        box.appendChild(chart("learning rate", d.iterations, d.learning_rate, "lr"));
        document.getElementById("status").textContent = d.session === null
          ? "no loss terms recorded yet"
          : d.steps + " steps" + (d.points < d.steps ? " (" + d.points + " shown)" : "") +
            (d.stages.length ? ", stage " + d.stages[d.stages.length - 1] : "");
      }

      function refresh() {
        const url = "/tbps/losses/data" + (session ? "?session=" + encodeURIComponent(session) : "");
        fetch(url).then(r => r.json()).then(render)
          .catch(e => { document.getElementById("status").textContent = "error: " + e; });
      }
      document.getElementById("session").addEventListener("change", e => {
        session = e.target.value; refresh();
      });
      refresh();
      setInterval(refresh, 3000);
      </script></body></html>
      """;
}
