/* SLA policies (with their targets) and business calendars (windows, holidays, make-up working
 * days). Everyone on the staff reads; administrators change target times and calendar days. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const root = document.getElementById("sla-settings");
  if (!root) return;
  const ds = root.dataset;
  const canEdit = ds.canEdit === "1";
  const choices = (name) => Object.fromEntries(JSON.parse(document.getElementById(`choices-${name}`).textContent));
  const labels = { category: choices("category"), priority: choices("priority"), tier: choices("tier"), unit: choices("unit"), weekday: choices("weekday") };
  const yearInput = root.querySelector("[data-year]");
  yearInput.value = new Date().getFullYear();

  function conditions(policy) {
    const parts = [];
    if (policy.category) parts.push(labels.category[policy.category]);
    if (policy.priority) parts.push(labels.priority[policy.priority]);
    if (policy.tier) parts.push(labels.tier[policy.tier]);
    if (policy.partner_type) parts.push(policy.partner_type);
    return parts.length ? parts.join(" · ") : (policy.is_default ? gettext("Default: everything else") : gettext("Any request"));
  }

  function targetCell(target) {
    const text = `${target.label}: ${PRM.fmt.number(target.amount)} ${labels.unit[target.unit]}`;
    if (!canEdit) return h("li", {}, text);
    const input = h("input", { type: "number", min: 1, value: target.amount, "aria-label": PRM.format(gettext("%(name)s within"), { name: target.label }), style: "width:5em" });
    const unit = h("select", { "aria-label": gettext("Unit") }, Object.entries(labels.unit).map(([v, l]) => h("option", { value: v, selected: v === target.unit }, l)));
    const save = h("button", { type: "button", class: "button button-small", onclick: async () => {
      try {
        await PRM.api(`${ds.targetsUrl}${target.id}/`, { method: "PATCH", data: { amount: Number(input.value), unit: unit.value } });
        PRM.flash.show(gettext("Target saved; open tickets are being recomputed."));
      } catch (error) {
        PRM.flash.show(error.status === 400 ? Object.values(error.data).flat().join(" ") : error.userMessage, "error");
      }
    } }, gettext("Save"));
    return h("li", { dataset: { target: target.code } }, `${target.label} `, input, " ", unit, " ", save);
  }

  async function loadPolicies() {
    const box = root.querySelector("[data-policies]");
    PRM.state.loading(box);
    try {
      const policies = await PRM.apiAll(ds.policiesUrl);
      box.replaceChildren(h("table", { class: "table" },
        h("thead", {}, h("tr", {}, [gettext("Order"), gettext("Policy"), gettext("Applies to"), gettext("Committed times"), gettext("Warn at")].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, policies.map((p) => h("tr", { dataset: { policy: p.id } },
          h("td", { class: "numeric" }, p.order),
          h("td", {}, p.label, p.active ? null : h("span", { class: "badge badge-neutral" }, gettext("Inactive"))),
          h("td", {}, conditions(p)),
          h("td", {}, h("ul", {}, p.targets.map(targetCell))),
          h("td", { class: "numeric" }, `${p.warn_percent}%`))))));
      PRM.state.done(box);
    } catch (error) {
      PRM.state.error(box, error, loadPolicies);
    }
  }

  async function loadCalendars() {
    const box = root.querySelector("[data-calendars]");
    PRM.state.loading(box);
    try {
      const calendars = await PRM.apiAll(ds.calendarsUrl);
      const select = root.querySelector("[data-day-form] select[name=calendar]");
      if (select) PRM.forms.options(select, calendars, { value: "id", label: (c) => c.name });
      const year = Number(yearInput.value) || new Date().getFullYear();
      const sections = await Promise.all(calendars.map(async (calendar) => {
        const days = await PRM.apiAll(ds.daysUrl, { calendar: calendar.id, year });
        const windows = {};
        calendar.windows.forEach((w) => { (windows[w.weekday] = windows[w.weekday] || []).push(`${w.start.slice(0, 5)}–${w.end.slice(0, 5)}`); });
        return h("div", { class: "subhead", dataset: { calendar: calendar.id } },
          h("h3", {}, calendar.name, " ", calendar.is_default ? h("span", { class: "badge badge-neutral" }, gettext("Default")) : null),
          h("p", { class: "muted small" }, PRM.format(gettext("Time zone: %(tz)s"), { tz: calendar.timezone })),
          h("ul", { class: "small" }, Object.entries(windows).map(([day, spans]) => h("li", {}, `${labels.weekday[day]}: ${spans.join(", ")}`))),
          days.length
            ? h("table", { class: "table table-compact" },
              h("thead", {}, h("tr", {}, [gettext("Date"), gettext("Kind"), gettext("Name"), ""].map((t) => h("th", { scope: "col" }, t)))),
              h("tbody", {}, days.map((d) => h("tr", { dataset: { day: d.date } },
                h("td", { class: "nowrap" }, PRM.fmt.date(d.date)), h("td", {}, d.kind_display), h("td", {}, d.name),
                h("td", {}, canEdit ? h("button", { type: "button", class: "button button-small button-danger-quiet", onclick: () => removeDay(d) }, gettext("Remove")) : null)))))
            : h("p", { class: "muted" }, gettext("No holidays or make-up working days in this year.")));
      }));
      box.replaceChildren(...sections);
      PRM.state.done(box);
    } catch (error) {
      PRM.state.error(box, error, loadCalendars);
    }
  }

  async function removeDay(day) {
    if (!window.confirm(gettext("Remove this day? Open tickets are recomputed."))) return;
    try {
      await PRM.api(`${ds.daysUrl}${day.id}/`, { method: "DELETE" });
      PRM.flash.show(gettext("Day removed; open tickets are being recomputed."));
      loadCalendars();
    } catch (error) {
      PRM.flash.show(error.userMessage, "error");
    }
  }

  const dayForm = root.querySelector("[data-day-form]");
  if (dayForm) {
    PRM.forms.bind(dayForm, {
      url: ds.daysUrl,
      method: "POST",
      transform: (data) => Object.assign(data, { calendar: Number(data.calendar) }),
      onSuccess() {
        PRM.flash.show(gettext("Day added; open tickets are being recomputed."));
        dayForm.reset();
        loadCalendars();
      },
    });
  }
  yearInput.addEventListener("change", loadCalendars);
  loadPolicies();
  loadCalendars();
})();
