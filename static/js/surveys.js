/* Satisfaction surveys, partner side: "My surveys" (the invitations of the user's partner) and
 * the answer page (a card per factor, grouped by the five categories, two 1–5 scales each).
 * Data from /api/v1/survey-invitations/ and /api/v1/survey-responses/. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h, fmt } = PRM;

  /* ------------------------------------------------------------ My surveys --------------- */

  function initMine(root) {
    const openBox = root.querySelector("[data-open]");
    const doneBox = root.querySelector("[data-done]");

    function subtitle(inv) {
      if (inv.ticket) return PRM.format(gettext("About your support request: %(subject)s"), { subject: inv.ticket_subject || `#${inv.ticket}` });
      if (inv.closes_on) return PRM.format(gettext("Open until %(date)s"), { date: fmt.date(inv.closes_on) });
      return "";
    }

    function openCard(inv) {
      return h("article", { class: "survey-invite" },
        h("div", {},
          h("h3", { class: "survey-invite-title" }, inv.campaign_label),
          h("p", { class: "muted small" }, subtitle(inv)),
          inv.status === "answered" ? h("p", { class: "small" }, gettext("A colleague has answered for your company; your own view is welcome too.")) : null),
        h("a", { class: "button button-primary", href: PRM.urlFor(root.dataset.answerUrl, inv.id) }, gettext("Answer now")));
    }

    function doneRow(inv) {
      let state = inv.status_display;
      if (inv.answered_by_me) state = gettext("You answered");
      return h("tr", {},
        h("td", {}, inv.campaign_label, inv.ticket ? h("div", { class: "muted small" }, subtitle(inv)) : null),
        h("td", {}, fmt.datetime(inv.invited_at)),
        h("td", {}, state));
    }

    async function load() {
      PRM.state.loading(openBox);
      try {
        const rows = await PRM.apiAll(root.dataset.url);
        const open = rows.filter((inv) => inv.can_answer);
        const done = rows.filter((inv) => !inv.can_answer);
        if (!open.length) PRM.state.empty(openBox, gettext("No survey is waiting for you."), gettext("We will let you know when there is a new one."));
        else {
          PRM.state.done(openBox);
          openBox.replaceChildren(...open.map(openCard));
        }
        if (!done.length) PRM.state.empty(doneBox, gettext("No earlier surveys."));
        else {
          doneBox.replaceChildren(h("div", { class: "table-wrap" }, h("table", { class: "table" },
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, gettext("Survey")), h("th", { scope: "col" }, gettext("Invited")),
              h("th", { scope: "col" }, gettext("Status")))),
            h("tbody", {}, done.map(doneRow)))));
        }
      } catch (error) {
        PRM.state.error(openBox, error, load);
      }
    }
    load();
  }

  /* ------------------------------------------------------------- answering --------------- */

  const SCALES = [
    ["importance", () => gettext("How important is this to you?"), () => [gettext("Not important"), gettext("Very important")]],
    ["satisfaction", () => gettext("How satisfied are you?"), () => [gettext("Not satisfied"), gettext("Very satisfied")]],
  ];

  function scale(factor, key, legend, ends) {
    const name = `${key}-${factor.id}`;
    return h("fieldset", { class: "survey-scale", dataset: { scale: key } },
      h("legend", {}, legend),
      h("div", { class: "survey-scale-options" },
        [1, 2, 3, 4, 5].map((n) => h("label", { class: "survey-scale-option" },
          h("input", { type: "radio", name, value: String(n), "aria-label": PRM.format(gettext("%(legend)s %(n)s of 5"), { legend, n }) }),
          h("span", { "aria-hidden": "true" }, String(n))))),
      h("div", { class: "survey-scale-ends muted small", "aria-hidden": "true" }, h("span", {}, ends[0]), h("span", {}, ends[1])));
  }

  function factorCard(factor) {
    return h("section", { class: "card survey-factor", dataset: { factor: factor.id, code: factor.code } },
      h("div", { class: "card-body" },
        h("h3", { class: "survey-factor-title", id: `factor-${factor.id}` }, factor.label),
        factor.description_label ? h("p", { class: "muted small" }, factor.description_label) : null,
        h("div", { class: "survey-scales" }, SCALES.map(([key, legend, ends]) => scale(factor, key, legend(), ends()))),
        h("p", { class: "field-error", role: "alert", dataset: { factorError: factor.id }, hidden: true })));
  }

  function initAnswer(root) {
    const stateBox = root.querySelector("[data-state]");
    const form = root.querySelector("[data-survey-form]");
    const questions = form.querySelector("[data-questions]");
    const thanks = root.querySelector("[data-thanks]");
    const submit = form.querySelector("[data-submit]");
    let factors = [];

    function render(invitation, categories) {
      factors = invitation.questions;
      const groups = categories
        .map((cat) => ({ cat, items: factors.filter((f) => f.category === cat.id) }))
        .filter((g) => g.items.length);
      questions.replaceChildren(...groups.map((g) => h("section", { class: "survey-category", "aria-labelledby": `category-${g.cat.id}` },
        h("h2", { class: "survey-category-title", id: `category-${g.cat.id}` }, g.cat.label),
        g.items.map(factorCard))));
      const progress = h("p", { class: "muted small", "aria-live": "polite", dataset: { progress: "" } });
      questions.prepend(progress);
      const update = () => {
        const done = factors.filter((f) => form.querySelector(`input[name="importance-${f.id}"]:checked`)
          && form.querySelector(`input[name="satisfaction-${f.id}"]:checked`)).length;
        progress.textContent = PRM.format(gettext("%(done)s of %(total)s factors rated"), { done, total: factors.length });
      };
      form.addEventListener("change", update);
      update();
    }

    function clearErrors() {
      PRM.forms.clearErrors(form);
      form.querySelectorAll("[data-factor-error]").forEach((el) => { el.hidden = true; el.textContent = ""; });
      form.querySelectorAll(".survey-factor.has-error").forEach((el) => el.classList.remove("has-error"));
    }

    function showErrors(data) {
      clearErrors();
      const general = [];
      let first = null;
      const answers = data.answers;
      if (answers && typeof answers === "object" && !Array.isArray(answers)) {
        Object.entries(answers).forEach(([key, messages]) => {
          const lines = [].concat(messages).map((m) => (typeof m === "string" ? m : Object.values(m).join(" ")));
          const slot = form.querySelector(`[data-factor-error="${CSS.escape(key)}"]`);
          if (!slot) { general.push(...lines); return; }
          slot.textContent = lines.join(" ");
          slot.hidden = false;
          const card = slot.closest(".survey-factor");
          card.classList.add("has-error");
          if (!first) first = card;
        });
      } else if (answers) general.push(...[].concat(answers).map(String));
      Object.entries(data).forEach(([key, value]) => {
        if (key === "answers") return;
        const slot = form.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
        if (slot) { slot.textContent = [].concat(value).join(" "); slot.hidden = false; } else general.push(...[].concat(value).map(String));
      });
      if (general.length) PRM.forms.showAlert(form, general);
      if (first) {
        first.scrollIntoView({ block: "center" });
        const input = first.querySelector("input");
        if (input) input.focus({ preventScroll: true });
      } else if (general.length) form.querySelector("[data-form-alert]").scrollIntoView({ block: "center" });
    }

    function collect() {
      const value = (name) => {
        const el = form.querySelector(`input[name="${name}"]:checked`);
        return el ? Number(el.value) : null;
      };
      return {
        invitation: Number(root.dataset.invitation),
        comment: form.querySelector('[name="comment"]').value.trim(),
        answers: factors.map((f) => ({ factor: f.id, importance: value(`importance-${f.id}`), satisfaction: value(`satisfaction-${f.id}`) })),
      };
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      clearErrors();
      submit.disabled = true;
      const label = submit.textContent;
      submit.textContent = gettext("Sending…");
      try {
        await PRM.api(root.dataset.submitUrl, { method: "POST", data: collect() });
        form.hidden = true;
        thanks.hidden = false;
        thanks.focus();
      } catch (error) {
        if (error instanceof PRM.ApiError && error.status === 400) showErrors(error.data);
        else PRM.forms.showAlert(form, [error.userMessage || gettext("Something went wrong. Try again.")]);
      } finally {
        submit.disabled = false;
        submit.textContent = label;
      }
    });

    async function load() {
      PRM.state.loading(stateBox);
      try {
        const [invitation, categories] = await Promise.all([PRM.api(root.dataset.invitationUrl), PRM.apiAll(root.dataset.categoriesUrl)]);
        if (!invitation.can_answer) {
          PRM.state.empty(stateBox,
            invitation.answered_by_me ? gettext("You have already answered this survey. Thank you!") : gettext("This survey is closed."),
            null, h("a", { class: "button", href: root.dataset.mineUrl }, gettext("Back to my surveys")));
          return;
        }
        PRM.state.done(stateBox);
        stateBox.replaceChildren();
        render(invitation, categories);
        form.hidden = false;
      } catch (error) {
        PRM.state.error(stateBox, error, load);
      }
    }
    load();
  }

  const mine = document.getElementById("surveys-mine");
  if (mine) initMine(mine);
  const answer = document.getElementById("surveys-answer");
  if (answer) initAnswer(answer);
})();
