/* The lifecycle section of a partner's page: stage (with override), value score and its
 * components, open flags with evidence, the stage's playbook, plans, and the stage timeline. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const root = document.getElementById("lifecycle-section");
  if (!PRM || !root || !PRM.lifecycle) return;
  const { gettext, h } = PRM;
  const LC = PRM.lifecycle;
  const ds = root.dataset;
  const canManage = ds.canManage === "true";
  const part = (name) => root.querySelector(`[data-lc-${name}]`);

  function renderStage(state) {
    const override = state.override;
    part("stage").replaceChildren(
      h("p", { class: "eyebrow" }, gettext("Stage")),
      h("div", { class: "lifecycle-stage-big" }, LC.stageBadge(state.stage, state.stage_display), LC.riskBadge(state.risk_level, state.risk_level_display)),
      h("p", { class: "muted small" }, PRM.format(gettext("Since %(day)s · computed as of %(as_of)s"), { day: PRM.fmt.date(state.stage_since), as_of: PRM.fmt.date(state.as_of) })),
      override
        ? h("p", { class: "small", "data-lc-overridden": true }, PRM.format(gettext("Set by %(who)s until %(day)s: %(reason)s. The rules say %(stage)s."), {
            who: override.created_by ? override.created_by.display_name : gettext("a channel manager"),
            day: PRM.fmt.date(override.valid_until),
            reason: override.reason,
            stage: state.rule_stage_display,
          }), canManage ? [" ", h("button", { type: "button", class: "link-button", "data-lc-end-override": true, onclick: endOverride }, gettext("End the override"))] : null)
        : h("p", { class: "small" }, state.rule_reason_display),
    );
  }

  function renderScore(state) {
    part("score").replaceChildren(
      h("p", { class: "eyebrow" }, gettext("Value score")),
      h("div", { class: "score-value", "data-lc-value": state.value_score }, String(state.value_score), h("span", { class: "muted small" }, " / 100")),
      LC.scoreBars(state.components),
      h("p", { class: "muted small" }, PRM.format(gettext("Sales in the last 12 months: %(amount)s"), { amount: PRM.fmt.money(state.sales_12m) })),
    );
  }

  function renderFlags(state) {
    part("flags").replaceChildren(h("h3", { class: "lifecycle-subtitle" }, gettext("Early-warning flags")), LC.flagList(state.open_flags));
  }

  function renderPlans(state) {
    const box = part("plans");
    const plans = state.active_plans || [];
    const kind = state.stage === "E" ? "win_back" : "retention";
    const items = plans.map((plan) =>
      h("li", { class: "item" }, h("a", { href: PRM.urlFor(ds.planUrl, plan.id), "data-lc-plan": plan.id }, plan.kind_display, " · ", plan.lever_display), h("span", { class: "muted small" }, " ", PRM.format(gettext("review %(day)s"), { day: PRM.fmt.date(plan.review_on) }), plan.owner ? ` · ${plan.owner.display_name}` : "")),
    );
    const hasKind = plans.some((plan) => plan.kind === kind);
    box.replaceChildren(
      h("h3", { class: "lifecycle-subtitle" }, gettext("Retention and win-back plans")),
      items.length ? h("ul", { class: "item-list" }, items) : h("p", { class: "muted" }, gettext("No active plan.")),
      canManage && !hasKind
        ? h("a", { class: "button button-small", href: `${ds.planCreateUrl}${kind === "win_back" ? "&kind=win_back" : ""}`, "data-lc-start-plan": kind }, PRM.icon("plus"), kind === "win_back" ? gettext("Open a win-back plan") : gettext("Open a retention plan"))
        : null,
    );
  }

  async function renderPlaybook(stage) {
    const box = part("playbook");
    try {
      const playbook = await PRM.api(ds.playbookApi.replace(/\/A\/$/, `/${stage}/`));
      box.replaceChildren(
        h("h3", { class: "lifecycle-subtitle" }, PRM.format(gettext("Playbook for %(stage)s"), { stage: playbook.stage_display })),
        h("p", { class: "playbook-question", "data-lc-question": true }, playbook.question),
        h("ol", { class: "playbook-actions" }, playbook.actions.map((line) => h("li", {}, line))),
      );
    } catch (error) {
      PRM.state.error(box, error, () => renderPlaybook(stage));
    }
  }

  async function renderTimeline() {
    const box = part("timeline");
    PRM.state.loading(box);
    try {
      const body = await PRM.api(ds.changesApi, { params: { partner: ds.partnerId, page_size: 50 } });
      if (!body.results.length) {
        PRM.state.empty(box, gettext("No stage history yet."));
        return;
      }
      PRM.state.done(box);
      box.replaceChildren(
        h(
          "ol",
          { class: "timeline", "data-lc-timeline-list": true },
          body.results.map((c) =>
            h(
              "li",
              { class: c.source === "manual" ? "is-manual" : "" },
              h("span", {}, c.from_stage ? [LC.stageBadge(c.from_stage, c.from_stage_display), " → "] : null, LC.stageBadge(c.to_stage, c.to_stage_display)),
              h("span", { class: "muted small block" }, PRM.fmt.date(c.as_of), " · ", c.source === "manual" ? (c.changed_by ? c.changed_by.display_name : c.source_display) : c.reason_display, c.note ? ` · ${c.note}` : ""),
            ),
          ),
        ),
      );
    } catch (error) {
      PRM.state.error(box, error, renderTimeline);
    }
  }

  async function endOverride() {
    try {
      await PRM.api(`${ds.stateApi}end-override/`, { method: "POST", data: {} });
      PRM.flash.show(gettext("The override has ended: the rules decide the stage again."));
      load();
    } catch (error) {
      PRM.flash.show(error.userMessage, "error");
    }
  }

  async function load() {
    try {
      const state = await PRM.api(ds.stateApi);
      renderStage(state);
      renderScore(state);
      renderFlags(state);
      renderPlans(state);
      renderPlaybook(state.stage);
      renderTimeline();
    } catch (error) {
      if (error instanceof PRM.ApiError && error.status === 404) {
        PRM.state.empty(part("stage"), gettext("Not classified yet."), gettext("The nightly job computes every partner's stage, value score and flags."));
        root.querySelector("[data-lc-override-box]")?.remove();
        renderTimeline();
        return;
      }
      PRM.state.error(part("stage"), error, load);
    }
  }

  const form = document.getElementById("lifecycle-override-form");
  if (form && PRM.forms) {
    PRM.forms.bind(form, {
      url: `${ds.stateApi}override/`,
      method: "POST",
      onSuccess: () => {
        form.closest("details").open = false;
        form.reset();
        PRM.flash.show(gettext("Stage overridden."));
        load();
      },
    });
  }
  load();
})();
