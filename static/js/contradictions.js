/* The three-contradictions dashboard: per lever (attract, retain, regulate) its indicators from
 * /api/v1/lifecycle/contradictions/ — big number, change since the month end before (arrow
 * coloured by whether up or down is better), a sparkline of the month-end trend (Chart.js), the
 * breakdown, and a link to the page that explains the indicator. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const root = document.getElementById("contradictions");
  if (!root) return;
  const charts = [];

  function formatValue(value, unit) {
    if (value === null || value === undefined) return "—";
    const n = Number(value);
    if (unit === "percent") return PRM.fmt.percent(n / 100);
    if (unit === "days") return PRM.format(gettext("%(days)s days"), { days: PRM.fmt.number(n) });
    return PRM.fmt.number(n);
  }

  function formatChange(change, unit) {
    const n = Math.abs(Number(change));
    if (unit === "percent") return PRM.format(gettext("%(points)s pts"), { points: PRM.fmt.number(n.toFixed(1)) });
    if (unit === "days") return PRM.format(gettext("%(days)s days"), { days: PRM.fmt.number(n) });
    return PRM.fmt.number(n);
  }

  function changeBadge(indicator) {
    if (indicator.change === null || indicator.change === undefined || !indicator.previous) {
      return h("span", { class: "indicator-change indicator-change-none muted" }, gettext("No earlier value to compare"));
    }
    const change = Number(indicator.change);
    const since = PRM.format(gettext("since %(date)s"), { date: PRM.fmt.date(indicator.previous.as_of) });
    if (change === 0) {
      return h("span", { class: "indicator-change indicator-change-flat" }, "→ ", gettext("unchanged"), " ", h("span", { class: "muted" }, since));
    }
    const up = change > 0;
    const good = (indicator.better === "up") === up;
    const direction = up ? gettext("up") : gettext("down");
    return h(
      "span",
      { class: `indicator-change ${good ? "indicator-change-good" : "indicator-change-bad"}`,
        title: good ? gettext("Better") : gettext("Worse") },
      h("span", { "aria-hidden": "true" }, up ? "▲ " : "▼ "),
      h("span", { class: "visually-hidden" }, `${direction} `),
      formatChange(change, indicator.unit),
      " ",
      h("span", { class: "muted" }, since),
    );
  }

  function sparkline(indicator) {
    const points = indicator.trend.filter((p) => p.value !== null);
    if (indicator.value === null) return null;
    if (points.length < 2 || !window.Chart) return h("p", { class: "muted small indicator-trend-empty" }, gettext("No trend yet."));
    const canvas = h("canvas", {
      role: "img",
      "aria-label": `${indicator.label}: ${points.map((p) => `${PRM.fmt.date(p.as_of)} ${formatValue(p.value, indicator.unit)}`).join(", ")}`,
    });
    const box = h("div", { class: "indicator-spark" }, canvas);
    const colour = getComputedStyle(document.body).getPropertyValue("--brand").trim() || "#1f4fd1";
    charts.push(() => new window.Chart(canvas, {
      type: "line",
      data: {
        labels: points.map((p) => PRM.fmt.date(p.as_of)),
        datasets: [{ data: points.map((p) => Number(p.value)), borderColor: colour, backgroundColor: colour,
                     borderWidth: 2, pointRadius: 0, pointHoverRadius: 3, tension: 0.25, fill: false }],
      },
      options: {
        locale: PRM.lang,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { displayColors: false, callbacks: { label: (ctx) => formatValue(ctx.parsed.y, indicator.unit) } },
        },
        scales: { x: { display: false }, y: { display: false, grace: "10%" } },
      },
    }));
    return box;
  }

  function breakdownList(indicator) {
    const entries = Object.entries(indicator.breakdown || {});
    if (!entries.length) return null;
    return h(
      "ul",
      { class: "indicator-breakdown", "aria-label": gettext("Breakdown") },
      entries.map(([key, value]) => h("li", {}, h("span", { class: "indicator-breakdown-key" }, (indicator.breakdown_labels || {})[key] || key), " ",
                                      h("span", { class: "indicator-breakdown-value" }, formatValue(value, indicator.unit)))),
    );
  }

  function ratio(indicator) {
    if (indicator.unit !== "percent" || !indicator.denominator || indicator.numerator === null) return null;
    return h("span", { class: "muted small" },
             PRM.format(gettext("%(numerator)s of %(denominator)s"),
                        { numerator: PRM.fmt.number(indicator.numerator), denominator: PRM.fmt.number(indicator.denominator) }));
  }

  function tile(indicator) {
    const href = PRM.safeHref(indicator.url);
    return h(
      "article",
      { class: "indicator", "data-indicator": indicator.key },
      h("h3", { class: "indicator-label" }, indicator.label),
      h("div", { class: "indicator-figures" },
        h("span", { class: "indicator-value" }, formatValue(indicator.value, indicator.unit)),
        ratio(indicator)),
      indicator.value === null
        ? h("p", { class: "muted small" }, indicator.as_of ? gettext("Nothing to measure on this day.") : gettext("Not computed yet."))
        : changeBadge(indicator),
      sparkline(indicator),
      breakdownList(indicator),
      h("p", { class: "indicator-help muted small" }, indicator.help_text),
      href ? h("a", { class: "indicator-explain", href }, gettext("Explain"), " →") : null,
    );
  }

  function render(board) {
    const asOf = root.parentElement.querySelector("[data-board-as-of]") || document.querySelector("[data-board-as-of]");
    if (asOf) asOf.textContent = board.as_of ? PRM.format(gettext("As of %(date)s"), { date: PRM.fmt.date(board.as_of) }) : "";
    const state = root.querySelector("[data-board-state]");
    if (!board.as_of) {
      PRM.state.empty(state, gettext("The indicators have not been computed yet."),
                      gettext("The nightly job prepares them; an administrator can run manage.py indicators_recompute."));
    } else {
      state.replaceChildren();
      PRM.state.done(state);
    }
    charts.length = 0;
    board.levers.forEach((lever) => {
      const card = root.querySelector(`[data-lever="${lever.key}"]`);
      if (!card) return;
      const body = card.querySelector("[data-indicators]");
      if (!lever.indicators.length) {
        PRM.state.empty(body, gettext("No indicator measures this contradiction yet."));
        return;
      }
      body.replaceChildren(...lever.indicators.map(tile));
    });
    charts.forEach((draw) => draw());
  }

  async function load() {
    const state = root.querySelector("[data-board-state]");
    PRM.state.loading(state);
    try {
      render(await PRM.api(root.dataset.boardUrl));
    } catch (error) {
      PRM.state.error(state, error, load);
    }
  }

  load();
})();
