/* Staff dashboard: partner counts by type, tier, status and city from /api/v1/partners/stats/,
 * drawn with Chart.js; every bar and legend entry opens the partner list with that filter. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const root = document.getElementById("dashboard");
  if (!root || !window.Chart) return;
  const ds = root.dataset;

  const PALETTE = ["#1f4fd1", "#0e9f8f", "#f29d38", "#8b5cf6", "#e5527a", "#3aa0e8", "#6f8f22", "#b4690e", "#5b6b85", "#c2410c"];
  const COLORS = {
    tier: { registered: "#94a3b8", certified: "#2f6fe4", gold: "#d99a1e" },
    status: { prospect: "#3aa0e8", active: "#16a34a", suspended: "#f29d38", exited: "#94a3b8" },
  };
  const FILTER_OF = { type: "type", tier: "tier", status: "status", city: "city" };
  const charts = {};

  const css = getComputedStyle(document.body);
  window.Chart.defaults.font.family = css.fontFamily;
  window.Chart.defaults.color = css.getPropertyValue("--text-muted").trim() || "#5b6577";

  function mine() {
    return new URLSearchParams(window.location.search).get("managed_by_me") === "true";
  }

  function listUrl(extra) {
    const params = new URLSearchParams(extra || {});
    if (mine()) params.set("managed_by_me", "true");
    const query = params.toString();
    return `${ds.listUrl}${query ? `?${query}` : ""}`;
  }

  function colorsFor(key, buckets) {
    return buckets.map((bucket, index) => (COLORS[key] && COLORS[key][bucket.key]) || PALETTE[index % PALETTE.length]);
  }

  function renderKpis(stats) {
    const count = (list, key) => (list.find((b) => b.key === key) || { count: 0 }).count;
    const values = {
      total: [stats.total, {}],
      active: [count(stats.by_status, "active"), { status: "active" }],
      gold: [count(stats.by_tier, "gold"), { tier: "gold" }],
      prospect: [count(stats.by_status, "prospect"), { status: "prospect" }],
    };
    root.querySelectorAll("[data-kpi]").forEach((card) => {
      const [value, filter] = values[card.dataset.kpi];
      const valueEl = card.querySelector(".kpi-value");
      valueEl.classList.remove("skeleton-text");
      valueEl.replaceChildren(h("a", { href: listUrl(filter) }, PRM.fmt.number(value)));
      if (card.dataset.kpi !== "total" && stats.total) {
        const share = card.querySelector(".kpi-share") || card.appendChild(h("span", { class: "kpi-share" }));
        share.textContent = PRM.format(gettext("%(percent)s of all"), { percent: PRM.fmt.percent(value / stats.total) });
      }
    });
    root.querySelector("[data-kpis]").removeAttribute("aria-busy");
  }

  function renderLegend(key, buckets, colors, total) {
    const legend = root.querySelector(`[data-legend="${key}"]`);
    legend.replaceChildren(
      ...buckets.map((bucket, index) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: listUrl({ [FILTER_OF[key]]: bucket.key }), class: "legend-link" },
            h("span", { class: "legend-swatch", style: `background:${colors[index]}`, "aria-hidden": "true" }),
            h("span", { class: "legend-label" }, bucket.label),
            h("span", { class: "legend-count" }, PRM.fmt.number(bucket.count)),
            h("span", { class: "legend-share muted" }, total ? PRM.fmt.percent(bucket.count / total) : ""),
          ),
        ),
      ),
    );
  }

  function drawChart(canvas, key, buckets) {
    const kind = canvas.dataset.kind;
    const colors = colorsFor(key, buckets);
    const data = {
      labels: buckets.map((b) => b.label),
      datasets: [{ data: buckets.map((b) => b.count), backgroundColor: colors, borderWidth: kind === "doughnut" ? 2 : 0, borderColor: "#fff", borderRadius: kind === "doughnut" ? 0 : 4, maxBarThickness: 36 }],
    };
    const options = {
      locale: PRM.lang,
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 300 },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (ctx) => ` ${ctx.label}: ${PRM.fmt.number(ctx.parsed.y ?? ctx.parsed.x ?? ctx.parsed)}` } },
      },
      onClick: (event, elements) => {
        if (elements.length) window.location.assign(listUrl({ [FILTER_OF[key]]: buckets[elements[0].index].key }));
      },
      onHover: (event, elements) => {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      },
    };
    if (kind === "doughnut") {
      options.cutout = "62%";
      options.plugins.tooltip.callbacks.label = (ctx) => ` ${ctx.label}: ${PRM.fmt.number(ctx.parsed)}`;
    } else {
      const horizontal = kind === "hbar";
      options.indexAxis = horizontal ? "y" : "x";
      const valueAxis = { beginAtZero: true, ticks: { precision: 0, callback: (v) => PRM.fmt.number(v) }, grid: { color: "#e8ecf3" } };
      const labelAxis = { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 0 } };
      options.scales = horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis };
    }
    if (charts[key]) charts[key].destroy();
    charts[key] = new window.Chart(canvas, { type: kind === "doughnut" ? "doughnut" : "bar", data, options });
    canvas.setAttribute(
      "aria-label",
      `${canvas.closest(".chart-card").querySelector(".card-title").textContent}: ${buckets.map((b) => `${b.label} ${PRM.fmt.number(b.count)}`).join(", ")}`,
    );
    return colors;
  }

  function renderCharts(stats) {
    const sets = { type: stats.by_type, tier: stats.by_tier, status: stats.by_status, city: stats.by_city };
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const key = canvas.dataset.chart;
      const body = canvas.closest(".chart-body");
      const buckets = sets[key];
      const empty = body.querySelector("[data-chart-state]");
      if (!stats.total) {
        canvas.parentElement.hidden = true;
        root.querySelector(`[data-legend="${key}"]`).replaceChildren();
        PRM.state.empty(empty, gettext("No partners to count yet."));
        return;
      }
      empty.replaceChildren();
      canvas.parentElement.hidden = false;
      const colors = drawChart(canvas, key, buckets);
      renderLegend(key, buckets, colors, stats.total);
    });
  }

  async function loadStats() {
    const errorBox = root.querySelector("[data-stats-error]");
    errorBox.replaceChildren();
    try {
      const stats = await PRM.api(ds.statsUrl, { params: mine() ? { managed_by_me: "true" } : {} });
      renderKpis(stats);
      renderCharts(stats);
    } catch (error) {
      PRM.state.error(errorBox, error, loadStats);
      root.querySelectorAll(".kpi-value").forEach((el) => {
        el.classList.remove("skeleton-text");
        el.textContent = "—";
      });
    }
  }

  const choices = JSON.parse(document.getElementById("partner-choices").textContent);
  function changeValue(field, value) {
    if (value === "" || value === null) return gettext("(none)");
    if (choices[field]) return Object.fromEntries(choices[field])[value] || value;
    if (field === "revenue_share") return PRM.fmt.percent(value);
    return value;
  }

  async function loadChanges() {
    const box = root.querySelector("[data-recent-changes]");
    PRM.state.loading(box);
    try {
      const body = await PRM.api(ds.changesUrl, { params: { page_size: 8 } });
      if (!body.results.length) {
        PRM.state.empty(box, gettext("No changes recorded yet."));
        return;
      }
      PRM.state.done(box);
      box.replaceChildren(
        h(
          "ul",
          { class: "item-list" },
          body.results.map((c) =>
            h(
              "li",
              { class: "item" },
              h(
                "div",
                { class: "item-body" },
                h("a", { href: PRM.urlFor(ds.detailUrl, c.partner), class: "mono" }, c.partner_code),
                " · ",
                h("strong", {}, c.field_display),
                ": ",
                changeValue(c.field, c.old_value),
                " → ",
                changeValue(c.field, c.new_value),
                h("span", { class: "muted small block" }, PRM.fmt.datetime(c.changed_at), c.changed_by ? ` · ${c.changed_by.display_name}` : "", c.reason ? ` · ${c.reason}` : ""),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      PRM.state.error(box, error, loadChanges);
    }
  }

  function setupScope() {
    const buttons = document.querySelectorAll("[data-scope]");
    const sync = () => {
      buttons.forEach((b) => b.setAttribute("aria-pressed", String((b.dataset.scope === "mine") === mine())));
      const link = document.querySelector("[data-list-link]");
      if (link) link.href = listUrl();
    };
    buttons.forEach((button) =>
      button.addEventListener("click", () => {
        const url = button.dataset.scope === "mine" ? "?managed_by_me=true" : window.location.pathname;
        window.history.pushState({}, "", url);
        sync();
        loadStats();
      }),
    );
    window.addEventListener("popstate", () => {
      sync();
      loadStats();
    });
    sync();
  }

  setupScope();
  loadStats();
  loadChanges();
})();
