/* Resource allocation page: the grid (segments with counts and priority), the partners of a
 * cell, the proposed budget split with its CSV exports, the monthly history and the settings
 * (weights, grid, market potential). Data from /api/v1/allocation/. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const root = document.getElementById("allocation-page");
  if (!root) return;
  const ds = root.dataset;
  const canEdit = ds.canEdit === "true";
  const filtersForm = root.querySelector("[data-filters]");
  const controls = Array.from(filtersForm.querySelectorAll("[data-param]"));
  let currentSegment = null;
  let lastGrid = null;

  /* ------------------------------------------------------------- filters ---------------- */
  const query = new URLSearchParams(window.location.search);
  function filters() {
    const params = {};
    controls.forEach((el) => {
      if (el.value) params[el.dataset.param] = el.value;
    });
    return params;
  }
  function withFilters(url, extra) {
    const search = new URLSearchParams(Object.assign({}, filters(), extra || {}));
    const text = search.toString();
    return text ? `${url}?${text}` : url;
  }
  async function fillSelect(select, url, wanted) {
    try {
      const rows = await PRM.apiAll(url);
      rows.forEach((row) => select.append(h("option", { value: row.code }, row.label || row.name)));
      if (wanted) select.value = wanted;
    } catch (error) {
      /* the filter stays at "All" */
    }
  }
  controls.forEach((el) => {
    const wanted = query.get(el.dataset.param);
    if (wanted && el.dataset.param === "tier") el.value = wanted;
    el.addEventListener("change", () => {
      const search = new URLSearchParams(filters()).toString();
      window.history.replaceState(null, "", `${window.location.pathname}${search ? `?${search}` : ""}`);
      refresh();
    });
  });
  filtersForm.addEventListener("submit", (event) => event.preventDefault());

  /* ---------------------------------------------------------------- grid ---------------- */
  const BAND_NAMES = {
    2: [gettext("Low"), gettext("High")],
    3: [gettext("Low"), gettext("Medium"), gettext("High")],
  };
  const bandName = (count, index) => (BAND_NAMES[count] || [])[index] || String(index + 1);
  const range = (r) => `${r[0]}–${r[1]}`;
  const gridBox = root.querySelector("[data-grid]");

  function renderGrid(body) {
    lastGrid = body;
    root.querySelector("[data-as-of]").textContent = body.as_of
      ? PRM.format(gettext("as of %(day)s · %(count)s partners"), { day: PRM.fmt.date(body.as_of), count: PRM.fmt.number(body.total) })
      : "";
    if (!body.as_of) {
      PRM.state.empty(gridBox, gettext("No partners placed yet."), gettext("The nightly job scores every partner and places it on the grid."));
      return;
    }
    PRM.state.done(gridBox);
    const byBand = {};
    body.cells.forEach((cell) => {
      byBand[`${cell.attractiveness_band}:${cell.fit_band}`] = cell;
    });
    const max = Math.max(1, ...body.cells.map((c) => c.partners));
    const fitHeaders = [];
    for (let f = 0; f < body.columns; f += 1) {
      const any = byBand[`0:${f}`];
      fitHeaders.push(h("th", { scope: "col" }, bandName(body.columns, f), h("span", { class: "muted small block" }, range(any.fit_range))));
    }
    const rows = [];
    for (let a = body.rows - 1; a >= 0; a -= 1) {
      const first = byBand[`${a}:0`];
      const cells = [];
      for (let f = 0; f < body.columns; f += 1) {
        const cell = byBand[`${a}:${f}`];
        const heat = cell.partners / max;
        const label = PRM.format(gettext("Segment %(segment)s: %(count)s partners"), { segment: cell.segment, count: PRM.fmt.number(cell.partners) });
        cells.push(
          h(
            "td",
            { class: "allocation-cell", style: `--heat: ${heat.toFixed(3)}` },
            h(
              "button",
              {
                type: "button",
                class: `allocation-cell-button${currentSegment === cell.segment ? " is-selected" : ""}`,
                "data-segment": cell.segment,
                "aria-label": label,
                "aria-pressed": currentSegment === cell.segment ? "true" : "false",
                onclick: () => showPartners(cell.segment, 1),
              },
              h("span", { class: "allocation-segment" }, PRM.format(gettext("Segment %(segment)s"), { segment: cell.segment })),
              h("span", { class: "allocation-count", "data-count-of": cell.segment }, PRM.fmt.number(cell.partners)),
              cell.share > 0
                ? h("span", { class: `badge allocation-priority allocation-priority-${cell.priority}` },
                    PRM.format(gettext("Priority %(rank)s"), { rank: cell.priority }),
                    h("span", { class: "allocation-share" }, ` · ${cell.share} %`))
                : h("span", { class: "muted small" }, PRM.format(gettext("Priority %(rank)s"), { rank: cell.priority })),
            ),
          ),
        );
      }
      rows.push(h("tr", {}, h("th", { scope: "row" }, bandName(body.rows, a), h("span", { class: "muted small block" }, range(first.attractiveness_range))), cells));
    }
    gridBox.replaceChildren(
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table allocation-grid", "data-grid-table": true },
          h("caption", { class: "muted small" }, gettext("Rows: intrinsic attractiveness (high at the top). Columns: capability fit (low to high).")),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, gettext("Attractiveness ↓ / fit →")), fitHeaders)),
          h("tbody", {}, rows),
        ),
      ),
    );
  }

  /* ------------------------------------------------------------- history ---------------- */
  function renderHistory(body) {
    const box = root.querySelector("[data-history]");
    if (!body.history.length) {
      PRM.state.empty(box, gettext("No history yet."), gettext("The counts of every month's last day are kept."));
      return;
    }
    PRM.state.done(box);
    const segments = [1, 2, 3, 4, 5, 6];
    box.replaceChildren(
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table table-compact" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, gettext("Day")), segments.map((s) => h("th", { scope: "col", class: "numeric" }, PRM.format(gettext("Segment %(segment)s"), { segment: s }))))),
          h(
            "tbody",
            {},
            body.history.slice(-13).reverse().map((row) => {
              const counts = Object.fromEntries(row.segments.map((s) => [s.segment, s.partners]));
              return h("tr", {}, h("td", { class: "nowrap" }, PRM.fmt.date(row.as_of)), segments.map((s) => h("td", { class: "numeric" }, PRM.fmt.number(counts[s] || 0))));
            }),
          ),
        ),
      ),
    );
  }

  async function loadGrid() {
    PRM.state.loading(gridBox);
    try {
      const body = await PRM.api(ds.gridUrl, { params: filters() });
      renderGrid(body);
      renderHistory(body);
    } catch (error) {
      PRM.state.error(gridBox, error, loadGrid);
    }
  }

  /* ------------------------------------------------------------ partners ---------------- */
  const partnersCard = root.querySelector("[data-partners-card]");
  const rowsBox = partnersCard.querySelector("[data-rows]");
  const pagerBox = partnersCard.querySelector("[data-pager]");

  function pager(body, page, onPage) {
    if (!body || body.pages <= 1) {
      pagerBox.replaceChildren();
      pagerBox.hidden = true;
      return;
    }
    pagerBox.hidden = false;
    pagerBox.replaceChildren(
      h(
        "nav",
        { class: "pagination", "aria-label": gettext("Pages") },
        h("button", { type: "button", class: "page-button", disabled: page <= 1, onclick: () => onPage(page - 1) }, PRM.icon("chevron-left"), gettext("Previous")),
        h("span", { class: "page-status" }, PRM.format(gettext("Page %(page)s of %(pages)s"), { page, pages: body.pages })),
        h("button", { type: "button", class: "page-button", disabled: page >= body.pages, onclick: () => onPage(page + 1) }, gettext("Next"), PRM.icon("chevron-right")),
      ),
    );
  }

  async function showPartners(segment, page) {
    currentSegment = segment;
    root.querySelectorAll("[data-segment]").forEach((el) => {
      const on = Number(el.dataset.segment) === segment;
      el.classList.toggle("is-selected", on);
      el.setAttribute("aria-pressed", on ? "true" : "false");
    });
    partnersCard.hidden = false;
    partnersCard.querySelector("[data-partners-title]").textContent = PRM.format(gettext("Partners in segment %(segment)s"), { segment });
    partnersCard.querySelector("[data-partners-export]").href = withFilters(ds.exportUrl, { segment });
    PRM.state.loading(rowsBox);
    try {
      const body = await PRM.api(ds.partnersUrl, { params: Object.assign(filters(), { segment, page, page_size: 25 }) });
      partnersCard.querySelector("[data-count]").textContent = PRM.format(PRM.ngettext("%(count)s partner", "%(count)s partners", body.count), { count: PRM.fmt.number(body.count) });
      if (!body.results.length) {
        PRM.state.empty(rowsBox, gettext("No partners in this segment."));
        pager(null);
        return;
      }
      PRM.state.done(rowsBox);
      rowsBox.replaceChildren(
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table", "data-partners-table": true },
            h("thead", {}, h("tr", {},
              h("th", { scope: "col" }, gettext("Partner")),
              h("th", { scope: "col" }, gettext("Partner type")),
              h("th", { scope: "col" }, gettext("Certification tier")),
              h("th", { scope: "col", class: "numeric" }, gettext("Attractiveness")),
              h("th", { scope: "col", class: "numeric" }, gettext("Capability fit")))),
            h("tbody", {}, body.results.map((row) => h("tr", { "data-partner": row.partner },
              h("td", { class: "cell-name" },
                h("a", { class: "strong-link", href: PRM.urlFor(ds.partnerUrl, row.partner) }, row.partner_name),
                h("span", { class: "muted small block mono" }, row.partner_code, " · ", row.city_name)),
              h("td", {}, row.partner_type_name),
              h("td", {}, PRM.badge("tier", row.tier, row.tier_label)),
              h("td", { class: "numeric" }, PRM.fmt.number(row.attractiveness)),
              h("td", { class: "numeric" }, PRM.fmt.number(row.fit))))),
          ),
        ),
      );
      pager(body, page, (next) => showPartners(segment, next));
    } catch (error) {
      PRM.state.error(rowsBox, error, () => showPartners(segment, page));
    }
  }

  /* -------------------------------------------------------------- errors ---------------- */
  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach((el) => {
      el.hidden = true;
      el.textContent = "";
    });
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  }
  /** Field messages, also from nested errors such as {weights: [{weight: ["…"]}]}. */
  function flatten(value) {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(flatten);
    if (value && typeof value === "object") return Object.values(value).flatMap(flatten);
    return [];
  }
  function showErrors(form, error) {
    const data = (error && error.data) || {};
    let shown = false;
    Object.entries(data).forEach(([field, messages]) => {
      const box = form.querySelector(`[data-error-for="${field}"]`);
      if (!box) return;
      const list = Array.isArray(messages) ? messages : [messages];
      box.textContent = Array.from(new Set(flatten(list))).join(" ");
      box.hidden = false;
      const input = form.querySelector(`[name="${field}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
      shown = true;
    });
    if (!shown) PRM.flash.show(error.userMessage || gettext("Something went wrong. Try again."), "error");
  }
  function flashOk(text) {
    PRM.flash.show(text, "success");
  }

  /* -------------------------------------------------------------- budget ---------------- */
  const budgetForm = root.querySelector("[data-budget-form]");
  const budgetBox = root.querySelector("[data-budget]");
  function budgetParams() {
    return { market_funds: budgetForm.elements.market_funds.value.trim(), training_seats: budgetForm.elements.training_seats.value.trim() };
  }
  function updateBudgetLinks() {
    const params = budgetParams();
    budgetForm.querySelector("[data-budget-export]").href = withFilters(ds.budgetExportUrl, params);
    budgetForm.querySelector("[data-budget-export-partners]").href = withFilters(ds.budgetExportUrl, Object.assign({ detail: "partners" }, params));
  }
  async function loadBudget() {
    clearErrors(budgetForm);
    updateBudgetLinks();
    PRM.state.loading(budgetBox);
    try {
      const body = await PRM.api(withFilters(ds.budgetUrl), { method: "POST", data: budgetParams() });
      PRM.state.done(budgetBox);
      const parts = [
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table table-compact", "data-budget-table": true },
            h("thead", {}, h("tr", {},
              h("th", { scope: "col" }, gettext("Segment")),
              h("th", { scope: "col", class: "numeric" }, gettext("Share")),
              h("th", { scope: "col", class: "numeric" }, gettext("Partners")),
              h("th", { scope: "col", class: "numeric" }, gettext("Market funds")),
              h("th", { scope: "col", class: "numeric" }, gettext("Training seats")))),
            h("tbody", {}, body.segments.filter((row) => row.share > 0).map((row) => h("tr", { "data-budget-segment": row.segment },
              h("td", {}, PRM.format(gettext("Segment %(segment)s"), { segment: row.segment }), h("span", { class: "muted small block" }, PRM.format(gettext("Priority %(rank)s"), { rank: row.rank }))),
              h("td", { class: "numeric" }, `${row.share} %`),
              h("td", { class: "numeric" }, PRM.fmt.number(row.partners)),
              h("td", { class: "numeric" }, PRM.fmt.money(row.market_funds),
                row.market_funds_per_partner !== null ? h("span", { class: "muted small block" }, PRM.format(gettext("%(amount)s each"), { amount: PRM.fmt.money(row.market_funds_per_partner) })) : null),
              h("td", { class: "numeric" }, PRM.fmt.number(row.training_seats))))),
            h("tfoot", {}, h("tr", {},
              h("th", { scope: "row", colspan: 3 }, gettext("Total")),
              h("td", { class: "numeric", "data-budget-total": true }, PRM.fmt.money(body.allocated_market_funds)),
              h("td", { class: "numeric" }, PRM.fmt.number(body.allocated_training_seats)))),
          ),
        ),
        Number(body.unallocated_market_funds) > 0 || body.unallocated_training_seats > 0
          ? h("p", { class: "muted small" }, PRM.format(gettext("Not allocated (no partners in the funded segments): %(funds)s, %(seats)s seats."), { funds: PRM.fmt.money(body.unallocated_market_funds), seats: PRM.fmt.number(body.unallocated_training_seats) }))
          : null,
      ];
      budgetBox.replaceChildren(...parts.filter(Boolean));
    } catch (error) {
      PRM.state.done(budgetBox);
      budgetBox.replaceChildren();
      showErrors(budgetForm, error);
    }
  }
  budgetForm.addEventListener("submit", (event) => {
    event.preventDefault();
    loadBudget();
  });
  budgetForm.addEventListener("input", updateBudgetLinks);

  /* ------------------------------------------------------------- weights ---------------- */
  const weightsForm = root.querySelector("[data-weights-form]");
  const weightsBox = weightsForm.querySelector("[data-weights]");
  let weightRows = [];
  function weightInput(row, axis) {
    return h("input", {
      type: "number", min: 0, max: 1000, step: 1, value: row[axis], name: `${axis}:${row.measure}`, readonly: !canEdit,
      "aria-label": PRM.format(gettext("Weight of %(measure)s"), { measure: row.label }), class: "allocation-weight",
    });
  }
  async function loadWeights() {
    try {
      weightRows = await PRM.api(ds.weightsUrl);
      weightsBox.replaceChildren(
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table table-compact allocation-weights-table", "data-weights-table": true },
            h("thead", {}, h("tr", {},
              h("th", { scope: "col" }, gettext("Measure")),
              h("th", { scope: "col", class: "numeric" }, gettext("Attractiveness")),
              h("th", { scope: "col", class: "numeric" }, gettext("Capability fit")))),
            h("tbody", {}, weightRows.map((row) => h("tr", { "data-measure": row.measure },
              h("td", {}, h("strong", {}, row.label), h("span", { class: "muted small block" }, row.description)),
              h("td", { class: "numeric" }, weightInput(row, "attractiveness")),
              h("td", { class: "numeric" }, weightInput(row, "fit"))))),
          ),
        ),
      );
    } catch (error) {
      PRM.state.error(weightsBox, error, loadWeights);
    }
  }
  weightsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(weightsForm);
    const weights = [];
    weightRows.forEach((row) => {
      ["attractiveness", "fit"].forEach((axis) => {
        const value = weightsForm.elements[`${axis}:${row.measure}`].value.trim();
        const weight = value === "" ? 0 : /^-?\d+$/.test(value) ? Number(value) : value;
        if (weight !== 0) weights.push({ axis, measure: row.measure, weight });
      });
    });
    try {
      await PRM.api(ds.weightsUrl, { method: "PUT", data: { weights } });
      flashOk(gettext("Weights saved; every partner was placed again."));
      refresh();
    } catch (error) {
      showErrors(weightsForm, error);
    }
  });

  /* -------------------------------------------------------------- config ---------------- */
  const configForm = root.querySelector("[data-config-form]");
  const list = (text) => text.split(",").map((v) => v.trim()).filter((v) => v !== "").map((v) => (/^-?\d+$/.test(v) ? Number(v) : v));
  async function loadConfig() {
    try {
      const body = await PRM.api(ds.configUrl);
      const el = configForm.elements;
      el.attractiveness_bounds.value = body.attractiveness_bounds.join(", ");
      el.fit_bounds.value = body.fit_bounds.join(", ");
      el.segments.value = body.segments.map((row) => row.join(",")).join(" / ");
      el.priority.value = body.priority.join(", ");
      el.rank_shares.value = body.rank_shares.join(", ");
    } catch (error) {
      showErrors(configForm, error);
    }
  }
  configForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(configForm);
    const el = configForm.elements;
    const data = {
      attractiveness_bounds: list(el.attractiveness_bounds.value),
      fit_bounds: list(el.fit_bounds.value),
      segments: el.segments.value.split("/").map((row) => list(row)),
      priority: list(el.priority.value),
      rank_shares: list(el.rank_shares.value),
    };
    try {
      await PRM.api(ds.configUrl, { method: "PATCH", data });
      flashOk(gettext("Grid saved; every partner was placed again."));
      refresh();
    } catch (error) {
      showErrors(configForm, error);
    }
  });

  /* ---------------------------------------------------------- potential ---------------- */
  const potentialForm = root.querySelector("[data-potential-form]");
  const potentialBox = potentialForm.querySelector("[data-potential]");
  async function loadPotential() {
    try {
      const rows = await PRM.api(ds.potentialUrl);
      potentialBox.replaceChildren(
        ...rows.map((row) => h("div", { class: "field" },
          h("label", { for: `potential-${row.city}` }, row.city_name),
          h("input", { type: "number", id: `potential-${row.city}`, name: row.city, min: 0, max: 100, step: 1, value: row.score ?? "", readonly: !canEdit }))),
      );
    } catch (error) {
      PRM.state.error(potentialBox, error, loadPotential);
    }
  }
  potentialForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(potentialForm);
    const scores = {};
    potentialBox.querySelectorAll("input").forEach((input) => {
      if (input.value.trim() !== "") scores[input.name] = /^-?\d+$/.test(input.value.trim()) ? Number(input.value.trim()) : input.value.trim();
    });
    try {
      await PRM.api(ds.potentialUrl, { method: "PATCH", data: { scores } });
      flashOk(gettext("Market potential saved; it counts from the next nightly run."));
    } catch (error) {
      showErrors(potentialForm, error);
    }
  });

  /* ------------------------------------------------------------------ go ---------------- */
  function refresh() {
    loadGrid();
    loadBudget();
    if (currentSegment !== null) showPartners(currentSegment, 1);
  }
  Promise.all([
    fillSelect(root.querySelector('[data-param="city"]'), ds.citiesUrl, query.get("city")),
    fillSelect(root.querySelector('[data-param="type"]'), ds.typesUrl, query.get("type")),
  ]).then(refresh);
  loadWeights();
  loadConfig();
  loadPotential();
})();
