/* The SLA compliance report: /api/v1/support/reports/compliance/ drawn with Chart.js, a table under
 * each chart (so the figures are readable without the chart), filters kept in the address. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const S = PRM.support;
  const root = document.getElementById("compliance");
  if (!root) return;
  const form = root.querySelector("[data-filters]");
  const charts = {};
  const choiceLabels = {};
  ["centre", "category", "priority"].forEach((name) => {
    choiceLabels[name] = Object.fromEntries(Array.from(form.elements[name].options).map((o) => [o.value, o.textContent]));
  });

  const LABEL = {
    month: (row) => row.month,
    centre: (row) => (PRM.lang.startsWith("zh") ? row.ticket__centre__name_zh : row.ticket__centre__name) || row.ticket__centre__code || gettext("No centre"),
    category: (row) => choiceLabels.category[row.ticket__category] || row.ticket__category,
    priority: (row) => choiceLabels.priority[row.ticket__priority] || row.ticket__priority,
    city: (row) => (PRM.lang.startsWith("zh") ? row.ticket__partner__city__name_zh : row.ticket__partner__city__name) || row.ticket__partner__city__code,
    target: (row) => row.code,
  };

  function values() {
    const out = {};
    Array.from(form.elements).forEach((el) => {
      if (el.name && el.value) out[el.name] = el.value;
    });
    return out;
  }

  function draw(key, rows) {
    const canvas = root.querySelector(`[data-chart="${key}"]`);
    const state = root.querySelector(`[data-chart-state="${key}"]`);
    const table = root.querySelector(`[data-table="${key}"]`);
    if (charts[key]) charts[key].destroy();
    if (!rows.length) {
      state.replaceChildren(h("p", { class: "muted" }, gettext("Nothing decided in this period.")));
      table.replaceChildren();
      return;
    }
    state.replaceChildren();
    const labels = rows.map(LABEL[key]);
    if (window.Chart) {
      charts[key] = new window.Chart(canvas, {
        type: key === "month" ? "line" : "bar",
        data: { labels, datasets: [{ label: gettext("Share met (%)"), data: rows.map((r) => Math.round((r.met_share || 0) * 1000) / 10), backgroundColor: "#3b82f6", borderColor: "#1d4ed8" }] },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
      });
    }
    table.replaceChildren(
      h("thead", {}, h("tr", {}, [gettext("Group"), gettext("Met"), gettext("Breached"), gettext("Share met")].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.map((r, i) => h("tr", {}, h("td", {}, labels[i]), h("td", { class: "numeric" }, PRM.fmt.number(r.met)),
        h("td", { class: "numeric" }, PRM.fmt.number(r.breached)), h("td", { class: "numeric" }, PRM.fmt.percent(r.met_share))))),
    );
  }

  async function load() {
    const params = values();
    S.writeQuery(params);
    const error = root.querySelector("[data-error]");
    error.hidden = true;
    try {
      const report = await PRM.api(root.dataset.apiUrl, { params });
      const overall = report.overall;
      root.querySelector('[data-kpi="met_share"] .kpi-value').textContent = overall.met_share === null ? "–" : PRM.fmt.percent(overall.met_share);
      ["total", "met", "breached"].forEach((k) => { root.querySelector(`[data-kpi="${k}"] .kpi-value`).textContent = PRM.fmt.number(overall[k]); });
      ["month", "centre", "category", "priority", "city", "target"].forEach((k) => draw(k, report[k]));
      const affected = root.querySelector("[data-affected]");
      if (!report.most_affected_partners.length) {
        PRM.state.empty(affected, gettext("No misses in this period."));
      } else {
        affected.replaceChildren(h("table", { class: "table" },
          h("thead", {}, h("tr", {}, [gettext("Partner"), gettext("Breached targets"), gettext("Tickets")].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, report.most_affected_partners.map((p) => h("tr", {},
            h("td", {}, h("a", { href: PRM.urlFor(root.dataset.detailUrl, p.ticket__partner_id) }, `${p.ticket__partner__code} ${p.ticket__partner__name}`)),
            h("td", { class: "numeric" }, PRM.fmt.number(p.breached)), h("td", { class: "numeric" }, PRM.fmt.number(p.tickets)))))));
      }
    } catch (err) {
      error.textContent = err.status === 400 ? Object.values(err.data).flat().join(" ") : err.userMessage;
      error.hidden = false;
    }
  }

  const query = S.readQuery();
  Array.from(form.elements).forEach((el) => {
    if (el.name && query[el.name]) el.value = query[el.name];
  });
  form.addEventListener("change", load);
  form.addEventListener("submit", (event) => event.preventDefault());
  load();
})();
