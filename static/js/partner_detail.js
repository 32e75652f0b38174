/* A partner's page (staff's partner detail and a partner user's "my organisation"): profile,
 * tier, contacts, users, products, recent sales and change history, each from the API, each
 * with its own loading, empty and error state. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, ngettext, h } = PRM;
  const root = document.getElementById("partner-page");
  if (!root) return;
  const ds = root.dataset;
  const partnerId = ds.partnerId;
  const canChange = ds.canChange === "true";
  const choices = JSON.parse(document.getElementById("partner-choices").textContent);
  const labelOf = (key, value) => (Object.fromEntries(choices[key] || [])[value] || value);
  const dash = () => h("span", { class: "muted" }, "—");
  const slot = (name) => root.querySelector(`[data-${name}]`);

  function section(name, loader) {
    const container = slot(name);
    if (!container) return;
    const run = async () => {
      PRM.state.loading(container);
      try {
        await loader(container);
        PRM.state.done(container);
      } catch (error) {
        PRM.state.error(container, error, run);
      }
    };
    run();
  }

  function table(headers, rows, numericColumns = [], hiddenColumns = []) {
    const headerCell = (label, i) => {
      const classes = [numericColumns.includes(i) ? "numeric" : "", hiddenColumns.includes(i) ? "th-hidden-label" : ""].join(" ").trim();
      return h("th", { scope: "col", class: classes || null }, hiddenColumns.includes(i) ? h("span", { class: "visually-hidden" }, label) : label);
    };
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "table table-responsive table-compact" },
        h("thead", {}, h("tr", {}, headers.map(headerCell))),
        h(
          "tbody",
          {},
          rows.map((cells) => h("tr", {}, cells.map((content, i) => h("td", { "data-label": headers[i], class: numericColumns.includes(i) ? "numeric" : null }, content)))),
        ),
      ),
    );
  }

  /* ---------------------------------------------------------------- profile ------------ */

  function definition(label, value) {
    return h("div", { class: "definition" }, h("dt", {}, label), h("dd", {}, value === "" || value === null || value === undefined ? dash() : value));
  }

  function renderProfile(container, p) {
    const website = PRM.safeHref(p.website);
    const classes = (p.customer_classes || []).map((c) => labelOf("customer_class", c));
    container.replaceChildren(
      h(
        "dl",
        { class: "definition-list" },
        definition(gettext("Name"), p.name),
        definition(gettext("English name"), p.name_en),
        definition(gettext("Partner type"), p.partner_type_label),
        definition(gettext("Cooperation model"), p.cooperation_model_display),
        definition(gettext("City branch"), p.city_label),
        definition(gettext("Status"), PRM.badge("status", p.status, p.status_display)),
        definition(gettext("Join date"), PRM.fmt.date(p.joined_on)),
        definition(gettext("Channel manager"), p.channel_manager_name),
        definition(gettext("Customer classes served"), classes.join(", ")),
        definition(gettext("Revenue-share ratio"), PRM.fmt.percent(p.revenue_share)),
        definition(gettext("Phone"), p.phone ? h("a", { href: `tel:${p.phone}` }, p.phone) : ""),
        definition(gettext("Website"), website ? h("a", { href: website, rel: "noopener noreferrer", target: "_blank" }, p.website) : p.website),
        definition(gettext("Address"), p.address),
        definition(gettext("Last updated"), PRM.fmt.datetime(p.updated_at)),
      ),
    );
    if (p.description) {
      container.append(h("div", { class: "prose" }, h("h3", { class: "subheading" }, gettext("Description")), h("p", {}, p.description)));
    }
    const badges = document.querySelector("[data-partner-badges]");
    if (badges) badges.replaceChildren(PRM.badge("tier", p.tier, p.tier_display), PRM.badge("status", p.status, p.status_display), h("span", { class: "badge badge-neutral" }, p.partner_type_label));
  }

  function renderTier(container, p) {
    const steps = choices.tier;
    const current = steps.findIndex(([value]) => value === p.tier);
    container.replaceChildren(
      h("p", { class: "tier-current" }, PRM.badge("tier", p.tier, p.tier_display)),
      h(
        "ol",
        { class: "tier-ladder", "aria-label": gettext("Certification tiers, lowest first") },
        steps.map(([value, label], index) =>
          h(
            "li",
            { class: `tier-step${index < current ? " is-passed" : ""}${index === current ? " is-current" : ""}`, "aria-current": index === current ? "step" : null },
            h("span", { class: "tier-dot", "aria-hidden": "true" }),
            h("span", {}, label),
          ),
        ),
      ),
      h("p", { class: "muted small" }, gettext("Points earned from sales of products and solutions lift a partner's tier and unlock higher benefits.")),
    );
  }

  /* ------------------------------------------------------------- related lists --------- */

  async function loadContacts(container) {
    const body = await PRM.api(ds.contactsUrl, { params: { partner: partnerId, page_size: 100 } });
    if (!body.results.length) {
      PRM.state.empty(
        container,
        gettext("No contacts yet."),
        canChange ? gettext("Add the people PRM should talk to at this partner.") : null,
        canChange ? h("a", { class: "button button-small", href: ds.contactCreateUrl }, gettext("Add contact")) : null,
      );
      return;
    }
    const headers = [gettext("Name"), gettext("Job title"), gettext("E-mail"), gettext("Phone")];
    if (canChange) headers.push(gettext("Actions"));
    const rows = body.results.map((c) => {
      const cells = [
        h("span", {}, h("strong", {}, c.name), c.is_primary ? h("span", { class: "badge badge-primary-contact" }, gettext("Primary")) : null),
        c.title || dash(),
        c.email ? h("a", { href: `mailto:${c.email}`, class: "break" }, c.email) : dash(),
        c.phone ? h("a", { href: `tel:${c.phone}`, class: "nowrap" }, c.phone) : dash(),
      ];
      if (canChange) {
        cells.push(
          h(
            "a",
            { class: "button button-small button-quiet", href: PRM.urlFor(ds.contactEditUrl, c.id), "aria-label": PRM.format(gettext("Edit contact %(name)s"), { name: c.name }) },
            PRM.icon("edit"),
            gettext("Edit"),
          ),
        );
      }
      return cells;
    });
    container.replaceChildren(table(headers, rows, [], canChange ? [4] : []));
    if (body.next) {
      container.append(h("p", { class: "muted small table-note" }, PRM.format(PRM.ngettext("Showing %(shown)s of %(count)s contact.", "Showing %(shown)s of %(count)s contacts.", body.count), { shown: body.results.length, count: body.count })));
    }
  }

  async function loadUsers(container) {
    const body = await PRM.api(ds.usersUrl, { params: { partner: partnerId, page_size: 100 } });
    if (!body.results.length) {
      PRM.state.empty(container, gettext("No partner logins yet."), gettext("Administrators and channel managers create them in the admin site or through the API."));
      return;
    }
    container.replaceChildren(
      h(
        "ul",
        { class: "item-list" },
        body.results.map((u) =>
          h(
            "li",
            { class: "item" },
            h("span", { class: "avatar avatar-small", "aria-hidden": "true" }, (u.first_name || u.username).slice(0, 1).toUpperCase()),
            h(
              "div",
              { class: "item-body" },
              h("strong", {}, [u.first_name, u.last_name].filter(Boolean).join(" ") || u.username),
              h("span", { class: "muted small block" }, u.username, u.email ? ` · ${u.email}` : ""),
              h(
                "span",
                { class: "muted small block" },
                u.last_login ? PRM.format(gettext("Last signed in %(when)s"), { when: PRM.fmt.datetime(u.last_login) }) : gettext("Never signed in"),
              ),
            ),
            u.is_active ? null : h("span", { class: "badge badge-status-exited" }, gettext("Inactive")),
          ),
        ),
      ),
    );
  }

  async function loadProducts(container, partner) {
    const codes = partner.authorised_products || [];
    if (!codes.length) {
      PRM.state.empty(container, gettext("No authorised products."));
      return;
    }
    const products = await PRM.apiAll(ds.productsUrl);
    const byCode = Object.fromEntries(products.map((p) => [p.code, p]));
    container.replaceChildren(
      h(
        "ul",
        { class: "tag-list" },
        codes.map((code) => {
          const product = byCode[code];
          return h(
            "li",
            { class: "tag", title: product ? product.product_type_display : "" },
            product ? product.label : code,
            h("span", { class: "muted small" }, ` ${code}`),
          );
        }),
      ),
    );
  }

  async function loadSales(container) {
    const body = await PRM.api(ds.salesUrl, { params: { partner: partnerId, page_size: 10, ordering: "-sold_on" } });
    const summary = root.querySelector("[data-sales-summary]");
    if (!body.results.length) {
      summary.textContent = "";
      PRM.state.empty(container, gettext("No sales recorded yet."), gettext("Sales arrive from the CRM or are booked by the channel manager."));
      return;
    }
    summary.textContent = PRM.format(
      ngettext("The latest %(shown)s of %(count)s sale", "The latest %(shown)s of %(count)s sales", body.count),
      { shown: PRM.fmt.number(body.results.length), count: PRM.fmt.number(body.count) },
    );
    const headers = [gettext("Date"), gettext("Product"), gettext("Customer"), gettext("Amount"), gettext("Status")];
    container.replaceChildren(
      table(
        headers,
        body.results.map((s) => [
          h("span", { class: "nowrap" }, PRM.fmt.date(s.sold_on)),
          s.product_label,
          h("span", {}, s.customer_name, h("span", { class: "muted small block" }, labelOf("customer_class", s.customer_class))),
          h("span", { class: `amount${s.status === "booked" ? "" : " is-void"}` }, PRM.fmt.money(s.amount)),
          PRM.badge("sale", s.status, s.status_display),
        ]),
        [3],
      ),
    );
  }

  /* ----------------------------------------------------------------- history ----------- */

  let referenceLabels = null;
  async function historyLabels(changes) {
    if (referenceLabels || !changes.some((c) => c.field === "city" || c.field === "partner_type")) return referenceLabels || {};
    const [types, cities] = await Promise.all([PRM.api(ds.typesUrl), PRM.api(ds.citiesUrl)]);
    referenceLabels = {
      partner_type: Object.fromEntries(types.map((t) => [t.code, t.label])),
      city: Object.fromEntries(cities.map((c) => [c.code, c.label])),
    };
    return referenceLabels;
  }

  function changeValue(field, value, refs) {
    if (value === "" || value === null) return h("span", { class: "muted" }, gettext("(none)"));
    if (field === "tier" || field === "status" || field === "cooperation_model") return labelOf(field, value);
    if (field === "revenue_share") return PRM.fmt.percent(value);
    if (refs[field] && refs[field][value]) return refs[field][value];
    return value;
  }

  async function loadHistory(container, url) {
    const body = await PRM.api(url || ds.historyUrl, url ? {} : { params: { page_size: 10 } });
    if (!url && !body.results.length) {
      PRM.state.empty(container, gettext("No changes recorded yet."));
      return;
    }
    const refs = await historyLabels(body.results);
    let list = container.querySelector(".changelog");
    if (!list) {
      list = h("ol", { class: "changelog" });
      container.replaceChildren(list);
    }
    body.results.forEach((c) => {
      list.append(
        h(
          "li",
          { class: "changelog-item" },
          h("span", { class: "changelog-dot", "aria-hidden": "true" }),
          h(
            "div",
            {},
            h(
              "p",
              { class: "changelog-title" },
              h("strong", {}, c.field_display),
              ": ",
              changeValue(c.field, c.old_value, refs),
              h("span", { class: "arrow", "aria-label": gettext("changed to") }, " → "),
              changeValue(c.field, c.new_value, refs),
            ),
            h(
              "p",
              { class: "muted small" },
              PRM.fmt.datetime(c.changed_at),
              " · ",
              c.changed_by ? c.changed_by.display_name : gettext("the system"),
            ),
            c.reason ? h("p", { class: "changelog-reason" }, c.reason) : null,
          ),
        ),
      );
    });
    const more = container.querySelector("[data-more]");
    if (more) more.remove();
    if (body.next) {
      const button = h("button", { type: "button", class: "button button-small", "data-more": true }, gettext("Show older changes"));
      button.addEventListener("click", async () => {
        button.disabled = true;
        button.textContent = gettext("Loading…");
        try {
          await loadHistory(container, body.next);
        } catch (error) {
          button.disabled = false;
          button.textContent = gettext("Show older changes");
          PRM.flash.show(error.userMessage, "error");
        }
      });
      container.append(button);
    }
  }

  /* ------------------------------------------------------------------- start ----------- */

  const partnerLoaded = PRM.api(ds.partnerUrl);
  section("profile", async (container) => renderProfile(container, await partnerLoaded));
  section("tier", async (container) => renderTier(container, await partnerLoaded));
  section("products", async (container) => loadProducts(container, await partnerLoaded));
  section("contacts", loadContacts);
  section("users", loadUsers);
  section("sales", loadSales);
  section("history", (container) => loadHistory(container));
})();
