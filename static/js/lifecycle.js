/* Lifecycle pages: shared rendering (stage, risk and severity badges, flag evidence, score
 * components) in PRM.lifecycle, and the list pages: funnel, early-warning board, win-back list,
 * plans, job runs. Data comes from /api/v1/lifecycle/; strings go through the JS catalog. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const choicesEl = document.getElementById("lifecycle-choices");
  const CHOICES = choicesEl ? JSON.parse(choicesEl.textContent) : {};
  const labelOf = (list, value) => (Object.fromEntries(CHOICES[list] || [])[String(value)] || String(value ?? ""));

  const LC = (PRM.lifecycle = PRM.lifecycle || {});
  LC.choices = CHOICES;
  LC.labelOf = labelOf;

  LC.stageBadge = (stage, label) => (stage ? h("span", { class: `badge badge-stage-${stage}`, "data-stage": stage }, label || labelOf("stage", stage)) : h("span", { class: "muted" }, "—"));
  LC.riskBadge = (level, label) => h("span", { class: `badge badge-risk-${level}`, "data-risk": level }, label || labelOf("risk_level", level));
  LC.severityBadge = (severity, label) => h("span", { class: `badge badge-severity-${severity}` }, label || labelOf("severity", severity));

  const yuan = (cents) => PRM.fmt.money(Number(cents) / 100);
  const EVIDENCE = {
    sales_90d_cents: [gettext("last 90 days"), yuan],
    sales_prev_90d_cents: [gettext("the 90 days before"), yuan],
    sales_12m_cents: [gettext("last 12 months"), yuan],
    drop_pct: [gettext("down"), (v) => `${PRM.fmt.number(v)} %`],
    threshold_pct: [gettext("flag from"), (v) => `${PRM.fmt.number(v)} %`],
    last_sale_on: [gettext("last sale"), (v) => PRM.fmt.date(v)],
    days_since_sale: [gettext("days without a sale"), (v) => PRM.fmt.number(v)],
    threshold_days: [gettext("flag from (days)"), (v) => PRM.fmt.number(v)],
    previous_stage: [gettext("previous stage"), (v) => (v ? labelOf("stage", v) : gettext("none"))],
    stage_since: [gettext("since"), (v) => PRM.fmt.date(v)],
    reason: [gettext("rule"), (v) => labelOf("stage_reason", v)],
    rule_reason: [gettext("rule"), (v) => labelOf("stage_reason", v)],
    rule_stage: [gettext("stage by the rules"), (v) => labelOf("stage", v)],
    tenure_days: [gettext("tenure (days)"), (v) => PRM.fmt.number(v)],
    points: [gettext("points"), (v) => PRM.fmt.number(v)],
    first_expiry: [gettext("first expiry"), (v) => PRM.fmt.date(v)],
  };

  /** The figures that tripped a flag, as "label value" pieces. */
  LC.evidence = function evidence(data) {
    const parts = Object.entries(data || {})
      .filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([key, value]) => {
        const known = EVIDENCE[key];
        const text = known ? `${known[0]} ${known[1](value)}` : `${key.replace(/_/g, " ")} ${typeof value === "object" ? JSON.stringify(value) : value}`;
        return h("span", {}, text);
      });
    return h("span", { class: "evidence" }, parts);
  };

  LC.flagList = function flagList(flags) {
    if (!flags || !flags.length) return h("p", { class: "muted" }, gettext("No open flags."));
    return h(
      "ul",
      { class: "flag-list" },
      flags.map((flag) =>
        h(
          "li",
          { class: "flag-item", "data-flag": flag.kind },
          LC.severityBadge(flag.severity, flag.severity_display),
          h("strong", {}, flag.kind_display),
          LC.evidence(flag.evidence),
          flag.first_raised_on ? h("span", { class: "muted small" }, PRM.format(gettext("since %(day)s"), { day: PRM.fmt.date(flag.first_raised_on) })) : null,
        ),
      ),
    );
  };

  LC.scoreBars = function scoreBars(components) {
    return h(
      "ul",
      { class: "score-bars" },
      (components || []).map((c) =>
        h(
          "li",
          { class: "score-bar", "data-component": c.key },
          h("span", {}, c.label, h("span", { class: "muted small" }, ` ×${c.weight}`)),
          h("span", { class: "score-track", role: "img", "aria-label": `${c.label}: ${c.score ?? "—"}` }, h("span", { class: "score-fill", style: `width:${Math.max(0, Math.min(100, c.score || 0))}%` })),
          h("span", { class: "numeric" }, c.score ?? "—"),
        ),
      ),
    );
  };

  LC.planCell = function planCell(row, root) {
    const ds = root.dataset;
    const plans = row.active_plans || [];
    const kind = ds.kind || "retention";
    const plan = plans.find((p) => p.kind === kind);
    if (plan) {
      return h("a", { href: PRM.urlFor(ds.planUrl, plan.id), "data-plan-link": plan.id }, h("span", { class: "badge badge-plan-active" }, plan.lever_display), " ", PRM.format(gettext("review %(day)s"), { day: PRM.fmt.date(plan.review_on) }));
    }
    if (ds.canManage === "true") {
      const params = new URLSearchParams({ partner: row.id });
      if (kind !== "retention") params.set("kind", kind);
      return h("a", { class: "button button-small", href: `${ds.planCreateUrl}?${params}`, "data-start-plan": row.id }, PRM.icon("plus"), kind === "win_back" ? gettext("Win-back plan") : gettext("Retention plan"));
    }
    return h("span", { class: "muted" }, gettext("No plan"));
  };

  /** Previous / next buttons for a paginated API answer. */
  LC.pager = function pager(container, body, page, onPage) {
    if (!body || body.pages <= 1) {
      container.replaceChildren();
      container.hidden = true;
      return;
    }
    container.hidden = false;
    container.replaceChildren(
      h(
        "nav",
        { class: "pagination", "aria-label": gettext("Pages") },
        h("button", { type: "button", class: "page-button", disabled: page <= 1, onclick: () => onPage(page - 1) }, PRM.icon("chevron-left"), gettext("Previous")),
        h("span", { class: "page-status" }, PRM.format(gettext("Page %(page)s of %(pages)s"), { page, pages: body.pages })),
        h("button", { type: "button", class: "page-button", disabled: page >= body.pages, onclick: () => onPage(page + 1) }, gettext("Next"), PRM.icon("chevron-right")),
      ),
    );
  };

  async function fillCities(root) {
    const select = root.querySelector('[data-param="city"]');
    if (!select || !root.dataset.citiesUrl) return;
    try {
      const rows = await PRM.apiAll(root.dataset.citiesUrl);
      rows.forEach((row) => select.append(h("option", { value: row.code }, row.label)));
      const wanted = new URLSearchParams(window.location.search).get("city");
      if (wanted) select.value = wanted;
    } catch (error) {
      /* the filter stays at "All" */
    }
  }

  /** Filters kept in the address: read [data-param] controls, write them back on change. */
  function filterState(root, onChange) {
    const controls = Array.from(root.querySelectorAll("[data-param]"));
    const query = new URLSearchParams(window.location.search);
    controls.forEach((el) => {
      const value = query.get(el.dataset.param);
      if (value === null) return;
      if (el.type === "checkbox") el.checked = value === "true";
      else el.value = value;
    });
    const read = () => {
      const params = {};
      controls.forEach((el) => {
        const key = el.dataset.param;
        if (el.type === "checkbox") {
          if (el.checked) params[key] = "true";
        } else if (el.value.trim()) params[key] = el.value.trim();
      });
      return params;
    };
    const changed = () => {
      const params = read();
      const search = new URLSearchParams(params).toString();
      window.history.replaceState(null, "", `${window.location.pathname}${search ? `?${search}` : ""}`);
      onChange(params);
    };
    controls.forEach((el) => el.addEventListener(el.type === "search" ? "input" : "change", el.type === "search" ? PRM.debounce(changed, 300) : changed));
    const form = root.querySelector("form[data-board-filters], form[data-funnel-form]");
    if (form) form.addEventListener("submit", (event) => {
      event.preventDefault();
      changed();
    });
    return read;
  }

  function apiParams(params) {
    const out = {};
    Object.entries(params).forEach(([key, value]) => {
      out[key] = key === "risk_level" || key === "status" ? value.split(",") : value;
    });
    return out;
  }

  function partnerCell(row, root) {
    return h(
      "div",
      { class: "cell-name" },
      h("a", { class: "strong-link", href: `${PRM.urlFor(root.dataset.partnerUrl, row.partner.id)}#section-lifecycle` }, row.partner.name),
      h("span", { class: "muted small block mono" }, row.partner.code, " · ", row.partner.city_label),
    );
  }

  /* --------------------------------------------------------- board and win-back --------- */

  function listPage(root, { defaults, ordering, columns }) {
    const rowsBox = root.querySelector("[data-rows]");
    const pagerBox = root.querySelector("[data-pager]");
    const countBox = root.querySelector("[data-count]");
    let page = 1;
    let read;

    async function load(params, wanted) {
      page = wanted || 1;
      PRM.state.loading(rowsBox);
      try {
        const body = await PRM.api(root.dataset.apiUrl, { params: Object.assign({}, defaults, apiParams(params), { ordering, page, page_size: 25 }) });
        countBox.textContent = PRM.format(PRM.ngettext("%(count)s partner", "%(count)s partners", body.count), { count: PRM.fmt.number(body.count) });
        if (!body.results.length) {
          PRM.state.empty(rowsBox, gettext("Nobody on this list."), gettext("Change the filters, or wait for the next nightly run."));
          LC.pager(pagerBox, null);
          return;
        }
        PRM.state.done(rowsBox);
        rowsBox.replaceChildren(
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "table", "data-board-table": true },
              h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "numeric" : "" }, c.title)))),
              h("tbody", {}, body.results.map((row) => h("tr", { "data-partner": row.id }, columns.map((c) => h("td", { class: c.numeric ? "numeric" : "" }, c.cell(row)))))),
            ),
          ),
        );
        LC.pager(pagerBox, body, page, (next) => load(read(), next));
      } catch (error) {
        PRM.state.error(rowsBox, error, () => load(read(), page));
      }
    }

    read = filterState(root, (params) => load(params, 1));
    fillCities(root);
    load(read(), 1);
  }

  const owner = (row) => (row.partner.channel_manager ? row.partner.channel_manager.display_name : h("span", { class: "muted" }, gettext("No owner")));

  const board = document.getElementById("lifecycle-board");
  if (board) {
    listPage(board, {
      defaults: { risk_level: ["3"] },
      ordering: "-value_score",
      columns: [
        { title: gettext("Partner"), cell: (row) => partnerCell(row, board) },
        { title: gettext("Value"), numeric: true, cell: (row) => h("strong", { "data-value": row.value_score }, row.value_score) },
        { title: gettext("Stage"), cell: (row) => h("span", {}, LC.stageBadge(row.stage, row.stage_display), h("span", { class: "muted small block" }, PRM.format(gettext("since %(day)s"), { day: PRM.fmt.date(row.stage_since) }))) },
        { title: gettext("Risk"), cell: (row) => h("span", {}, LC.riskBadge(row.risk_level, row.risk_level_display), row.high_risk_since ? h("span", { class: "muted small block" }, PRM.format(gettext("since %(day)s"), { day: PRM.fmt.date(row.high_risk_since) })) : null) },
        { title: gettext("Evidence"), cell: (row) => LC.flagList(row.open_flags) },
        { title: gettext("Owner"), cell: owner },
        { title: gettext("Plan"), cell: (row) => LC.planCell(row, board) },
      ],
    });
  }

  const winback = document.getElementById("lifecycle-winback");
  if (winback) {
    listPage(winback, {
      defaults: {},
      ordering: "-last_active_value_score",
      columns: [
        { title: gettext("Partner"), cell: (row) => partnerCell(row, winback) },
        { title: gettext("Value before exit"), numeric: true, cell: (row) => h("strong", {}, row.last_active_value_score) },
        { title: gettext("Exited"), cell: (row) => h("span", {}, LC.stageBadge(row.stage, row.stage_display), h("span", { class: "muted small block" }, PRM.format(gettext("since %(day)s"), { day: PRM.fmt.date(row.stage_since) }))) },
        { title: gettext("Why"), cell: (row) => row.rule_reason_display },
        { title: gettext("Sales, 12 months"), numeric: true, cell: (row) => PRM.fmt.money(row.sales_12m) },
        { title: gettext("Owner"), cell: owner },
        { title: gettext("Plan"), cell: (row) => LC.planCell(row, winback) },
      ],
    });
  }

  /* ----------------------------------------------------------------- plans ------------- */

  const plans = document.getElementById("lifecycle-plans");
  if (plans) {
    const rowsBox = plans.querySelector("[data-rows]");
    const pagerBox = plans.querySelector("[data-pager]");
    const countBox = plans.querySelector("[data-count]");
    let read;
    const load = async (params, page) => {
      PRM.state.loading(rowsBox);
      try {
        const body = await PRM.api(plans.dataset.apiUrl, { params: Object.assign({ ordering: "review_on", page, page_size: 25 }, params) });
        countBox.textContent = PRM.format(PRM.ngettext("%(count)s plan", "%(count)s plans", body.count), { count: PRM.fmt.number(body.count) });
        if (!body.results.length) {
          PRM.state.empty(rowsBox, gettext("No plans."), gettext("Plans are opened from the early-warning board, the win-back list or a partner's page."));
          LC.pager(pagerBox, null);
          return;
        }
        PRM.state.done(rowsBox);
        rowsBox.replaceChildren(
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "table" },
              h("thead", {}, h("tr", {}, [gettext("Partner"), gettext("Kind"), gettext("Lever"), gettext("Owner"), gettext("Actions done"), gettext("Review on"), gettext("Status")].map((t) => h("th", { scope: "col" }, t)))),
              h(
                "tbody",
                {},
                body.results.map((plan) => {
                  const done = plan.actions.filter((a) => a.status === "done").length;
                  return h(
                    "tr",
                    { "data-plan": plan.id },
                    h("td", {}, h("a", { class: "strong-link", href: PRM.urlFor(plans.dataset.planUrl, plan.id) }, plan.partner_detail.name), h("span", { class: "muted small block mono" }, plan.partner_detail.code)),
                    h("td", {}, plan.kind_display),
                    h("td", {}, plan.lever_display),
                    h("td", {}, plan.owner_detail ? plan.owner_detail.display_name : ""),
                    h("td", { class: "numeric" }, `${done} / ${plan.actions.length}`),
                    h("td", { class: "nowrap" }, PRM.fmt.date(plan.review_on)),
                    h("td", {}, h("span", { class: `badge badge-plan-${plan.status}` }, plan.status === "closed" ? plan.outcome_display : plan.status_display)),
                  );
                }),
              ),
            ),
          ),
        );
        LC.pager(pagerBox, body, page, (next) => load(read(), next));
      } catch (error) {
        PRM.state.error(rowsBox, error, () => load(read(), page));
      }
    };
    read = filterState(plans, (params) => load(params, 1));
    load(read(), 1);
  }

  /* ----------------------------------------------------------------- funnel ------------ */

  const funnel = document.getElementById("lifecycle-funnel");
  if (funnel) {
    const ds = funnel.dataset;
    const STAGE_COLORS = { A: "#3aa0e8", B: "#16a34a", C: "#1f4fd1", D: "#f29d38", E: "#94a3b8" };
    let chart = null;
    let read;
    const errorBox = funnel.querySelector("[data-funnel-error]");

    function params(values) {
      const out = {};
      if (values.date_from) out.date_from = values.date_from;
      if (values.date_to) out.date_to = values.date_to;
      if (values.city) out.city = values.city;
      return out;
    }

    function renderKpis(body) {
      funnel.querySelector("[data-stage-kpis]").replaceChildren(
        ...body.stages.map((s) =>
          h(
            "div",
            { class: "kpi", "data-stage-count": s.stage },
            h("span", { class: "kpi-label" }, LC.stageBadge(s.stage, s.label)),
            h("span", { class: "kpi-value" }, PRM.fmt.number(s.count)),
            h("span", { class: "kpi-share" }, PRM.format(gettext("+%(in)s in · −%(out)s out"), { in: PRM.fmt.number(s.entered), out: PRM.fmt.number(s.left) })),
          ),
        ),
      );
    }

    function renderChart(body) {
      const state = funnel.querySelector("[data-chart-state]");
      const canvas = funnel.querySelector("#funnel-chart");
      const total = body.stages.reduce((sum, s) => sum + s.count, 0);
      funnel.querySelector("[data-as-of]").textContent = body.as_of ? PRM.format(gettext("as of %(day)s"), { day: PRM.fmt.date(body.as_of) }) : "";
      if (!total || !window.Chart) {
        canvas.parentElement.hidden = true;
        PRM.state.empty(state, gettext("No stages computed yet."), gettext("The nightly job classifies every partner."));
        return;
      }
      state.replaceChildren();
      canvas.parentElement.hidden = false;
      const data = {
        labels: body.stages.map((s) => s.label),
        datasets: [
          { label: gettext("Partners"), data: body.stages.map((s) => s.count), backgroundColor: body.stages.map((s) => STAGE_COLORS[s.stage]), borderRadius: 4, maxBarThickness: 48 },
          { label: gettext("Entered in the period"), data: body.stages.map((s) => s.entered), backgroundColor: "rgba(22,163,74,0.35)", borderRadius: 4, maxBarThickness: 48 },
          { label: gettext("Left in the period"), data: body.stages.map((s) => s.left), backgroundColor: "rgba(192,48,48,0.35)", borderRadius: 4, maxBarThickness: 48 },
        ],
      };
      if (chart) chart.destroy();
      chart = new window.Chart(canvas, {
        type: "bar",
        data,
        options: {
          locale: PRM.lang,
          responsive: true,
          maintainAspectRatio: false,
          animation: { duration: 250 },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false } } },
          plugins: { legend: { position: "bottom" } },
        },
      });
      canvas.setAttribute("aria-label", body.stages.map((s) => `${s.label} ${s.count}`).join(", "));
    }

    function renderMoves(body) {
      const box = funnel.querySelector("[data-moves]");
      if (!body.moves.length) {
        PRM.state.empty(box, gettext("No moves between stages in this period."));
        return;
      }
      box.replaceChildren(
        h(
          "table",
          { class: "table moves-table" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, gettext("From")), h("th", { scope: "col" }, gettext("To")), h("th", { scope: "col", class: "numeric" }, gettext("Partners")))),
          h("tbody", {}, body.moves.map((m) => h("tr", { "data-move": `${m.from_stage}${m.to_stage}` }, h("td", {}, LC.stageBadge(m.from_stage)), h("td", {}, LC.stageBadge(m.to_stage)), h("td", { class: "numeric" }, PRM.fmt.number(m.count))))),
        ),
      );
    }

    async function loadRecent(values, page) {
      const box = funnel.querySelector("[data-recent]");
      PRM.state.loading(box);
      try {
        const query = { moves_only: "true", page, page_size: 15 };
        if (values.date_from) query.date_from = values.date_from;
        if (values.date_to) query.date_to = values.date_to;
        if (values.city) query.city = values.city;
        if (values.mine) query.managed_by_me = "true";
        const body = await PRM.api(ds.changesUrl, { params: query });
        if (!body.results.length) {
          PRM.state.empty(box, gettext("No stage changes in this period."));
          LC.pager(funnel.querySelector("[data-recent-pager]"), null);
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
                  h("a", { href: `${PRM.urlFor(ds.partnerUrl, c.partner.id)}#section-lifecycle`, class: "mono" }, c.partner.code),
                  " ",
                  LC.stageBadge(c.from_stage, c.from_stage_display),
                  " → ",
                  LC.stageBadge(c.to_stage, c.to_stage_display),
                  h("span", { class: "muted small block" }, PRM.fmt.date(c.as_of), " · ", c.reason_display, c.changed_by ? ` · ${c.changed_by.display_name}` : ""),
                ),
              ),
            ),
          ),
        );
        LC.pager(funnel.querySelector("[data-recent-pager]"), body, page, (next) => loadRecent(read(), next));
      } catch (error) {
        PRM.state.error(box, error, () => loadRecent(read(), page));
      }
    }

    async function load(values) {
      errorBox.hidden = true;
      const query = params(values);
      if (values.mine) query.owner = ds.userId;
      try {
        const body = await PRM.api(ds.funnelUrl, { params: query });
        if (!values.date_from) funnel.querySelector('[data-param="date_from"]').value = body.date_from;
        if (!values.date_to) funnel.querySelector('[data-param="date_to"]').value = body.date_to;
        renderKpis(body);
        renderChart(body);
        renderMoves(body);
      } catch (error) {
        errorBox.textContent = error instanceof PRM.ApiError && error.status === 400 ? Object.values(error.data).flat().join(" ") : error.userMessage || gettext("Something went wrong. Try again.");
        errorBox.hidden = false;
      }
      loadRecent(values, 1);
    }

    read = filterState(funnel, load);
    fillCities(funnel);
    load(read());
  }

  /* ---------------------------------------------------------------- job runs ----------- */

  const runs = document.getElementById("lifecycle-runs");
  if (runs) {
    const rowsBox = runs.querySelector("[data-rows]");
    const detail = runs.querySelector("[data-run-detail]");
    const seconds = (value) => (value === null || value === undefined ? "—" : PRM.format(gettext("%(seconds)s s"), { seconds: PRM.fmt.number(value) }));

    async function showChunks(id) {
      const body = await PRM.api(`${runs.dataset.apiUrl}${id}/`);
      detail.hidden = false;
      detail.querySelector("[data-chunks]").replaceChildren(
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table table-compact" },
            h("thead", {}, h("tr", {}, [gettext("Partner ids"), gettext("Status"), gettext("Attempts"), gettext("Partners"), gettext("Stage changes"), gettext("Flags raised"), gettext("Flags cleared"), gettext("Error")].map((t) => h("th", { scope: "col" }, t)))),
            h(
              "tbody",
              {},
              body.chunks.map((c) =>
                h(
                  "tr",
                  {},
                  h("td", { class: "mono nowrap" }, `${c.partner_lo}–${c.partner_hi}`),
                  h("td", {}, h("span", { class: `badge badge-run-${c.status}` }, labelOf("run_status", c.status) || c.status)),
                  h("td", { class: "numeric" }, c.attempts),
                  h("td", { class: "numeric" }, PRM.fmt.number(c.partners)),
                  h("td", { class: "numeric" }, PRM.fmt.number(c.stage_changes)),
                  h("td", { class: "numeric" }, PRM.fmt.number(c.flags_raised)),
                  h("td", { class: "numeric" }, PRM.fmt.number(c.flags_cleared)),
                  h("td", { class: "small" }, c.error),
                ),
              ),
            ),
          ),
        ),
      );
      detail.scrollIntoView({ block: "nearest" });
    }

    async function load(page) {
      PRM.state.loading(rowsBox);
      try {
        const body = await PRM.api(runs.dataset.apiUrl, { params: { page, page_size: 20 } });
        if (!body.results.length) {
          PRM.state.empty(rowsBox, gettext("No runs yet."), gettext("The job runs every night; start one now with the form above."));
          return;
        }
        PRM.state.done(rowsBox);
        rowsBox.replaceChildren(
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "table" },
              h("thead", {}, h("tr", {}, [gettext("Day"), gettext("Mode"), gettext("Status"), gettext("Chunks"), gettext("Partners"), gettext("Stage changes"), gettext("Flags raised"), gettext("Flags cleared"), gettext("Newly high-risk"), gettext("Duration"), gettext("Started")].map((t) => h("th", { scope: "col" }, t)))),
              h(
                "tbody",
                {},
                body.results.map((run) =>
                  h(
                    "tr",
                    { "data-run": run.id },
                    h("td", { class: "nowrap" }, h("button", { type: "button", class: "link-button", onclick: () => showChunks(run.id) }, PRM.fmt.date(run.as_of))),
                    h("td", {}, run.mode_display),
                    h("td", {}, h("span", { class: `badge badge-run-${run.status}`, title: run.error || "" }, run.status_display)),
                    h("td", { class: "numeric" }, `${run.chunks_done} / ${run.chunks_total}`),
                    h("td", { class: "numeric" }, PRM.fmt.number(run.partners)),
                    h("td", { class: "numeric" }, PRM.fmt.number(run.stage_changes)),
                    h("td", { class: "numeric" }, PRM.fmt.number(run.flags_raised)),
                    h("td", { class: "numeric" }, PRM.fmt.number(run.flags_cleared)),
                    h("td", { class: "numeric" }, PRM.fmt.number(run.new_high_risk)),
                    h("td", { class: "numeric" }, seconds(run.duration_seconds)),
                    h("td", { class: "nowrap small" }, PRM.fmt.datetime(run.started_at), run.triggered_by ? h("span", { class: "muted block" }, run.triggered_by.display_name) : h("span", { class: "muted block" }, run.trigger_display)),
                  ),
                ),
              ),
            ),
          ),
        );
        LC.pager(runs.querySelector("[data-pager]"), body, page, load);
      } catch (error) {
        PRM.state.error(rowsBox, error, () => load(page));
      }
    }

    runs.querySelector("[data-refresh]").addEventListener("click", () => load(1));
    if (PRM.forms) {
      PRM.forms.bind(runs.querySelector("[data-run-form]"), {
        url: runs.dataset.apiUrl,
        method: "POST",
        transform: (data) => (data.as_of ? data : {}),
        onSuccess: (run) => {
          PRM.flash.show(PRM.format(gettext("Run for %(day)s started."), { day: PRM.fmt.date(run.as_of) }));
          load(1);
        },
      });
    }
    load(1);
  }
})();
