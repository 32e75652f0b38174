/* Retention / win-back plans: the "new plan" form and the plan page (summary, edit, actions,
 * notes, cancel, history). Everything goes through /api/v1/lifecycle/plans/ and friends. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const LC = PRM.lifecycle;

  /* ---------------------------------------------------------------- new plan ----------- */
  const createForm = document.getElementById("plan-form");
  if (createForm) {
    const ds = createForm.dataset;
    PRM.forms.bind(createForm, {
      url: ds.apiUrl,
      method: "POST",
      transform: (data) => {
        const lever = createForm.querySelector('input[name="lever"]:checked');
        const out = Object.assign({}, data, { partner: Number(ds.partnerId), kind: ds.kind, lever: lever ? lever.value : "" });
        if (!out.review_on) delete out.review_on;
        if (out.owner) out.owner = Number(out.owner);
        return out;
      },
      onSuccess: (plan) => {
        PRM.flash.next(gettext("The plan is open. Add its actions now."));
        window.location.assign(PRM.urlFor(ds.planUrl, plan.id));
      },
    });
  }

  /* ---------------------------------------------------------------- plan page ---------- */
  const page = document.getElementById("plan-page");
  if (!page) return;
  const ds = page.dataset;
  const canChange = ds.canChange === "true";
  let plan = null;

  const dl = (pairs) => h("dl", { class: "facts" }, pairs.filter(Boolean).map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));

  function renderSummary() {
    const active = plan.status === "active";
    document.querySelector("[data-plan-badges]").replaceChildren(
      h("span", { class: "badges" }, h("span", { class: `badge badge-plan-${plan.status}`, "data-plan-status": plan.status }, plan.status_display), h("span", { class: "badge badge-neutral" }, plan.lever_display)),
    );
    page.querySelector("[data-summary]").replaceChildren(
      dl([
        [gettext("Partner"), h("a", { href: `${ds.partnerUrl}#section-lifecycle` }, `${plan.partner_detail.code} ${plan.partner_detail.name}`)],
        [gettext("Goal"), h("span", { "data-plan-goal": true }, plan.goal)],
        [gettext("Value lever"), plan.lever_display],
        [gettext("Owner"), plan.owner_detail ? plan.owner_detail.display_name : ""],
        [gettext("Opened on"), PRM.fmt.date(plan.opened_on)],
        [gettext("Review on"), PRM.fmt.date(plan.review_on)],
        [gettext("At the start"), h("span", {}, LC.stageBadge(plan.start_stage, plan.start_stage_display), " ", plan.start_risk_level !== null ? LC.riskBadge(plan.start_risk_level) : "", plan.start_value_score !== null ? ` · ${PRM.format(gettext("value %(score)s"), { score: plan.start_value_score })}` : "")],
        plan.notes ? [gettext("Notes"), h("span", { class: "break" }, plan.notes)] : null,
        plan.cancel_reason ? [gettext("Cancelled because"), plan.cancel_reason] : null,
      ]),
    );
    const actionsBar = document.querySelector("[data-plan-actions]");
    if (actionsBar) actionsBar.hidden = !(canChange && active);
    const edit = document.getElementById("plan-edit");
    if (edit) {
      edit.hidden = !active;
      PRM.forms.fill(edit, { lever: plan.lever, owner: String(plan.owner), goal: plan.goal, review_on: plan.review_on, notes: plan.notes });
    }
    const actionForm = document.getElementById("action-form");
    if (actionForm) actionForm.hidden = !active;
  }

  function renderOutcome() {
    const box = page.querySelector("[data-outcome]");
    if (plan.outcome === "pending") {
      box.replaceChildren(h("p", { "data-outcome": "pending" }, plan.status === "cancelled" ? gettext("Cancelled: no outcome is measured.") : PRM.format(gettext("Measured automatically on %(day)s: did the partner's risk clear and its stage recover?"), { day: PRM.fmt.date(plan.review_on) })));
      return;
    }
    const detail = plan.outcome_detail || {};
    box.replaceChildren(
      h("p", { class: "lifecycle-stage-big", "data-outcome": plan.outcome }, h("span", { class: `badge badge-plan-closed` }, plan.outcome_display)),
      dl([
        [gettext("Measured on"), PRM.fmt.date(plan.outcome_on)],
        detail.stage ? [gettext("Stage"), LC.stageBadge(detail.stage)] : null,
        detail.risk_level !== undefined && detail.risk_level !== null ? [gettext("Risk level"), LC.riskBadge(detail.risk_level)] : null,
        detail.value_score !== undefined && detail.value_score !== null ? [gettext("Value score"), String(detail.value_score)] : null,
      ]),
    );
  }

  function statusSelect(action) {
    const select = h(
      "select",
      { class: "inline-select", "aria-label": PRM.format(gettext("Status of %(action)s"), { action: action.title }), "data-action-status": action.id },
      (LC.choices.action_status || []).map(([value, label]) => h("option", { value, selected: value === action.status }, label)),
    );
    select.addEventListener("change", async () => {
      select.disabled = true;
      try {
        await PRM.api(PRM.urlFor(ds.actionApi, action.id), { method: "PATCH", data: { status: select.value } });
        await load();
      } catch (error) {
        PRM.flash.show(error.userMessage || gettext("Something went wrong. Try again."), "error");
        select.value = action.status;
      } finally {
        select.disabled = false;
      }
    });
    return select;
  }

  function renderActions() {
    const box = page.querySelector("[data-actions]");
    if (!plan.actions.length) {
      PRM.state.empty(box, gettext("No actions yet."), plan.status === "active" && canChange ? gettext("Add what will be done, by whom and by when.") : null);
      return;
    }
    const editable = canChange && plan.status === "active";
    box.replaceChildren(
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table", "data-actions-table": true },
          h("thead", {}, h("tr", {}, [gettext("Action"), gettext("Due"), gettext("Assignee"), gettext("Status"), ""].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            plan.actions.map((action) => {
              const overdue = action.status !== "done" && action.status !== "cancelled" && action.due_on < new Date().toISOString().slice(0, 10);
              return h(
                "tr",
                { "data-action": action.id },
                h("td", {}, action.title, action.description ? h("span", { class: "muted small block" }, action.description) : null),
                h("td", { class: `nowrap${overdue ? " text-danger" : ""}` }, PRM.fmt.date(action.due_on), overdue ? h("span", { class: "muted small block" }, gettext("overdue")) : null),
                h("td", {}, action.assignee_detail ? action.assignee_detail.display_name : ""),
                h("td", {}, editable ? statusSelect(action) : action.status_display, action.done_on ? h("span", { class: "muted small block" }, PRM.fmt.date(action.done_on)) : null),
                h(
                  "td",
                  {},
                  editable
                    ? h("button", {
                        type: "button",
                        class: "button button-small button-danger-quiet",
                        "aria-label": PRM.format(gettext("Delete %(action)s"), { action: action.title }),
                        onclick: async () => {
                          if (!window.confirm(gettext("Delete this action?"))) return;
                          try {
                            await PRM.api(PRM.urlFor(ds.actionApi, action.id), { method: "DELETE" });
                            await load();
                          } catch (error) {
                            PRM.flash.show(error.userMessage, "error");
                          }
                        },
                      }, gettext("Delete"))
                    : null,
                ),
              );
            }),
          ),
        ),
      ),
    );
  }

  function renderEvents() {
    const box = page.querySelector("[data-events]");
    box.replaceChildren(
      h(
        "ul",
        { class: "timeline" },
        (plan.events || []).map((event) =>
          h("li", { "data-event": event.kind }, h("strong", {}, event.kind_display), h("span", { class: "muted small block" }, PRM.fmt.datetime(event.at), event.by ? ` · ${event.by.display_name}` : ` · ${gettext("nightly job")}`)),
        ),
      ),
    );
  }

  async function loadNotes() {
    const box = page.querySelector("[data-notes]");
    try {
      const body = await PRM.api(ds.notesApi, { params: { plan: ds.planId, page_size: 100 } });
      if (!body.results.length) {
        PRM.state.empty(box, gettext("No notes yet."));
        return;
      }
      PRM.state.done(box);
      box.replaceChildren(
        h(
          "ul",
          { class: "item-list" },
          body.results.map((note) => h("li", { class: "item", "data-note": note.id }, h("div", { class: "item-body" }, h("span", { class: "break" }, note.body), h("span", { class: "muted small block" }, PRM.fmt.datetime(note.created_at), note.author ? ` · ${note.author.display_name}` : "")))),
        ),
      );
    } catch (error) {
      PRM.state.error(box, error, loadNotes);
    }
  }

  async function load() {
    try {
      plan = await PRM.api(ds.planApi);
    } catch (error) {
      PRM.state.error(page.querySelector("[data-summary]"), error, load);
      return;
    }
    renderSummary();
    renderOutcome();
    renderActions();
    renderEvents();
  }

  const edit = document.getElementById("plan-edit");
  if (edit) {
    PRM.forms.bind(edit, {
      url: ds.planApi,
      method: "PATCH",
      partial: true,
      transform: (data) => Object.assign({}, data, { owner: data.owner ? Number(data.owner) : null }),
      onSuccess: () => {
        PRM.flash.show(gettext("Plan saved."));
        load();
      },
    });
  }
  const actionForm = document.getElementById("action-form");
  if (actionForm) {
    PRM.forms.bind(actionForm, {
      url: ds.actionsApi,
      method: "POST",
      transform: (data) => Object.assign({}, data, { plan: Number(ds.planId), assignee: data.assignee ? Number(data.assignee) : null }),
      onSuccess: () => {
        actionForm.reset();
        load();
      },
    });
  }
  const noteForm = document.getElementById("note-form");
  if (noteForm) {
    PRM.forms.bind(noteForm, {
      url: ds.notesApi,
      method: "POST",
      transform: (data) => Object.assign({}, data, { plan: Number(ds.planId) }),
      onSuccess: () => {
        noteForm.reset();
        loadNotes();
        load();
      },
    });
  }
  const cancel = document.querySelector("[data-cancel-plan]");
  if (cancel) {
    cancel.addEventListener("click", async () => {
      const reason = window.prompt(gettext("Why is the plan cancelled?"));
      if (reason === null) return;
      try {
        await PRM.api(`${ds.planApi}cancel/`, { method: "POST", data: { reason } });
        PRM.flash.show(gettext("Plan cancelled."));
        load();
      } catch (error) {
        const message = error instanceof PRM.ApiError && error.status === 400 ? Object.values(error.data).flat().join(" ") : error.userMessage;
        PRM.flash.show(message, "error");
      }
    });
  }
  load();
  loadNotes();
})();
