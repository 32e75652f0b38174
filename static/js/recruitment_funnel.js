/* The recruitment funnel page: step counts, a funnel chart (Chart.js) and the table of
 * conversion rates and days per step by partner type or city, from /api/v1/recruitment/funnel/. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const root = document.getElementById("recruitment-funnel");
  if (!root) return;
  const ds = root.dataset;
  const errorBox = root.querySelector("[data-funnel-error]");
  const controls = Array.from(root.querySelectorAll("[data-param]"));
  let chart = null;

  const STEPS = [
    ["prospects", gettext("Prospects"), "#94a3b8"],
    ["applied", gettext("Applied"), "#3aa0e8"],
    ["registered", gettext("Registered"), "#1f4fd1"],
    ["first_sale", gettext("First sale"), "#16a34a"],
  ];
  const MOVES = [
    ["prospect_to_applied", gettext("Prospect → applied")],
    ["applied_to_registered", gettext("Applied → registered")],
    ["registered_to_first_sale", gettext("Registered → first sale")],
  ];
  const pct = (value) => (value === null || value === undefined ? "—" : PRM.fmt.percent(value));
  const days = (move) =>
    move.median_days === null && move.mean_days === null
      ? "—"
      : PRM.format(gettext("%(median)s / %(mean)s days"), { median: PRM.fmt.number(move.median_days ?? ""), mean: PRM.fmt.number(move.mean_days ?? "") });

  const query = new URLSearchParams(window.location.search);
  controls.forEach((el) => {
    const value = query.get(el.dataset.param);
    if (value !== null) el.value = value;
  });

  function read() {
    const params = {};
    controls.forEach((el) => {
      if (el.value.trim()) params[el.dataset.param] = el.value.trim();
    });
    return params;
  }

  function renderSteps(total) {
    root.querySelector("[data-steps]").replaceChildren(
      ...STEPS.map(([key, label], i) => {
        const move = i > 0 ? total.moves[MOVES[i - 1][0]] : null;
        return h(
          "div",
          { class: "kpi", "data-step": key },
          h("span", { class: "kpi-label" }, label),
          h("span", { class: "kpi-value" }, PRM.fmt.number(total.counts[key])),
          h("span", { class: "kpi-share" }, move ? PRM.format(gettext("%(rate)s of the step before"), { rate: pct(move.rate) }) : PRM.format(gettext("%(n)s recruited in all"), { n: PRM.fmt.number(total.counts.recruited) })),
        );
      }),
    );
  }

  function renderChart(body) {
    const state = root.querySelector("[data-chart-state]");
    const canvas = root.querySelector("#recruitment-funnel-chart");
    const counts = body.total.counts;
    root.querySelector("[data-as-of]").textContent = body.as_of ? PRM.format(gettext("as of %(day)s"), { day: PRM.fmt.date(body.as_of) }) : "";
    const any = STEPS.some(([key]) => counts[key]);
    if (!any || !window.Chart) {
      canvas.parentElement.hidden = true;
      PRM.state.empty(state, gettext("No funnel prepared yet."), gettext("The nightly job prepares it from prospects, partners and sales."));
      return;
    }
    state.replaceChildren();
    canvas.parentElement.hidden = false;
    if (chart) chart.destroy();
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: STEPS.map(([, label]) => label),
        datasets: [{ label: gettext("Companies"), data: STEPS.map(([key]) => counts[key]), backgroundColor: STEPS.map(([, , color]) => color), borderRadius: 4, maxBarThickness: 64 }],
      },
      options: {
        indexAxis: "y",
        locale: PRM.lang,
        responsive: true,
        maintainAspectRatio: false,
        animation: { duration: 250 },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { grid: { display: false } } },
        plugins: { legend: { display: false } },
      },
    });
    canvas.setAttribute("aria-label", STEPS.map(([key, label]) => `${label} ${counts[key]}`).join(", "));
  }

  function row(group, label, isTotal) {
    return h(
      "tr",
      { "data-group": group.key || "total", class: isTotal ? "row-total" : null },
      h(isTotal ? "th" : "td", isTotal ? { scope: "row" } : {}, label),
      ...STEPS.map(([key]) => h("td", { class: "numeric" }, PRM.fmt.number(group.counts[key]))),
      ...MOVES.map(([key]) => h("td", { class: "numeric" }, h("span", { class: "rate" }, pct(group.moves[key].rate)), h("span", { class: "muted small block" }, days(group.moves[key])))),
      h("td", { class: "numeric rate" }, pct(group.overall_rate)),
    );
  }

  function renderTable(body) {
    const box = root.querySelector("[data-table]");
    const heads = [body.by === "city" ? gettext("City branch") : gettext("Partner type"), ...STEPS.map(([, label]) => label), ...MOVES.map(([, label]) => label), gettext("Overall")];
    box.replaceChildren(
      h(
        "table",
        { class: "table recruitment-table" },
        h("thead", {}, h("tr", {}, heads.map((t, i) => h("th", { scope: "col", class: i ? "numeric" : null }, t)))),
        h("tbody", {}, body.groups.map((g) => row(g, g.label, false))),
        h("tfoot", {}, row(body.total, gettext("All"), true)),
      ),
    );
  }

  async function load() {
    errorBox.hidden = true;
    const params = read();
    if (!params.by) params.by = "type";
    const search = new URLSearchParams(params).toString();
    window.history.replaceState(null, "", `${window.location.pathname}${search ? `?${search}` : ""}`);
    try {
      const body = await PRM.api(ds.funnelUrl, { params });
      renderSteps(body.total);
      renderChart(body);
      renderTable(body);
    } catch (error) {
      errorBox.textContent = error instanceof PRM.ApiError && error.status === 400 ? Object.values(error.data).flat().join(" ") : error.userMessage || gettext("Something went wrong. Try again.");
      errorBox.hidden = false;
    }
  }

  async function fill(select, url) {
    try {
      const rows = await PRM.apiAll(url);
      rows.forEach((r) => select.append(h("option", { value: r.code }, r.label)));
      const wanted = query.get(select.dataset.param);
      if (wanted) select.value = wanted;
    } catch (error) {
      /* stays at "All" */
    }
  }

  controls.forEach((el) => el.addEventListener("change", load));
  root.querySelector("[data-funnel-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  Promise.all([fill(root.querySelector('[data-source="types"]'), ds.typesUrl), fill(root.querySelector('[data-source="cities"]'), ds.citiesUrl)]).finally(load);
})();
