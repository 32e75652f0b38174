/* The partner list: every filter of /api/v1/partners/ as a control, search, sort and pages.
 * The page's address holds exactly the API's query parameters, so a view can be bookmarked,
 * shared, and walked with the browser's back and forward buttons. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, ngettext, h } = PRM;
  const root = document.getElementById("partner-list");
  if (!root) return;
  const ds = root.dataset;

  const MULTI = ["type", "tier", "cooperation_model", "city", "status"];
  const SINGLE = ["q", "channel_manager", "customer_class", "product", "joined_from", "joined_to", "managed_by_me"];
  const VIEW = ["ordering", "page", "page_size"];
  const DEFAULT_PAGE_SIZE = "25";

  const form = root.querySelector("[data-filters]");
  const rows = root.querySelector("[data-rows]");
  const table = root.querySelector("[data-table]");
  const stateBox = root.querySelector("[data-state]");
  const results = root.querySelector("[data-results]");
  const summary = root.querySelector("[data-results-summary]");
  const pagination = root.querySelector("[data-pagination]");
  const choices = JSON.parse(document.getElementById("filter-choices").textContent);

  // value -> label, per filter, for chips and summaries.
  const labels = {};
  const fieldLabels = {};
  form.querySelectorAll("[data-field]").forEach((field) => {
    const label = field.querySelector("label, .field-label");
    if (label) fieldLabels[field.dataset.field] = label.textContent.trim();
  });
  fieldLabels.q = gettext("Search");

  let state = readState();
  let controller = null;

  /* ------------------------------------------------------------------ state ------------ */

  function readState() {
    const params = new URLSearchParams(window.location.search);
    const next = {};
    MULTI.forEach((key) => {
      next[key] = params.getAll(key).filter(Boolean);
    });
    SINGLE.concat(VIEW).forEach((key) => {
      next[key] = params.get(key) || "";
    });
    return next;
  }

  function toParams(current) {
    const params = new URLSearchParams();
    MULTI.forEach((key) => current[key].forEach((value) => params.append(key, value)));
    SINGLE.forEach((key) => {
      if (current[key]) params.set(key, current[key]);
    });
    if (current.ordering) params.set("ordering", current.ordering);
    if (current.page && current.page !== "1") params.set("page", current.page);
    if (current.page_size && current.page_size !== DEFAULT_PAGE_SIZE) params.set("page_size", current.page_size);
    return params;
  }

  function activeFilterCount() {
    return MULTI.reduce((n, key) => n + state[key].length, 0) + SINGLE.filter((key) => state[key]).length;
  }

  /** Change the state, write it into the address and load. `push` adds a history entry. */
  function update(changes, { push = true, keepPage = false } = {}) {
    state = Object.assign({}, state, changes);
    if (!keepPage) state.page = "";
    const query = toParams(state).toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
    if (url !== `${window.location.pathname}${window.location.search}`) {
      window.history[push ? "pushState" : "replaceState"]({}, "", url);
    }
    applyToControls();
    load();
  }

  /* --------------------------------------------------------------- controls ------------ */

  function buildMultiselect(key, options) {
    const details = form.querySelector(`details[data-filter="${key}"]`);
    labels[key] = Object.fromEntries(options);
    const box = details.querySelector("[data-options]");
    box.replaceChildren(
      ...options.map(([value, label]) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", value, "data-option-of": key }), h("span", {}, label)),
      ),
    );
    box.addEventListener("change", () => {
      const selected = Array.from(box.querySelectorAll("input:checked")).map((input) => input.value);
      update({ [key]: selected });
    });
  }

  function multiselectSummary(key) {
    const values = state[key];
    if (!values.length) return gettext("All");
    const names = values.map((v) => (labels[key] && labels[key][v]) || v);
    return names.length <= 2 ? names.join(", ") : PRM.format(gettext("%(count)s selected"), { count: names.length });
  }

  function applyToControls() {
    MULTI.forEach((key) => {
      const details = form.querySelector(`details[data-filter="${key}"]`);
      details.querySelectorAll("input[type=checkbox]").forEach((input) => {
        input.checked = state[key].includes(input.value);
      });
      details.querySelector("[data-summary]").textContent = multiselectSummary(key);
      details.classList.toggle("is-set", state[key].length > 0);
    });
    SINGLE.concat(["ordering", "page_size"]).forEach((key) => {
      const control = form.querySelector(`[data-filter="${key}"]`) || root.querySelector(`[data-filter="${key}"]`);
      if (!control) return;
      if (control.type === "checkbox") control.checked = state[key] === "true";
      else if (document.activeElement !== control || control.type !== "search") {
        control.value = key === "page_size" ? state[key] || DEFAULT_PAGE_SIZE : state[key];
      }
    });
    const ordering = state.ordering || "code";
    table.querySelectorAll("th[data-sort]").forEach((th) => {
      const field = th.dataset.sort;
      if (ordering === field) th.setAttribute("aria-sort", "ascending");
      else if (ordering === `-${field}`) th.setAttribute("aria-sort", "descending");
      else th.removeAttribute("aria-sort");
    });
    renderChips();
  }

  function chipLabel(key, value) {
    if (labels[key] && labels[key][value]) return labels[key][value];
    if (key === "joined_from" || key === "joined_to") return PRM.fmt.date(value);
    if (key === "managed_by_me") return value === "true" ? gettext("Yes") : gettext("No");
    return value;
  }

  function renderChips() {
    const box = form.querySelector("[data-active-filters]");
    const list = box.querySelector("[data-chips]");
    const chips = [];
    const chip = (key, value, remove) =>
      h(
        "li",
        { class: "chip" },
        h("span", { class: "chip-key" }, `${fieldLabels[key] || key}:`),
        h("span", {}, chipLabel(key, value)),
        h(
          "button",
          { type: "button", class: "chip-remove", "aria-label": PRM.format(gettext("Remove filter %(name)s"), { name: `${fieldLabels[key] || key}: ${chipLabel(key, value)}` }), onclick: remove },
          PRM.icon("close", "icon-small"),
        ),
      );
    MULTI.forEach((key) => state[key].forEach((value) => chips.push(chip(key, value, () => update({ [key]: state[key].filter((v) => v !== value) })))));
    SINGLE.forEach((key) => {
      if (state[key]) chips.push(chip(key, state[key], () => update({ [key]: "" })));
    });
    list.replaceChildren(...chips);
    box.hidden = chips.length === 0;
    const count = root.querySelector("[data-filter-count]");
    count.textContent = String(activeFilterCount());
    count.hidden = activeFilterCount() === 0;
  }

  function bindControls() {
    const search = form.querySelector('[data-filter="q"]');
    const searchNow = PRM.debounce(() => update({ q: search.value.trim() }, { push: false }), 350);
    search.addEventListener("input", searchNow);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update({ q: search.value.trim() });
    });
    ["channel_manager", "customer_class", "product", "joined_from", "joined_to", "ordering"].forEach((key) => {
      const control = form.querySelector(`[data-filter="${key}"]`);
      control.addEventListener("change", () => update({ [key]: control.value }));
    });
    const mine = form.querySelector('[data-filter="managed_by_me"]');
    if (mine) mine.addEventListener("change", () => update({ managed_by_me: mine.checked ? "true" : "" }));
    const pageSize = root.querySelector('[data-filter="page_size"]');
    pageSize.addEventListener("change", () => update({ page_size: pageSize.value }));
    form.querySelector("[data-clear-filters]").addEventListener("click", clearFilters);

    table.querySelectorAll("th[data-sort] .sort-button").forEach((button) => {
      button.addEventListener("click", () => {
        const field = button.closest("th").dataset.sort;
        const current = state.ordering || "code";
        update({ ordering: current === field ? `-${field}` : field === "code" ? "" : field });
      });
    });

    const toggle = form.querySelector("[data-filters-toggle]");
    const panel = form.querySelector("[data-filters-panel]");
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      panel.classList.toggle("is-open", open);
    });

    window.addEventListener("popstate", () => {
      state = readState();
      applyToControls();
      load();
    });
  }

  function clearFilters() {
    const cleared = {};
    MULTI.forEach((key) => {
      cleared[key] = [];
    });
    SINGLE.forEach((key) => {
      cleared[key] = "";
    });
    form.querySelector('[data-filter="q"]').value = "";
    update(cleared);
  }

  /* ---------------------------------------------------------------- results ------------ */

  function cell(label, ...content) {
    return h("td", { "data-label": label }, ...content);
  }

  /** "Full Name (username)" shows as the name, with the username on hover. */
  function managerName(display) {
    if (!display) return h("span", { class: "muted" }, "—");
    const match = /^(.+) \(([^()]+)\)$/.exec(display);
    return match ? h("span", { title: match[2] }, match[1]) : display;
  }

  function renderRows(partners) {
    const head = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    rows.replaceChildren(
      ...partners.map((p) => {
        const url = PRM.urlFor(ds.detailUrl, p.id);
        return h(
          "tr",
          { "data-href": url },
          h("td", { "data-label": head[0], class: "nowrap" }, h("a", { href: url, class: "mono" }, p.code)),
          h(
            "td",
            { "data-label": head[1], class: "cell-name" },
            h(
              "div",
              { class: "cell-stack" },
              h("a", { href: url, class: "strong-link" }, p.name),
              p.name_en ? h("span", { class: "muted small block ellipsis", title: p.name_en }, p.name_en) : null,
            ),
          ),
          cell(head[2], p.partner_type_label),
          cell(head[3], PRM.badge("tier", p.tier, p.tier_display)),
          cell(head[4], p.city_label),
          cell(head[5], PRM.badge("status", p.status, p.status_display)),
          cell(head[6], managerName(p.channel_manager_name)),
          h("td", { "data-label": head[7], class: "numeric" }, PRM.fmt.date(p.joined_on)),
        );
      }),
    );
  }

  function renderPagination(body) {
    const page = body.page;
    const pages = body.pages;
    pagination.hidden = pages <= 1;
    if (pages <= 1) {
      pagination.replaceChildren();
      return;
    }
    const go = (n) => () => {
      update({ page: String(n) }, { keepPage: true });
      summary.scrollIntoView({ block: "nearest" });
    };
    const numbers = new Set([1, pages, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pages));
    const sorted = Array.from(numbers).sort((a, b) => a - b);
    const items = [];
    items.push(
      h("button", { type: "button", class: "page-button", disabled: page <= 1, onclick: go(page - 1), "aria-label": gettext("Previous page") }, PRM.icon("chevron-left"), h("span", { class: "page-word" }, gettext("Previous"))),
    );
    sorted.forEach((n, index) => {
      if (index > 0 && n - sorted[index - 1] > 1) items.push(h("span", { class: "page-gap", "aria-hidden": "true" }, "…"));
      items.push(
        h(
          "button",
          { type: "button", class: `page-button${n === page ? " is-current" : ""}`, "aria-current": n === page ? "page" : null, onclick: n === page ? null : go(n), "aria-label": PRM.format(gettext("Page %(page)s"), { page: n }) },
          PRM.fmt.number(n),
        ),
      );
    });
    items.push(
      h("button", { type: "button", class: "page-button", disabled: page >= pages, onclick: go(page + 1), "aria-label": gettext("Next page") }, h("span", { class: "page-word" }, gettext("Next")), PRM.icon("chevron-right")),
    );
    pagination.replaceChildren(...items);
  }

  function describeErrors(error) {
    if (!(error instanceof PRM.ApiError) || error.status !== 400) return error;
    const lines = Object.entries(error.data || {}).map(([key, value]) => `${fieldLabels[key] || key}: ${[].concat(value).join(" ")}`);
    const described = new PRM.ApiError(400, { detail: lines.join(" ") });
    return described;
  }

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const params = toParams(state);
    if (!params.has("page_size")) params.set("page_size", DEFAULT_PAGE_SIZE);
    results.setAttribute("aria-busy", "true");
    results.classList.add("is-loading");
    if (!rows.children.length) PRM.state.loading(stateBox, gettext("Loading partners…"));
    try {
      const body = await PRM.api(ds.apiUrl, { params, signal: controller.signal });
      results.classList.remove("is-loading");
      PRM.state.done(results);
      if (body.count === 0) {
        rows.replaceChildren();
        table.hidden = true;
        const filtered = activeFilterCount() > 0;
        PRM.state.empty(
          stateBox,
          filtered ? gettext("No partners match these filters.") : gettext("There are no partners to show yet."),
          filtered ? gettext("Try fewer filters or another search.") : null,
          filtered ? h("button", { type: "button", class: "button button-small", onclick: clearFilters }, gettext("Clear all filters")) : null,
        );
        summary.textContent = gettext("No partners found");
        renderPagination({ page: 1, pages: 1 });
        return;
      }
      if (body.results.length === 0 && body.page > 1) {
        update({ page: String(body.pages) }, { push: false, keepPage: true });
        return;
      }
      stateBox.replaceChildren();
      table.hidden = false;
      renderRows(body.results);
      const start = (body.page - 1) * body.page_size + 1;
      const end = start + body.results.length - 1;
      summary.textContent = PRM.format(
        ngettext("%(start)s–%(end)s of %(count)s partner", "%(start)s–%(end)s of %(count)s partners", body.count),
        { start: PRM.fmt.number(start), end: PRM.fmt.number(end), count: PRM.fmt.number(body.count) },
      );
      renderPagination(body);
    } catch (error) {
      if (error.name === "AbortError") return;
      results.classList.remove("is-loading");
      rows.replaceChildren();
      table.hidden = true;
      summary.textContent = gettext("Partners");
      pagination.hidden = true;
      PRM.state.error(stateBox, describeErrors(error), error.status === 400 ? null : load);
      if (error.status === 400) {
        stateBox.querySelector(".state-error").append(
          h("button", { type: "button", class: "button button-small", onclick: clearFilters }, gettext("Clear all filters")),
        );
      }
    }
  }

  /* ------------------------------------------------------------------ start ------------ */

  rows.addEventListener("click", (event) => {
    if (event.target.closest("a, button")) return;
    const row = event.target.closest("tr[data-href]");
    if (row) window.location.assign(row.dataset.href);
  });

  async function start() {
    PRM.state.loading(stateBox, gettext("Loading partners…"));
    try {
      const [types, cities, products] = await Promise.all([
        PRM.api(ds.typesUrl),
        PRM.api(ds.citiesUrl),
        PRM.apiAll(ds.productsUrl),
      ]);
      buildMultiselect("type", types.map((t) => [t.code, t.label]));
      buildMultiselect("city", cities.map((c) => [c.code, c.label]));
      ["tier", "status", "cooperation_model"].forEach((key) => buildMultiselect(key, choices[key]));
      labels.channel_manager = Object.fromEntries(choices.channel_manager);
      labels.customer_class = Object.fromEntries(choices.customer_class);
      labels.product = Object.fromEntries(products.map((p) => [p.code, p.label]));
      const productSelect = form.querySelector('[data-filter="product"]');
      productSelect.append(...products.map((p) => h("option", { value: p.code }, `${p.label} (${p.code})`)));
    } catch (error) {
      PRM.state.error(stateBox, error, () => window.location.reload());
      return;
    }
    bindControls();
    applyToControls();
    load();
  }

  start();
})();
