/* The ticket list: a partner's own requests, or the staff queue with its filters (kept in the URL). */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const S = PRM.support;
  const root = document.getElementById("ticket-list");
  if (!root) return;
  const staff = root.dataset.staff === "1";
  const form = root.querySelector("[data-filters]");
  const results = root.querySelector("[data-results]");
  const pager = root.querySelector("[data-pager]");
  const summary = root.querySelector("[data-summary]");
  let page = 1;
  let controller = null;

  function formValues() {
    const values = {};
    Array.from(form.elements).forEach((el) => {
      if (!el.name) return;
      if (el.type === "checkbox") values[el.name] = el.checked ? "true" : "";
      else values[el.name] = el.value.trim();
    });
    if (page > 1) values.page = String(page);
    return values;
  }

  function apiParams(values) {
    const params = { page_size: 25, page: values.page };
    ["q", "centre", "category", "priority", "due_soon", "breached"].forEach((k) => {
      if (values[k]) params[k] = values[k];
    });
    if (values.status === "__open") params.open = "true";
    else if (values.status) params.status = values.status;
    if (values.queue === "unassigned") params.unassigned = "true";
    else if (values.queue) params[values.queue] = "true";
    return params;
  }

  function row(ticket) {
    const url = PRM.urlFor(root.dataset.detailUrl, ticket.id);
    const clock = S.headlineClock(ticket.clocks);
    return h(
      "tr",
      { dataset: { ticket: ticket.id } },
      h("td", { class: "nowrap mono" }, ticket.reference),
      h("td", { class: "cell-name" }, h("a", { href: url, class: "strong-link" }, ticket.subject)),
      staff ? h("td", {}, ticket.partner_name, h("div", { class: "muted small" }, ticket.partner_code)) : null,
      h("td", {}, ticket.category_display),
      h("td", {}, h("span", { class: `badge badge-priority-${ticket.priority}` }, ticket.priority_display)),
      h("td", {}, h("span", { class: `badge badge-ticket-${ticket.status}` }, ticket.status_display)),
      staff ? h("td", {}, ticket.centre_label || "—", h("div", { class: "muted small" }, ticket.assignee ? ticket.assignee.name : gettext("Unassigned"))) : null,
      h("td", { class: "nowrap" }, clock ? [S.slaBadge(clock.status), h("div", { class: "small" }, `${clock.name}: ${S.clockText(clock)}`)] : "—"),
      h("td", { class: "nowrap small" }, PRM.fmt.datetime(ticket.opened_at)),
    );
  }

  function table(rows) {
    const heads = [
      gettext("No."), gettext("Subject"), staff ? gettext("Partner") : null, gettext("Support point"), gettext("Priority"),
      gettext("Status"), staff ? gettext("Centre / assignee") : null, gettext("Committed time"), gettext("Opened"),
    ].filter(Boolean);
    return h("table", { class: "table" }, h("thead", {}, h("tr", {}, heads.map((t) => h("th", { scope: "col" }, t)))), h("tbody", { "data-rows": true }, rows));
  }

  function renderPager(body) {
    pager.replaceChildren();
    if (body.pages <= 1) return;
    const go = (n) => () => {
      page = n;
      load();
    };
    pager.append(
      h("nav", { class: "pagination", "aria-label": gettext("Pages") },
        h("button", { type: "button", class: "page-button", disabled: !body.previous, onclick: go(page - 1) }, gettext("Previous")),
        h("span", { class: "page-status" }, PRM.format(gettext("Page %(page)s of %(pages)s"), { page: body.page, pages: body.pages })),
        h("button", { type: "button", class: "page-button", disabled: !body.next, onclick: go(page + 1) }, gettext("Next"))),
    );
  }

  async function load() {
    const values = formValues();
    S.writeQuery(values);
    if (controller) controller.abort();
    controller = new AbortController();
    PRM.state.loading(results);
    try {
      const body = await PRM.api(root.dataset.apiUrl, { params: apiParams(values), signal: controller.signal });
      summary.textContent = PRM.format(PRM.ngettext("%(count)s ticket", "%(count)s tickets", body.count), { count: PRM.fmt.number(body.count) });
      if (!body.results.length) {
        PRM.state.empty(results, gettext("No tickets match."), staff ? gettext("Change the filters to see more.") : gettext("Open a ticket when you need support."));
      } else {
        results.replaceChildren(table(body.results.map(row)));
        PRM.state.done(results);
      }
      renderPager(body);
    } catch (error) {
      if (error.name === "AbortError") return;
      PRM.state.error(results, error, load);
    }
  }

  // Restore the filters from the address.
  const query = S.readQuery();
  Array.from(form.elements).forEach((el) => {
    if (!el.name || !(el.name in query)) return;
    if (el.type === "checkbox") el.checked = query[el.name] === "true";
    else el.value = query[el.name];
  });
  page = Number(query.page || 1) || 1;
  form.addEventListener("change", () => {
    page = 1;
    load();
  });
  form.addEventListener("input", PRM.debounce((event) => {
    if (event.target.type === "search") {
      page = 1;
      load();
    }
  }, 350));
  form.addEventListener("submit", (event) => event.preventDefault());
  load();
})();
