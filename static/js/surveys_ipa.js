/* Importance–performance page: the IPA scatter (satisfaction x, importance y) with the two
 * quadrant lines and labelled points, the fix-first list, all factors, the movement between two
 * campaigns and the five category scores per segment. Data from /api/v1/survey-analysis/;
 * the filters live in the address (?campaign=&partner_type=&…). */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const root = document.getElementById("surveys-ipa");
  if (!root) return;
  const ds = root.dataset;
  const CHOICES = JSON.parse(document.getElementById("ipa-choices").textContent);
  const SEGMENT = ["campaign", "partner_type", "cooperation_model", "tier", "city", "lines"];
  const COLORS = { keep_up: "#16a34a", fix_first: "#c03030", low_priority: "#64748b", overkill: "#1f6fb5", too_few: "#a1a1aa" };
  const ORDER = ["fix_first", "keep_up", "overkill", "low_priority", "too_few"];
  const labelOf = (list, value) => (Object.fromEntries(CHOICES[list] || [])[String(value)] || String(value ?? ""));
  let chart = null;

  const twoPlaces = new Intl.NumberFormat(PRM.lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const num = (value) => (value === null || value === undefined ? "—" : twoPlaces.format(Number(value)));
  const quadrantBadge = (code, label) => h("span", { class: `badge badge-quadrant-${code}`, "data-quadrant": code }, label || labelOf("quadrant", code));
  const signed = (value) => {
    if (value === null || value === undefined) return h("span", { class: "muted" }, "—");
    const n = Number(value);
    return h("span", { class: n > 0 ? "delta-up" : n < 0 ? "delta-down" : "" }, `${n > 0 ? "+" : ""}${twoPlaces.format(n)}`);
  };

  /* ------------------------------------------------------------- filters --------------- */

  const MULTI = ["partner_type", "cooperation_model", "tier", "city"];
  const controls = Array.from(root.querySelectorAll("[data-param]"));
  controls.forEach((select) => {
    if (select.dataset.empty) select.append(h("option", { value: "" }, select.dataset.empty));
    (CHOICES[select.dataset.choices] || []).forEach(([value, label]) => select.append(h("option", { value }, label)));
  });
  const query = new URLSearchParams(window.location.search);
  controls.forEach((select) => {
    const value = query.get(select.dataset.param);
    if (value !== null && Array.from(select.options).some((o) => o.value === value)) select.value = value;
    else if (select.dataset.default) select.value = select.dataset.default;
  });
  // Multi-valued filters: a dropdown of checkboxes each (?tier=gold&tier=certified).
  const multis = {};
  MULTI.forEach((key) => {
    const details = root.querySelector(`details[data-multi="${key}"]`);
    if (!details) return;
    const wanted = query.getAll(key);
    details.querySelector("[data-options]").replaceChildren(
      ...(CHOICES[key] || []).map(([value, label]) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", value, "data-option-of": key, checked: wanted.includes(value) }), h("span", {}, label)),
      ),
    );
    multis[key] = details;
  });

  function multiValues(key) {
    const details = multis[key];
    return details ? Array.from(details.querySelectorAll("input:checked")).map((input) => input.value) : [];
  }

  function summarise() {
    Object.entries(multis).forEach(([key, details]) => {
      const chosen = multiValues(key);
      const names = chosen.map((value) => labelOf(key, value));
      details.querySelector("[data-summary]").textContent = !names.length
        ? gettext("All")
        : names.length <= 2 ? names.join(", ") : PRM.format(gettext("%(count)s selected"), { count: names.length });
      details.classList.toggle("is-set", names.length > 0);
    });
  }
  summarise();

  function values() {
    const out = {};
    controls.forEach((select) => {
      if (select.value) out[select.dataset.param] = select.value;
    });
    MULTI.forEach((key) => {
      const chosen = multiValues(key);
      if (chosen.length) out[key] = chosen;
    });
    return out;
  }

  function segment(all) {
    const out = {};
    SEGMENT.forEach((key) => {
      if (all[key]) out[key] = all[key];
    });
    return out;
  }

  function showError(error) {
    const box = root.querySelector("[data-ipa-error]");
    if (!error) {
      box.hidden = true;
      box.textContent = "";
      return;
    }
    const fields = error.data && typeof error.data === "object" ? Object.values(error.data).flat().filter((m) => typeof m === "string") : [];
    box.textContent = fields.length ? fields.join(" ") : error.userMessage || gettext("Something went wrong. Try again.");
    box.hidden = false;
  }

  /* ---------------------------------------------------------------- chart --------------- */

  // Draws the quadrant lines and the factors' names next to their points.
  const ipaPlugin = {
    id: "ipaQuadrants",
    afterDatasetsDraw(c, args, options) {
      const { ctx, chartArea, scales } = c;
      ctx.save();
      ctx.setLineDash([6, 4]);
      ctx.strokeStyle = "#94a3b8";
      ctx.lineWidth = 1.5;
      if (options.satisfaction !== null && options.satisfaction !== undefined) {
        const x = scales.x.getPixelForValue(Number(options.satisfaction));
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
      }
      if (options.importance !== null && options.importance !== undefined) {
        const y = scales.y.getPixelForValue(Number(options.importance));
        ctx.beginPath();
        ctx.moveTo(chartArea.left, y);
        ctx.lineTo(chartArea.right, y);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.font = `11px ${getComputedStyle(document.body).fontFamily}`;
      ctx.fillStyle = "#334155";
      const taken = {}; // factors at the same spot: their names stack downwards
      c.data.datasets.forEach((dataset, di) => {
        const meta = c.getDatasetMeta(di);
        if (meta.hidden) return;
        meta.data.forEach((point, pi) => {
          const label = dataset.data[pi].label;
          if (!label) return;
          const spot = `${Math.round(point.x / 4)}:${Math.round(point.y / 4)}`;
          const row = taken[spot] || 0;
          taken[spot] = row + 1;
          const right = point.x + 7 + ctx.measureText(label).width > chartArea.right;
          ctx.textAlign = right ? "right" : "left";
          ctx.fillText(label, right ? point.x - 7 : point.x + 7, point.y - 7 + row * 13);
        });
      });
      ctx.restore();
    },
  };

  // Ticks only on the scale's own values (the axes reach a little beyond 1 and 5 for the points).
  const tick = (value) => (value >= 1 && value <= 5 && Number.isInteger(value * 2) ? PRM.fmt.number(value) : "");

  function renderChart(body) {
    const canvas = document.getElementById("ipa-chart");
    const state = root.querySelector("[data-chart-state]");
    const placed = body.factors.filter((f) => f.quadrant !== "too_few");
    if (!placed.length) {
      if (chart) chart.destroy();
      chart = null;
      PRM.state.empty(state, gettext("Not enough answers to place any factor."), PRM.format(gettext("A factor needs at least %(n)s answers."), { n: body.min_answers }));
      canvas.hidden = true;
      return;
    }
    state.replaceChildren();
    canvas.hidden = false;
    const datasets = ORDER.filter((q) => q !== "too_few")
      .map((q) => ({
        label: labelOf("quadrant", q),
        quadrant: q,
        data: placed.filter((f) => f.quadrant === q).map((f) => ({ x: Number(f.satisfaction), y: Number(f.importance), label: f.label, code: f.code, answers: f.answers })),
        backgroundColor: COLORS[q],
        borderColor: COLORS[q],
        pointRadius: 6,
        pointHoverRadius: 8,
      }))
      .filter((d) => d.data.length);
    const lines = { importance: body.lines.importance, satisfaction: body.lines.satisfaction };
    if (chart) chart.destroy();
    chart = new window.Chart(canvas, {
      type: "scatter",
      data: { datasets },
      plugins: [ipaPlugin],
      options: {
        locale: PRM.lang,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { min: 0.5, max: 5.5, ticks: { stepSize: 0.5, callback: tick }, title: { display: true, text: gettext("Satisfaction (1–5)") } },
          y: { min: 0.5, max: 5.5, ticks: { stepSize: 0.5, callback: tick }, title: { display: true, text: gettext("Importance (1–5)") } },
        },
        plugins: {
          ipaQuadrants: lines,
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (item) => PRM.format(gettext("%(factor)s: importance %(importance)s, satisfaction %(satisfaction)s (%(answers)s answers)"), {
                factor: item.raw.label, importance: PRM.fmt.number(item.raw.y), satisfaction: PRM.fmt.number(item.raw.x), answers: item.raw.answers,
              }),
            },
          },
        },
      },
    });
    canvas.setAttribute("aria-label", placed.map((f) => `${f.label}: ${num(f.importance)} / ${num(f.satisfaction)}`).join("; "));
  }

  /* --------------------------------------------------------------- tables --------------- */

  const th = (text, numeric) => h("th", { scope: "col", class: numeric ? "numeric" : null }, text);

  function fixTable(rows) {
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "table", "data-fix-table": true },
        h("thead", {}, h("tr", {}, th("#"), th(gettext("Factor")), th(gettext("Importance"), true), th(gettext("Satisfaction"), true), th(gettext("Gap"), true))),
        h(
          "tbody",
          {},
          rows.map((f, index) =>
            h(
              "tr",
              { "data-factor": f.code },
              h("td", { class: "numeric" }, String(index + 1)),
              h("td", {}, h("strong", {}, f.label), h("span", { class: "muted small block" }, f.category_label)),
              h("td", { class: "numeric", "data-importance": true }, num(f.importance)),
              h("td", { class: "numeric", "data-satisfaction": true }, num(f.satisfaction)),
              h("td", { class: "numeric", "data-gap": true }, h("strong", {}, num(f.gap))),
            ),
          ),
        ),
      ),
    );
  }

  function factorTable(rows, attrs) {
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        Object.assign({ class: "table" }, attrs),
        h("thead", {}, h("tr", {}, th(gettext("Factor")), th(gettext("Importance"), true), th(gettext("Satisfaction"), true), th(gettext("Gap"), true), th(gettext("Answers"), true), th(gettext("Quadrant")))),
        h(
          "tbody",
          {},
          rows.map((f) =>
            h(
              "tr",
              { "data-factor": f.code },
              h("td", {}, h("strong", {}, f.label), h("span", { class: "muted small block" }, f.category_label)),
              h("td", { class: "numeric", "data-importance": true }, num(f.importance)),
              h("td", { class: "numeric", "data-satisfaction": true }, num(f.satisfaction)),
              h("td", { class: "numeric", "data-gap": true }, num(f.gap)),
              h("td", { class: "numeric" }, PRM.fmt.number(f.answers)),
              h("td", {}, quadrantBadge(f.quadrant, f.quadrant_label)),
            ),
          ),
        ),
      ),
    );
  }

  function renderTables(body) {
    const fix = root.querySelector("[data-fix-first]");
    if (!body.fix_first.length) PRM.state.empty(fix, gettext("No important weakness."), gettext("No factor is both above the importance line and below the satisfaction line."));
    else fix.replaceChildren(fixTable(body.fix_first));
    const all = root.querySelector("[data-factors]");
    if (!body.factors.length) PRM.state.empty(all, gettext("No answers match these filters."));
    else all.replaceChildren(factorTable(body.factors, { "data-factor-table": true }));
    const summary = root.querySelector("[data-ipa-summary]");
    summary.textContent = body.campaign ? PRM.format(gettext("%(campaign)s · %(answers)s answers"), { campaign: body.campaign.label, answers: PRM.fmt.number(body.answers) }) : "";
    const linesText = root.querySelector("[data-ipa-lines]");
    linesText.textContent = body.lines.importance === null ? "" : PRM.format(
      gettext("Lines (%(kind)s): importance %(importance)s, satisfaction %(satisfaction)s. A factor on a line counts as high. Factors with fewer than %(n)s answers are not placed."),
      { kind: labelOf("lines", body.lines.kind), importance: num(body.lines.importance), satisfaction: num(body.lines.satisfaction), n: body.min_answers },
    );
  }

  async function loadIpa(params) {
    const state = root.querySelector("[data-chart-state]");
    PRM.state.loading(state);
    try {
      const body = await PRM.api(ds.ipaUrl, { params: segment(params) });
      showError(null);
      PRM.state.done(state);
      renderChart(body);
      renderTables(body);
      root.dataset.campaign = body.campaign ? String(body.campaign.id) : "";
      return body;
    } catch (error) {
      showError(error);
      PRM.state.error(state, error, () => load());
      return null;
    }
  }

  async function loadMovement(params, campaignId) {
    const box = root.querySelector("[data-movement]");
    if (!params.from || !campaignId) {
      PRM.state.empty(box, gettext("Choose a campaign to compare with."));
      return;
    }
    PRM.state.loading(box);
    try {
      const query = Object.assign(segment(params), { from: params.from, to: campaignId });
      delete query.campaign;
      const body = await PRM.api(ds.movementUrl, { params: query });
      PRM.state.done(box);
      box.replaceChildren(
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table", "data-movement-table": true },
            h("caption", { class: "muted small" }, PRM.format(gettext("From %(old)s to %(new)s"), { old: body.old.label, new: body.new.label })),
            h("thead", {}, h("tr", {}, th(gettext("Factor")), th(gettext("Δ importance"), true), th(gettext("Δ satisfaction"), true), th(gettext("Before")), th(gettext("Now")))),
            h(
              "tbody",
              {},
              body.factors.map((f) =>
                h(
                  "tr",
                  { "data-factor": f.code, "data-moved": f.moved ? "true" : "false" },
                  h("td", {}, h("strong", {}, f.label)),
                  h("td", { class: "numeric" }, signed(f.delta_importance)),
                  h("td", { class: "numeric" }, signed(f.delta_satisfaction)),
                  h("td", {}, quadrantBadge(f.old_quadrant, f.old_quadrant_label)),
                  h("td", {}, quadrantBadge(f.new_quadrant, f.new_quadrant_label)),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      PRM.state.error(box, error, () => load());
    }
  }

  async function loadCategories(params) {
    const box = root.querySelector("[data-categories]");
    PRM.state.loading(box);
    try {
      const query = segment(params);
      delete query.lines;
      query.by = params.by || "tier";
      const body = await PRM.api(ds.categoriesUrl, { params: query });
      if (!body.segments.length) {
        PRM.state.empty(box, gettext("No answers match these filters."));
        return;
      }
      PRM.state.done(box);
      box.replaceChildren(
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table", "data-category-table": true },
            h("thead", {}, h("tr", {}, th(labelOf("by", body.by)), body.categories.map((c) => th(c.label, true)), th(gettext("Overall"), true), th(gettext("Answers"), true))),
            h(
              "tbody",
              {},
              body.segments.map((s) =>
                h(
                  "tr",
                  { "data-segment": s.key },
                  h("td", {}, h("strong", {}, s.label)),
                  body.categories.map((c) => h("td", { class: "numeric", "data-category": c.code }, num(s.scores[c.code]))),
                  h("td", { class: "numeric", "data-overall": true }, num(s.overall)),
                  h("td", { class: "numeric" }, PRM.fmt.number(s.answers)),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      PRM.state.error(box, error, () => load());
    }
  }

  async function load() {
    const params = values();
    const body = await loadIpa(params);
    const campaignId = body && body.campaign ? body.campaign.id : null;
    await Promise.all([loadMovement(params, campaignId), loadCategories(params)]);
    root.dataset.loaded = "true";
  }

  function changed() {
    summarise();
    const search = new URLSearchParams();
    Object.entries(values()).forEach(([key, value]) => (Array.isArray(value) ? value : [value]).forEach((v) => search.append(key, v)));
    const params = search.toString();
    window.history.replaceState(null, "", `${window.location.pathname}${params ? `?${params}` : ""}`);
    root.dataset.loaded = "false";
    load();
  }

  controls.forEach((select) => select.addEventListener("change", changed));
  Object.values(multis).forEach((details) => details.addEventListener("change", changed));
  root.querySelector("[data-ipa-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    changed();
  });
  load();
})();
