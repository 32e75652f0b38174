/* Satisfaction surveys, staff side: the campaigns (response rates, draft form with targets,
 * launch, close, response rate per city branch) and the factor weights.
 * Data from /api/v1/survey-campaigns/ and /api/v1/survey-factors/. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h, fmt } = PRM;

  function table(headers, rows) {
    return h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("thead", {}, h("tr", {}, headers.map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, rows)));
  }

  function rateBar(rate) {
    if (rate === null || rate === undefined) return h("span", { class: "muted" }, "—");
    const pct = Math.round(Number(rate) * 1000) / 10;
    return h("div", { class: "survey-rate" },
      h("div", { class: "survey-rate-track", role: "img", "aria-label": fmt.percent(rate) }, h("div", { class: "survey-rate-fill", style: `width: ${pct}%` })),
      h("span", {}, fmt.percent(rate)));
  }

  function messages(error) {
    if (error instanceof PRM.ApiError && error.status === 400) {
      return Object.values(error.data || {}).flatMap((v) => [].concat(v)).map(String).join(" ");
    }
    return error.userMessage || gettext("Something went wrong. Try again.");
  }

  /* ------------------------------------------------------------- campaigns --------------- */

  function initCampaigns(root) {
    const rowsBox = root.querySelector("[data-rows]");
    const canManage = root.dataset.canManage === "1";
    const statsCard = root.querySelector("[data-stats-card]");
    const statsBox = root.querySelector("[data-stats]");
    const formCard = root.querySelector("[data-form-card]");
    const form = root.querySelector("[data-campaign-form]");
    let editing = null;
    let factorsLoaded = false;

    async function loadFactors() {
      if (factorsLoaded || !form) return;
      const factors = await PRM.apiAll(root.dataset.factorsUrl, { active: "true" });
      form.querySelector("[data-factor-boxes]").replaceChildren(...factors.map((f) => h("label", { class: "field-check" },
        h("input", { type: "checkbox", name: "factors", value: String(f.id), checked: true }), ` ${f.label}`)));
      factorsLoaded = true;
    }

    async function openForm(campaign) {
      editing = campaign;
      await loadFactors();
      PRM.forms.clearErrors(form);
      form.reset();
      formCard.querySelector("[data-form-title]").textContent = campaign
        ? PRM.format(gettext("Edit draft: %(name)s"), { name: campaign.label }) : gettext("New campaign");
      if (campaign) PRM.forms.fill(form, campaign);
      else form.querySelectorAll('input[name="factors"]').forEach((el) => { el.checked = true; });
      formCard.hidden = false;
      formCard.scrollIntoView({ block: "start" });
      form.querySelector('[name="name"]').focus({ preventScroll: true });
    }

    if (form) {
      PRM.forms.bind(form, {
        get url() { return editing ? `${root.dataset.url}${editing.id}/` : root.dataset.url; },
        get method() { return editing ? "PATCH" : "POST"; },
        partial: false,
        onSuccess() {
          formCard.hidden = true;
          PRM.flash.show(editing ? gettext("The draft was saved.") : gettext("The campaign was created as a draft."));
          editing = null;
          load();
        },
      });
      form.querySelector("[data-cancel]").addEventListener("click", () => { formCard.hidden = true; editing = null; });
      document.querySelector("[data-new-campaign]")?.addEventListener("click", () => openForm(null));
    }

    async function act(campaign, verb) {
      const question = verb === "launch"
        ? PRM.format(gettext("Launch %(name)s? Every matching active partner is invited and notified."), { name: campaign.label })
        : PRM.format(gettext("Close %(name)s? No more answers are accepted."), { name: campaign.label });
      if (!window.confirm(question)) return;
      try {
        const body = await PRM.api(`${root.dataset.url}${campaign.id}/${verb}/`, { method: "POST" });
        PRM.flash.show(verb === "launch"
          ? PRM.format(PRM.ngettext("Launched: %(n)s partner invited.", "Launched: %(n)s partners invited.", body.invited), { n: fmt.number(body.invited) })
          : gettext("The campaign was closed."));
        load();
      } catch (error) {
        PRM.flash.show(messages(error), "error");
      }
    }

    async function remove(campaign) {
      if (!window.confirm(PRM.format(gettext("Delete the draft %(name)s?"), { name: campaign.label }))) return;
      try {
        await PRM.api(`${root.dataset.url}${campaign.id}/`, { method: "DELETE" });
        PRM.flash.show(gettext("The draft was deleted."));
        load();
      } catch (error) {
        PRM.flash.show(messages(error), "error");
      }
    }

    async function showStats(campaign) {
      statsCard.hidden = false;
      root.querySelector("[data-stats-title]").textContent = PRM.format(gettext("Response rate by city branch: %(name)s"), { name: campaign.label });
      PRM.state.loading(statsBox);
      try {
        const stats = await PRM.api(`${root.dataset.url}${campaign.id}/stats/`);
        if (!stats.by_city.length) { PRM.state.empty(statsBox, gettext("No partner was invited.")); return; }
        PRM.state.done(statsBox);
        statsBox.replaceChildren(table([gettext("City branch"), gettext("Invited"), gettext("Answered"), gettext("Response rate")],
          stats.by_city.map((c) => h("tr", {},
            h("td", {}, PRM.lang.startsWith("zh") && c.name_zh ? c.name_zh : c.name),
            h("td", {}, fmt.number(c.invited)), h("td", {}, fmt.number(c.answered)), h("td", {}, rateBar(c.response_rate))))));
        statsCard.scrollIntoView({ block: "start" });
      } catch (error) {
        PRM.state.error(statsBox, error, () => showStats(campaign));
      }
      showComments(campaign);
    }

    async function showComments(campaign) {
      const box = root.querySelector("[data-comments]");
      PRM.state.loading(box);
      try {
        const page = await PRM.api(root.dataset.responsesUrl, { params: { campaign: campaign.id, has_comment: "true", page_size: 20 } });
        if (!page.results.length) { PRM.state.empty(box, gettext("No comments yet.")); return; }
        PRM.state.done(box);
        box.replaceChildren(h("ul", { class: "item-list" }, page.results.map((r) => h("li", { class: "item" },
          h("div", { class: "item-body" },
            h("p", {}, r.comment),
            h("p", { class: "muted small" }, `${r.partner_name} · ${fmt.datetime(r.submitted_at)}`))))));
      } catch (error) {
        PRM.state.error(box, error, () => showComments(campaign));
      }
    }

    function row(c) {
      const actions = [];
      if (c.status !== "draft") {
        actions.push(h("button", { type: "button", class: "button button-small", onclick: () => showStats(c) }, gettext("By city")));
      }
      if (canManage && c.status === "draft") {
        actions.push(h("button", { type: "button", class: "button button-small", onclick: () => openForm(c) }, gettext("Edit")));
        actions.push(h("button", { type: "button", class: "button button-small button-primary", onclick: () => act(c, "launch") }, gettext("Launch")));
        actions.push(h("button", { type: "button", class: "button button-small button-danger-quiet", onclick: () => remove(c) }, gettext("Delete")));
      }
      if (canManage && c.status === "open") {
        actions.push(h("button", { type: "button", class: "button button-small", onclick: () => act(c, "close") }, gettext("Close")));
      }
      const period = c.closes_on ? `${fmt.date(c.opens_on)} – ${fmt.date(c.closes_on)}` : PRM.format(gettext("from %(date)s"), { date: fmt.date(c.opens_on) });
      return h("tr", { dataset: { campaign: c.id } },
        h("td", {}, h("strong", {}, c.label), h("div", { class: "muted small" }, c.kind_display)),
        h("td", {}, period),
        h("td", {}, h("span", { class: `badge badge-neutral` }, c.status_display)),
        h("td", {}, c.invited === null ? "—" : fmt.number(c.invited)),
        h("td", {}, c.responses === null ? "—" : fmt.number(c.responses)),
        h("td", {}, rateBar(c.response_rate)),
        h("td", {}, h("div", { class: "badges" }, actions)));
    }

    async function load() {
      PRM.state.loading(rowsBox);
      try {
        const rows = await PRM.apiAll(root.dataset.url);
        if (!rows.length) { PRM.state.empty(rowsBox, gettext("No campaigns yet.")); return; }
        PRM.state.done(rowsBox);
        rowsBox.replaceChildren(table([gettext("Campaign"), gettext("Period"), gettext("Status"), gettext("Partners invited"),
          gettext("Responses"), gettext("Response rate"), gettext("Actions")], rows.map(row)));
      } catch (error) {
        PRM.state.error(rowsBox, error, load);
      }
    }
    load();
  }

  /* --------------------------------------------------------------- weights --------------- */

  function initFactors(root) {
    const rowsBox = root.querySelector("[data-rows]");
    const total = root.querySelector("[data-total]");
    let factors = [];

    function showTotal() {
      const sum = factors.filter((f) => f.active).reduce((acc, f) => acc + Number(f.weight), 0);
      total.textContent = PRM.format(gettext("Sum of the active factors' weights: %(sum)s. Each factor counts for its weight divided by this sum."), { sum: fmt.number(sum) });
    }

    async function save(factor, data, input, errorSlot) {
      errorSlot.hidden = true;
      try {
        const body = await PRM.api(`${root.dataset.url}${factor.id}/`, { method: "PATCH", data });
        Object.assign(factor, body);
        input.removeAttribute("aria-invalid");
        PRM.flash.show(PRM.format(gettext("Saved: %(factor)s."), { factor: factor.label }));
        showTotal();
      } catch (error) {
        errorSlot.textContent = messages(error);
        errorSlot.hidden = false;
        input.setAttribute("aria-invalid", "true");
      }
    }

    function row(f, categories) {
      const error = h("p", { class: "field-error", hidden: true, id: `weight-error-${f.id}` });
      const weight = h("input", { type: "number", min: "0", step: "0.5", value: f.weight, class: "survey-weight-input",
        "aria-label": PRM.format(gettext("Weight of %(factor)s (%)"), { factor: f.label }), "aria-describedby": error.id, dataset: { weight: f.code } });
      weight.addEventListener("change", () => save(f, { weight: weight.value === "" ? null : weight.value }, weight, error));
      const active = h("input", { type: "checkbox", checked: f.active, "aria-label": PRM.format(gettext("Ask %(factor)s"), { factor: f.label }) });
      active.addEventListener("change", () => save(f, { active: active.checked }, active, error));
      const cat = categories.find((c) => c.id === f.category);
      return h("tr", {},
        h("td", {}, h("strong", {}, f.label), h("div", { class: "muted small" }, PRM.lang.startsWith("zh") ? f.name : f.name_zh)),
        h("td", {}, cat ? cat.label : ""),
        h("td", {}, weight, error),
        h("td", {}, active));
    }

    async function load() {
      PRM.state.loading(rowsBox);
      try {
        const [rows, categories] = await Promise.all([PRM.apiAll(root.dataset.url), PRM.apiAll(root.dataset.categoriesUrl)]);
        factors = rows;
        PRM.state.done(rowsBox);
        rowsBox.replaceChildren(table([gettext("Factor"), gettext("Category"), gettext("Weight (%)"), gettext("Asked")],
          rows.map((f) => row(f, categories))));
        showTotal();
      } catch (error) {
        PRM.state.error(rowsBox, error, load);
      }
    }
    load();
  }

  const campaigns = document.getElementById("surveys-campaigns");
  if (campaigns) initCampaigns(campaigns);
  const factorsRoot = document.getElementById("surveys-factors");
  if (factorsRoot) initFactors(factorsRoot);
})();
