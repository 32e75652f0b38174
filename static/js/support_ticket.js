/* One ticket: live clocks, the conversation (public replies and, for staff, internal notes),
 * actions (status, assignment, priority, milestones; for partners confirm/reopen and rating),
 * details and history. Everything comes from and goes to /api/v1/support/. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const S = PRM.support;
  const root = document.getElementById("ticket-page");
  if (!root) return;
  const ds = root.dataset;
  const staffView = ds.staffView === "1";
  const canChange = ds.canChange === "1";
  const transitions = JSON.parse(document.getElementById("ticket-transitions").textContent);
  const statusLabels = Object.fromEntries(JSON.parse(document.getElementById("ticket-status-choices").textContent));
  const $ = (selector) => root.querySelector(selector);
  let ticket = null;

  function csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* ------------------------------------------------------------------ rendering ---------- */
  function renderHeader() {
    $("[data-subject]").textContent = ticket.subject;
    $("[data-badges]").replaceChildren(
      h("span", { class: `badge badge-ticket-${ticket.status}`, dataset: { status: ticket.status } }, ticket.status_display),
      h("span", { class: `badge badge-priority-${ticket.priority}` }, ticket.priority_display),
      h("span", { class: "badge badge-neutral" }, ticket.category_display),
      staffView ? h("span", { class: "badge badge-neutral" }, `${ticket.partner_code} ${ticket.partner_name}`) : null,
    );
  }

  function renderClocks() {
    const box = $("[data-clocks]");
    if (!ticket.clocks.length) {
      box.replaceChildren(h("p", { class: "muted" }, gettext("No committed times apply to this ticket.")));
      return;
    }
    box.replaceChildren(...ticket.clocks.map(S.clockCard));
  }

  function renderDetails() {
    const item = (label, value) => (value ? [h("div", { class: "definition" }, h("dt", {}, label), h("dd", {}, value))] : []);
    $("[data-details]").replaceChildren(
      ...item(gettext("Opened"), PRM.fmt.datetime(ticket.opened_at)),
      ...item(gettext("Opened by"), ticket.opened_by && ticket.opened_by.name),
      ...item(gettext("Service centre"), ticket.centre_label),
      ...item(gettext("Assignee"), ticket.assignee ? ticket.assignee.name : gettext("Not assigned yet")),
      ...item(gettext("Contact"), ticket.contact_name),
      ...item(gettext("Product"), ticket.product_label),
      ...item(gettext("SLA policy"), ticket.policy_label),
      ...item(gettext("Resolved"), ticket.resolved_at && PRM.fmt.datetime(ticket.resolved_at)),
      ...item(gettext("Satisfaction"), ticket.rating && `${ticket.rating.score} / 5 ${ticket.rating.comment || ""}`),
    );
    $("[data-description]").textContent = ticket.description;
  }

  function attachmentLinks(attachments) {
    if (!attachments || !attachments.length) return null;
    return h("ul", { class: "small" }, attachments.map((a) =>
      h("li", {}, h("a", { href: a.download_url }, a.name), ` (${PRM.fmt.number(Math.ceil(a.size / 1024))} KB)`)));
  }

  async function loadThread() {
    const box = $("[data-thread]");
    try {
      const rows = await PRM.apiAll(ds.messagesUrl, { ticket: ds.ticketId });
      if (!rows.length) {
        box.replaceChildren(h("p", { class: "muted" }, gettext("No replies yet.")));
        return;
      }
      box.replaceChildren(...rows.map((m) => h(
        "article",
        { class: `message-item${m.internal ? " internal" : ""}${m.by_partner ? " from-partner" : ""}`, dataset: { message: m.id } },
        h("div", { class: "message-meta" },
          h("strong", {}, m.author ? m.author.name : gettext("Unknown")),
          h("span", {}, PRM.fmt.datetime(m.created_at)),
          m.internal ? h("span", { class: "badge badge-neutral" }, gettext("Internal note")) : null),
        h("div", { class: "message-body" }, m.body),
        attachmentLinks(m.attachments),
      )));
    } catch (error) {
      PRM.state.error(box, error, loadThread);
    }
  }

  async function loadHistory() {
    const box = $("[data-history]");
    try {
      const rows = await PRM.apiAll(ds.eventsUrl, { ticket: ds.ticketId });
      box.replaceChildren(...rows.slice().reverse().map((e) => h("li", {},
        h("strong", {}, e.kind_display), " ",
        e.old_value || e.new_value ? h("span", {}, `${e.old_value ? `${statusLabels[e.old_value] || e.old_value} → ` : ""}${statusLabels[e.new_value] || e.new_value}`) : null,
        h("div", { class: "muted small" }, `${PRM.fmt.datetime(e.at)}${e.actor ? ` · ${e.actor.name}` : ""}`))));
    } catch (error) {
      PRM.state.error(box, error, loadHistory);
    }
  }

  function renderActions() {
    if (!canChange) return;
    const statusForm = $("[data-status-form]");
    const allowed = transitions[ticket.status] || [];
    const select = statusForm.querySelector("select");
    select.replaceChildren(...allowed.map((value) => h("option", { value }, staffView ? statusLabels[value] : (value === "closed" ? gettext("Confirm the resolution") : gettext("Reopen")))));
    statusForm.hidden = !allowed.length;
    if (staffView) {
      const centre = $("[data-assign-form] select[name=centre]");
      if (ticket.centre) centre.value = ticket.centre;
      loadStaff(centre.value);
      $("[data-priority-form] select").value = ticket.priority;
      const box = $("[data-milestones]");
      box.replaceChildren(...(ticket.milestones || []).map((m) => m.reached
        ? h("span", { class: "badge badge-sla-met" }, PRM.format(gettext("%(name)s: reached"), { name: m.name }))
        : h("button", { type: "button", class: "button button-small", dataset: { milestone: m.code } },
          PRM.format(gettext("Mark “%(name)s” reached"), { name: m.name }))));
    } else {
      $("[data-actions-card]").hidden = !allowed.length;
      const ratingCard = $("[data-rating-card]");
      if (ratingCard) ratingCard.hidden = !(["resolved", "closed"].includes(ticket.status) && !ticket.rating);
    }
  }

  async function loadStaff(centre) {
    const select = $("[data-assign-form] select[name=assignee]");
    try {
      const rows = await PRM.api(ds.staffUrl, { params: centre ? { centre } : {} });
      select.replaceChildren(h("option", { value: "" }, gettext("Nobody")), ...rows.map((u) => h("option", { value: u.id }, `${u.name} (${u.role_display})`)));
      if (ticket.assignee) {
        if (!rows.some((u) => u.id === ticket.assignee.id)) select.append(h("option", { value: ticket.assignee.id }, ticket.assignee.name));
        select.value = String(ticket.assignee.id);
      }
    } catch (error) {
      showActionError(error);
    }
  }

  function render() {
    renderHeader();
    renderClocks();
    renderDetails();
    renderActions();
  }

  async function load() {
    ticket = await PRM.api(ds.apiUrl);
    render();
  }

  async function refreshAll() {
    await load();
    await Promise.all([loadThread(), loadHistory()]);
  }

  /* -------------------------------------------------------------------- actions ---------- */
  function showActionError(error) {
    const alert = $("[data-actions-alert]");
    if (!alert) return;
    const data = error.data || {};
    const lines = error.status === 400 ? Object.values(data).flat().map(String) : [error.userMessage];
    alert.replaceChildren(h("div", { class: "alert alert-error", role: "alert" }, PRM.icon("alert"), h("div", {}, lines.map((l) => h("p", {}, l)))));
    alert.hidden = false;
  }

  async function act(path, data, message) {
    const alert = $("[data-actions-alert]");
    if (alert) alert.hidden = true;
    try {
      await PRM.api(`${ds.apiUrl}${path}/`, { method: "POST", data });
      PRM.flash.show(message);
      await refreshAll();
    } catch (error) {
      showActionError(error);
    }
  }

  if (canChange) {
    $("[data-status-form]").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      act("transition", { status: form.status.value, note: form.note.value.trim() }, gettext("Status changed."));
      form.note.value = "";
    });
    if (staffView) {
      $("[data-assign-form]").addEventListener("submit", (event) => {
        event.preventDefault();
        const form = event.target;
        act("assign", { centre: form.centre.value, assignee: form.assignee.value ? Number(form.assignee.value) : null }, gettext("Assignment saved."));
      });
      $("[data-assign-form] select[name=centre]").addEventListener("change", (event) => loadStaff(event.target.value));
      $("[data-priority-form]").addEventListener("submit", (event) => {
        event.preventDefault();
        act("reclassify", { priority: event.target.priority.value }, gettext("Priority changed; committed times recomputed."));
      });
      $("[data-milestones]").addEventListener("click", (event) => {
        const button = event.target.closest("[data-milestone]");
        if (button) act("milestone", { code: button.dataset.milestone }, gettext("Milestone recorded."));
      });
    }

    const reply = $("[data-reply-form]");
    reply.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submit = reply.querySelector("[data-submit]");
      PRM.forms.clearErrors(reply);
      const data = new FormData();
      data.append("body", reply.body.value);
      if (reply.internal && reply.internal.checked) data.append("internal", "true");
      Array.from(reply.files.files).forEach((file) => data.append("files", file));
      submit.disabled = true;
      try {
        const response = await fetch(`${ds.apiUrl}reply/`, {
          method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
        });
        const body = await response.json().catch(() => ({}));
        if (response.status === 400) {
          PRM.forms.showErrors(reply, body);
          return;
        }
        if (!response.ok) throw new PRM.ApiError(response.status, body);
        reply.reset();
        PRM.flash.show(body.internal ? gettext("Internal note added.") : gettext("Reply sent."));
        await refreshAll();
      } catch (error) {
        PRM.forms.showAlert(reply, [error.userMessage || gettext("Something went wrong. Try again.")]);
      } finally {
        submit.disabled = false;
      }
    });

    const rating = $("[data-rating-form]");
    if (rating) {
      rating.addEventListener("submit", async (event) => {
        event.preventDefault();
        PRM.forms.clearErrors(rating);
        const chosen = rating.querySelector("input[name=score]:checked");
        try {
          await PRM.api(`${ds.apiUrl}rate/`, { method: "POST", data: { score: chosen ? Number(chosen.value) : null, comment: rating.comment.value.trim() } });
          PRM.flash.show(gettext("Thank you for your rating."));
          await refreshAll();
        } catch (error) {
          if (error.status === 400) PRM.forms.showErrors(rating, error.data);
          else PRM.forms.showAlert(rating, [error.userMessage]);
        }
      });
    }
  }

  refreshAll().catch((error) => PRM.state.error($("[data-clocks]"), error, refreshAll));
  // The clocks move on in working time: ask the server (which knows the calendar) every 30 s.
  setInterval(() => {
    if (document.hidden || !ticket) return;
    PRM.api(ds.apiUrl).then((fresh) => {
      ticket = fresh;
      renderClocks();
      renderHeader();
    }).catch(() => {});
  }, 30000);
})();
