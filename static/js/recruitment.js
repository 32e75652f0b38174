/* Recruitment staff pages: the prospects and applications queue, the new-prospect form and a
 * prospect's page with its accept / reject dialogs. Data from /api/v1/recruitment/; every
 * string goes through the JS catalog, every value is inserted as text (never as HTML). */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const choicesEl = document.getElementById("recruitment-choices");
  const CHOICES = choicesEl ? JSON.parse(choicesEl.textContent) : {};
  const labelOf = (list, value) => Object.fromEntries(CHOICES[list] || [])[String(value)] || String(value ?? "");
  const statusBadge = (status, label) => h("span", { class: `badge badge-recruitment-${status}`, "data-status": status }, label || labelOf("status", status));
  const dash = () => h("span", { class: "muted" }, "—");

  async function fillSelect(select, url) {
    if (!select || !url) return;
    try {
      const rows = await PRM.apiAll(url);
      const keep = Array.from(select.querySelectorAll("option")).filter((o) => o.value === "");
      select.replaceChildren(...keep, ...rows.map((row) => h("option", { value: row.code }, row.label)));
      const wanted = new URLSearchParams(window.location.search).get(select.dataset.param || select.name);
      if (wanted) select.value = wanted;
    } catch (error) {
      /* the select keeps its empty choice */
    }
  }

  /* ---------------------------------------------------------------- queue -------------- */

  const queue = document.getElementById("recruitment-queue");
  if (queue) {
    const ds = queue.dataset;
    const rowsBox = queue.querySelector("[data-rows]");
    const pagerBox = queue.querySelector("[data-pager]");
    const countBox = queue.querySelector("[data-count]");
    const controls = Array.from(queue.querySelectorAll("[data-param]"));
    const query = new URLSearchParams(window.location.search);
    controls.forEach((el) => {
      const value = query.get(el.dataset.param);
      if (value === null) return;
      if (el.type === "checkbox") el.checked = value === "true";
      else el.value = value;
    });
    let page = 1;

    const read = () => {
      const params = {};
      controls.forEach((el) => {
        if (el.type === "checkbox") {
          if (el.checked) params[el.dataset.param] = "true";
        } else if (el.value.trim()) params[el.dataset.param] = el.value.trim();
      });
      return params;
    };

    function pager(body) {
      if (!body || body.pages <= 1) {
        pagerBox.hidden = true;
        pagerBox.replaceChildren();
        return;
      }
      pagerBox.hidden = false;
      pagerBox.replaceChildren(
        h(
          "nav",
          { class: "pagination", "aria-label": gettext("Pages") },
          h("button", { type: "button", class: "page-button", disabled: page <= 1, onclick: () => load(page - 1) }, PRM.icon("chevron-left"), gettext("Previous")),
          h("span", { class: "page-status" }, PRM.format(gettext("Page %(page)s of %(pages)s"), { page, pages: body.pages })),
          h("button", { type: "button", class: "page-button", disabled: page >= body.pages, onclick: () => load(page + 1) }, gettext("Next"), PRM.icon("chevron-right")),
        ),
      );
    }

    async function load(wanted) {
      page = wanted || 1;
      const values = read();
      const params = { page, page_size: 25, ordering: "-entered_on" };
      ["q", "status", "source", "type", "city"].forEach((key) => {
        if (values[key]) params[key] = values[key];
      });
      if (values.mine) params.owner = ds.userId;
      const search = new URLSearchParams(values).toString();
      window.history.replaceState(null, "", `${window.location.pathname}${search ? `?${search}` : ""}`);
      PRM.state.loading(rowsBox);
      try {
        const body = await PRM.api(ds.apiUrl, { params });
        countBox.textContent = PRM.format(gettext("%(count)s found"), { count: PRM.fmt.number(body.count) });
        if (!body.results.length) {
          PRM.state.empty(rowsBox, gettext("No prospects match these filters."));
          pager(null);
          return;
        }
        PRM.state.done(rowsBox);
        const heads = [gettext("Company"), gettext("Partner type"), gettext("City branch"), gettext("Source"), gettext("Status"), gettext("Entered"), gettext("Owner")];
        rowsBox.replaceChildren(
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "table" },
              h("thead", {}, h("tr", {}, heads.map((t) => h("th", { scope: "col" }, t)))),
              h(
                "tbody",
                {},
                body.results.map((p) =>
                  h(
                    "tr",
                    { "data-prospect": p.id },
                    h("td", {}, h("a", { class: "strong-link", href: PRM.urlFor(ds.detailUrl, p.id) }, p.company_name), h("span", { class: "muted small block" }, p.contact_name)),
                    h("td", {}, p.partner_type_label),
                    h("td", {}, p.city_label),
                    h("td", {}, p.source_display),
                    h("td", {}, statusBadge(p.status, p.status_display)),
                    h("td", { class: "nowrap" }, PRM.fmt.date(p.applied_on || p.entered_on)),
                    h("td", {}, p.owner_name || dash()),
                  ),
                ),
              ),
            ),
          ),
        );
        pager(body);
      } catch (error) {
        PRM.state.error(rowsBox, error, () => load(page));
      }
    }

    controls.forEach((el) => el.addEventListener(el.type === "search" ? "input" : "change", el.type === "search" ? PRM.debounce(() => load(1), 300) : () => load(1)));
    queue.querySelector("[data-queue-filters]").addEventListener("submit", (event) => {
      event.preventDefault();
      load(1);
    });
    Promise.all([
      fillSelect(queue.querySelector('[data-source="types"]'), ds.typesUrl),
      fillSelect(queue.querySelector('[data-source="cities"]'), ds.citiesUrl),
    ]).finally(() => load(1));
  }

  /* ---------------------------------------------------------------- new prospect ------- */

  const form = document.getElementById("prospect-form");
  if (form) {
    const ds = form.dataset;
    fillSelect(form.querySelector('select[data-source="types"]'), ds.typesUrl);
    fillSelect(form.querySelector('select[data-source="cities"]'), ds.citiesUrl);
    (async () => {
      const grid = form.querySelector('[data-multi="products"]');
      try {
        const rows = await PRM.apiAll(ds.productsUrl);
        grid.replaceChildren(...rows.map((row) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "products", value: row.code }), ` ${row.label}`)));
      } catch (error) {
        grid.replaceChildren(h("p", { class: "muted" }, gettext("Could not load the products.")));
      }
    })();
    PRM.forms.bind(form, {
      url: ds.apiUrl,
      method: "POST",
      onSuccess(prospect) {
        PRM.flash.next(PRM.format(gettext("Prospect %(name)s created."), { name: prospect.company_name }));
        window.location.assign(PRM.urlFor(ds.detailUrl, prospect.id));
      },
    });
  }

  /* ---------------------------------------------------------------- detail ------------- */

  const page = document.getElementById("prospect-page");
  if (page) {
    const ds = page.dataset;

    function definition(label, value) {
      return h("div", { class: "definition" }, h("dt", {}, label), h("dd", {}, value === "" || value === null || value === undefined ? dash() : value));
    }

    function render(p) {
      const summary = page.querySelector("[data-summary]");
      summary.removeAttribute("aria-busy");
      const email = p.contact_email ? h("a", { href: `mailto:${p.contact_email}` }, p.contact_email) : "";
      const partner = p.partner && ds.partnerUrl ? h("a", { href: ds.partnerUrl, class: "mono" }, p.partner_code) : "";
      const extra = [
        p.message ? h("div", { class: "prospect-message" }, h("h3", {}, gettext("About the company")), h("p", { class: "pre-wrap" }, p.message)) : null,
        p.notes ? h("div", { class: "prospect-notes" }, h("h3", {}, gettext("Internal notes")), h("p", { class: "pre-wrap" }, p.notes)) : null,
      ].filter(Boolean);
      summary.replaceChildren(
        h(
          "dl",
          { class: "definition-list" },
          definition(gettext("Company name"), p.company_name),
          definition(gettext("Status"), statusBadge(p.status, p.status_display)),
          definition(gettext("Partner type"), p.partner_type_label),
          definition(gettext("Cooperation model"), p.cooperation_model_display),
          definition(gettext("City branch"), p.city_label),
          definition(gettext("Products of interest"), (p.products || []).join(", ")),
          definition(gettext("Contact person"), p.contact_name),
          definition(gettext("Phone"), p.contact_phone),
          definition(gettext("E-mail"), email),
          definition(gettext("Owner"), p.owner_name),
          definition(gettext("Entered"), PRM.fmt.date(p.entered_on)),
          definition(gettext("Applied"), PRM.fmt.date(p.applied_on)),
          definition(gettext("Decided"), p.decided_on ? `${PRM.fmt.date(p.decided_on)}${p.decided_by_name ? ` · ${p.decided_by_name}` : ""}` : ""),
          definition(gettext("Registered partner"), partner),
          definition(gettext("Partner user"), p.invited_username),
          definition(gettext("Reason for rejection"), p.reject_reason),
        ),
        ...extra,
      );
      const history = page.querySelector("[data-history]");
      history.replaceChildren(
        h(
          "ol",
          { class: "timeline" },
          (p.events || []).map((e) =>
            h(
              "li",
              { "data-event": e.kind },
              h("strong", {}, e.kind_display),
              h("span", { class: "muted small block" }, PRM.fmt.datetime(e.at), e.by_name ? ` · ${e.by_name}` : ""),
              e.note ? h("span", { class: "block" }, e.note) : null,
            ),
          ),
        ),
      );
    }

    async function load() {
      try {
        render(await PRM.api(ds.apiUrl));
      } catch (error) {
        PRM.state.error(page.querySelector("[data-summary]"), error, load);
      }
    }

    const actionUrl = (name) => `${ds.apiUrl}${name}/`;
    const done = {
      accept: gettext("Accepted: the partner is registered and its user invited by e-mail."),
      reject: gettext("Application rejected; the applicant is told by e-mail."),
      "mark-applied": gettext("Marked as applied."),
      withdraw: gettext("Marked as withdrawn."),
      "resend-invitation": gettext("Invitation sent again."),
    };

    document.querySelectorAll("[data-action]").forEach((button) => {
      button.addEventListener("click", async () => {
        const name = button.dataset.action;
        if (name === "withdraw" && !window.confirm(gettext("Mark this prospect as withdrawn?"))) return;
        button.disabled = true;
        try {
          await PRM.api(actionUrl(name), { method: "POST", data: {} });
          PRM.flash.next(done[name]);
          window.location.reload();
        } catch (error) {
          PRM.flash.show(error.userMessage || gettext("Something went wrong. Try again."), "error");
          button.disabled = false;
        }
      });
    });

    document.querySelectorAll("[data-open-dialog]").forEach((button) => {
      const dialog = document.getElementById(button.dataset.openDialog);
      button.addEventListener("click", () => dialog.showModal());
      dialog.querySelector("[data-close-dialog]").addEventListener("click", () => dialog.close());
    });

    document.querySelectorAll("[data-dialog-form]").forEach((dialogForm) => {
      const name = dialogForm.dataset.dialogForm;
      PRM.forms.bind(dialogForm, {
        url: actionUrl(name),
        method: "POST",
        onSuccess() {
          PRM.flash.next(done[name]);
          window.location.reload();
        },
      });
    });

    load();
  }
})();
