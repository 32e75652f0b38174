/* Loyalty pages: my points (and a partner's points for staff), rewards, redemptions, tier
 * reviews and the programme page. All data comes from /api/v1/loyalty/; strings go through
 * Django's JavaScript catalog. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h, fmt } = PRM;
  const choicesEl = document.getElementById("loyalty-choices");
  const CHOICES = choicesEl ? JSON.parse(choicesEl.textContent) : {};
  const label = (group, value) => (CHOICES[group] && CHOICES[group][value]) || value || "";
  const signed = (n) => (n > 0 ? `+${fmt.number(n)}` : fmt.number(n));

  function table(headers, rows) {
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "table" },
        h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
        h("tbody", {}, rows),
      ),
    );
  }

  /** A cursor- or page-paginated list with a "show more" button. */
  function pager(root, url, params, render) {
    const rowsBox = root.querySelector("[data-rows], [data-ledger]");
    const more = root.querySelector("[data-more]");
    let next = null;
    let rows = [];
    async function load(reset) {
      if (reset) {
        rows = [];
        PRM.state.loading(rowsBox);
      }
      try {
        const page = await PRM.api(reset ? url : next, { params: reset ? params() : undefined });
        rows = rows.concat(page.results);
        next = page.next;
        more.hidden = !next;
        render(rowsBox, rows, () => load(true));
        PRM.state.done(rowsBox);
      } catch (error) {
        PRM.state.error(rowsBox, error, () => load(true));
      }
    }
    more.addEventListener("click", () => load(false));
    load(true);
    return () => load(true);
  }

  /* ------------------------------------------------------------ my points ---------------- */
  function progressCard(box, balance) {
    const p = balance.progress;
    const items = [
      h("p", {}, PRM.format(gettext("Your tier: %(tier)s. You qualify for: %(qualified)s."), {
        tier: label("tier", p.tier),
        qualified: label("tier", p.qualified_tier) || "—",
      })),
    ];
    if (p.next_tier) {
      items.push(
        h("p", {}, h("strong", { "data-points-needed": p.points_needed }, p.points_needed <= 0
          ? PRM.format(gettext("Enough points for %(tier)s"), { tier: label("tier", p.next_tier) })
          : p.next_drop_on
            ? PRM.format(gettext("%(points)s more points by %(date)s for %(tier)s"), {
              points: fmt.number(p.points_needed), date: fmt.date(p.next_drop_on), tier: label("tier", p.next_tier),
            })
            : PRM.format(gettext("%(points)s more points for %(tier)s"), {
              points: fmt.number(p.points_needed), tier: label("tier", p.next_tier),
            }))),
      );
      items.push(
        h("ul", {}, p.requirements.map((r) =>
          h("li", {}, `${r.met ? "✓" : "✗"} ${label("metric", r.metric)}: ${fmt.number(r.actual)} / ${fmt.number(r.required)}`))),
      );
    } else {
      items.push(h("p", {}, gettext("You are at the highest tier.")));
    }
    items.push(h("p", { class: "muted small" }, PRM.format(
      gettext("Points earned after %(start)s count (12 months)."), { start: fmt.date(p.window_start) })));
    if (p.next_drop_on) {
      items.push(h("p", { class: "muted small" }, PRM.format(
        gettext("On %(date)s, %(points)s points leave the window."),
        { date: fmt.date(p.next_drop_on), points: fmt.number(p.next_drop_points) })));
    }
    box.replaceChildren(...items);
  }

  function initPoints(root) {
    const q = (sel) => root.querySelector(sel);
    async function loadBalance() {
      try {
        const b = await PRM.api(root.dataset.balanceUrl);
        q('[data-kpi="points"]').textContent = fmt.number(b.points);
        q('[data-kpi="spendable"]').textContent = fmt.number(b.spendable);
        q('[data-kpi="qualifying"]').textContent = fmt.number(b.progress.qualifying_points);
        q('[data-kpi="tier"]').replaceChildren(PRM.badge("tier", b.tier, b.tier_display));
        q("[data-kpis]").removeAttribute("aria-busy");
        progressCard(q("[data-progress]"), b);
        const expiry = q("[data-expiry]");
        if (!b.expiry_schedule.length) PRM.state.empty(expiry, gettext("No points to expire."));
        else expiry.replaceChildren(table([gettext("Expires at the end of"), gettext("Points")],
          b.expiry_schedule.map((row) => h("tr", {}, h("td", {}, fmt.date(row.expires_on)), h("td", { class: "numeric" }, fmt.number(row.points))))));
      } catch (error) {
        PRM.state.error(q("[data-progress]"), error, loadBalance);
      }
    }
    const reload = pager(root, root.dataset.ledgerUrl, () => ({ partner: root.dataset.partner }), (box, rows) => {
      if (!rows.length) {
        PRM.state.empty(box, gettext("No points yet."), gettext("Points are credited the night after a sale is recorded."));
        return;
      }
      box.replaceChildren(table(
        [gettext("Date"), gettext("Entry"), gettext("Points"), gettext("Left"), gettext("Explanation")],
        rows.map((e) => h("tr", { "data-entry": e.kind },
          h("td", { class: "nowrap" }, fmt.date(e.effective_on)),
          h("td", {}, e.kind_display),
          h("td", { class: "numeric" }, signed(e.points)),
          h("td", { class: "numeric" }, e.remaining === null ? "" : fmt.number(e.remaining)),
          h("td", {}, e.explanation))),
      ));
    });
    loadBalance();
    const form = q("[data-adjust-form]");
    if (form) {
      PRM.forms.bind(form, {
        url: root.dataset.adjustUrl,
        method: "POST",
        transform: (data) => Object.assign(data, { partner: Number(root.dataset.partner) }),
        onSuccess: () => {
          form.reset();
          PRM.flash.show(gettext("The points were adjusted."));
          loadBalance();
          reload();
        },
      });
    }
  }

  /* ---------------------------------------------------------------- rewards -------------- */
  const TIER_RANK = { registered: 0, certified: 1, gold: 2 };

  function initRewards(root) {
    const box = root.querySelector("[data-rewards]");
    const badge = document.querySelector("[data-spendable]");
    let spendable = 0;
    async function load() {
      PRM.state.loading(box);
      try {
        const [balance, rewards] = await Promise.all([PRM.api(root.dataset.balanceUrl), PRM.apiAll(root.dataset.rewardsUrl)]);
        spendable = balance.spendable;
        badge.textContent = PRM.format(gettext("%(points)s points to spend"), { points: fmt.number(spendable) });
        if (!rewards.length) {
          PRM.state.empty(box, gettext("No rewards are offered at the moment."));
          return;
        }
        box.replaceChildren(...rewards.map(card));
        PRM.state.done(box);
      } catch (error) {
        PRM.state.error(box, error, load);
      }
    }
    function card(reward) {
      const tierOk = TIER_RANK[root.dataset.tier] >= TIER_RANK[reward.min_tier];
      const soldOut = reward.stock !== null && reward.stock < 1;
      const enough = spendable >= reward.cost_points;
      const why = !tierOk
        ? PRM.format(gettext("For %(tier)s partners and above."), { tier: reward.min_tier_display })
        : soldOut ? gettext("Out of stock.") : !enough ? gettext("Not enough points yet.") : "";
      const button = h("button", {
        type: "button", class: "button button-primary", disabled: Boolean(why), "data-redeem": reward.code,
      }, gettext("Redeem"));
      button.addEventListener("click", async () => {
        const question = PRM.format(gettext("Redeem %(reward)s for %(points)s points?"), { reward: reward.label, points: fmt.number(reward.cost_points) });
        if (!window.confirm(question)) return;
        button.disabled = true;
        try {
          await PRM.api(root.dataset.redeemUrl, { method: "POST", data: { reward: reward.id, quantity: 1 } });
          PRM.flash.next(PRM.format(gettext("You redeemed %(reward)s. The operator will provide it soon."), { reward: reward.label }));
          window.location.href = root.dataset.redemptionsPage;
        } catch (error) {
          const message = error.data && error.data.reward ? [].concat(error.data.reward).join(" ") : error.userMessage;
          PRM.flash.show(message, "error");
          button.disabled = false;
        }
      });
      return h("section", { class: "card", "data-reward": reward.code },
        h("header", { class: "card-header" }, h("h2", { class: "card-title" }, reward.label), h("span", { class: "badge badge-neutral" }, reward.category_display)),
        h("div", { class: "card-body" },
          h("p", {}, reward.description_label),
          h("p", { class: "kpi-value" }, PRM.format(gettext("%(points)s points"), { points: fmt.number(reward.cost_points) })),
          h("p", { class: "muted small" }, reward.stock === null ? gettext("Available") : PRM.format(gettext("%(stock)s left"), { stock: reward.stock })),
          why ? h("p", { class: "muted small" }, why) : null,
          button));
    }
    load();
  }

  /* ------------------------------------------------------------ redemptions -------------- */
  function initRedemptions(root) {
    const status = document.querySelector("[data-status-filter]");
    const canDecide = Boolean(root.dataset.canDecide);
    const reload = pager(root, root.dataset.url, () => ({ status: status.value || undefined }), (box, rows, again) => {
      if (!rows.length) {
        PRM.state.empty(box, gettext("No redemptions."));
        return;
      }
      const headers = [gettext("Requested"), gettext("Partner"), gettext("Reward"), gettext("Points"), gettext("Status"), gettext("Note")];
      if (canDecide) headers.push(gettext("Decision"));
      box.replaceChildren(table(headers, rows.map((r) => {
        const cells = [
          h("td", { class: "nowrap" }, fmt.datetime(r.requested_at)),
          h("td", {}, `${r.partner_code} ${r.partner_name}`),
          h("td", {}, r.reward_label),
          h("td", { class: "numeric" }, fmt.number(r.points)),
          h("td", { "data-status": r.status }, r.status_display),
          h("td", {}, r.decision_note || r.note),
        ];
        if (canDecide) cells.push(h("td", {}, r.status === "pending" ? decision(r, again) : ""));
        return h("tr", { "data-redemption": r.id }, cells);
      })));
    });
    status.addEventListener("change", reload);
    function decision(r, again) {
      const note = h("input", { "aria-label": gettext("Note to the partner"), maxlength: "500", placeholder: gettext("Note to the partner") });
      const act = (verb) => async () => {
        try {
          await PRM.api(`${root.dataset.url}${r.id}/${verb}/`, { method: "POST", data: { note: note.value } });
          PRM.flash.show(verb === "fulfil" ? gettext("Marked fulfilled.") : gettext("Rejected; the points went back."));
          again();
        } catch (error) {
          const data = error.data || {};
          PRM.flash.show([].concat(data.note || data.status || error.userMessage).join(" "), "error");
        }
      };
      return h("div", {}, note,
        h("button", { type: "button", class: "button button-small button-primary", onclick: act("fulfil") }, gettext("Fulfil")),
        h("button", { type: "button", class: "button button-small", onclick: act("reject") }, gettext("Reject")));
    }
  }

  /* ----------------------------------------------------------- tier reviews -------------- */
  function initReviews(root) {
    const status = document.querySelector("[data-status-filter]");
    const direction = document.querySelector("[data-direction-filter]");
    const canDecide = Boolean(root.dataset.canDecide);
    const selected = new Set();
    const count = root.querySelector("[data-selected-count]");
    const showCount = () => { if (count) count.textContent = PRM.format(gettext("%(n)s selected"), { n: selected.size }); };
    const reload = pager(root, root.dataset.url, () => ({ status: status.value, direction: direction.value || undefined }), (box, rows, again) => {
      if (!rows.length) {
        PRM.state.empty(box, gettext("No tier reviews."));
        return;
      }
      const headers = [gettext("Partner"), gettext("Change"), gettext("Qualifying points"), gettext("Trained people"),
        gettext("Open compliance issues"), gettext("Active customers"), gettext("Window"), gettext("May be approved from"), gettext("Status")];
      if (canDecide) headers.unshift(gettext("Select"));
      box.replaceChildren(table(headers, rows.map((r) => {
        const cells = [
          h("td", {}, h("a", { href: PRM.urlFor(root.dataset.partnerUrl, r.partner) }, `${r.partner_code} ${r.partner_name}`)),
          h("td", {}, `${r.from_tier_display} → ${r.to_tier_display} (${r.direction_display})`),
          h("td", { class: "numeric" }, fmt.number(r.qualifying_points)),
          h("td", { class: "numeric" }, fmt.number(r.trained_people)),
          h("td", { class: "numeric" }, fmt.number(r.open_compliance_issues)),
          h("td", { class: "numeric" }, fmt.number(r.active_customers)),
          h("td", { class: "nowrap" }, `${fmt.date(r.window_start)} – ${fmt.date(r.window_end)}`),
          h("td", { class: "nowrap" }, fmt.date(r.eligible_on)),
          h("td", {}, r.status_display, r.decision_reason ? h("div", { class: "muted small" }, r.decision_reason) : null),
        ];
        if (canDecide) {
          const box = h("input", { type: "checkbox", "aria-label": PRM.format(gettext("Select %(partner)s"), { partner: r.partner_name }), disabled: r.status !== "pending" });
          box.checked = selected.has(r.id);
          box.addEventListener("change", () => { box.checked ? selected.add(r.id) : selected.delete(r.id); showCount(); });
          cells.unshift(h("td", {}, box));
          cells.push(h("td", {}, r.status === "pending" ? h("button", {
            type: "button", class: "button button-small button-primary", "data-approve": r.id,
            onclick: () => decide([r.id], "approve", again),
          }, gettext("Approve")) : ""));
        }
        return h("tr", { "data-review": r.id }, cells);
      })));
    });
    [status, direction].forEach((el) => el.addEventListener("change", () => { selected.clear(); showCount(); reload(); }));
    async function decide(ids, decision, again) {
      const reasonInput = root.querySelector("#bulk-reason");
      try {
        const result = await PRM.api(root.dataset.bulkUrl, { method: "POST", data: { ids, decision, reason: reasonInput ? reasonInput.value : "" } });
        const failed = Object.entries(result.errors);
        if (result.done.length) PRM.flash.show(PRM.format(PRM.ngettext("%(n)s review decided.", "%(n)s reviews decided.", result.done.length), { n: result.done.length }));
        failed.forEach(([id, messages]) => PRM.flash.show(`#${id}: ${[].concat(...Object.values(messages).map((m) => [].concat(m))).join(" ")}`, "error"));
        selected.clear();
        showCount();
        again();
      } catch (error) {
        PRM.flash.show(error.userMessage, "error");
      }
    }
    root.querySelectorAll("[data-bulk]").forEach((button) => button.addEventListener("click", () => {
      if (!selected.size) {
        PRM.flash.show(gettext("Select at least one review."), "warning");
        return;
      }
      decide(Array.from(selected), button.dataset.bulk, reload);
    }));
    showCount();
  }

  /* -------------------------------------------------------------- programme -------------- */
  function initProgramme(root) {
    const q = (sel) => root.querySelector(sel);
    const canManage = Boolean(root.dataset.canManage);
    let chart = null;
    async function loadReport() {
      try {
        const report = await PRM.api(root.dataset.reportUrl, { params: { months: 12 } });
        q('[data-kpi="liability"]').textContent = fmt.number(report.outstanding_liability);
        q('[data-kpi="holders"]').textContent = fmt.number(report.partners_with_points);
        const top = q("[data-top]");
        if (!report.top_earners.length) PRM.state.empty(top, gettext("No points earned yet."));
        else top.replaceChildren(table([gettext("Partner"), gettext("Tier"), gettext("Qualifying points"), gettext("Balance")],
          report.top_earners.map((t) => h("tr", {},
            h("td", {}, h("a", { href: PRM.urlFor(root.dataset.partnerUrl, t.partner) }, `${t.code} ${t.name}`)),
            h("td", {}, label("tier", t.tier)), h("td", { class: "numeric" }, fmt.number(t.qualifying_points)),
            h("td", { class: "numeric" }, fmt.number(t.balance))))));
        const canvas = q('[data-chart="months"]');
        if (window.Chart && canvas) {
          if (chart) chart.destroy();
          const months = report.months.map((m) => m.month.slice(0, 7));
          chart = new window.Chart(canvas, {
            type: "bar",
            data: {
              labels: months,
              datasets: [
                { label: gettext("Earned"), data: report.months.map((m) => m.earned) },
                { label: gettext("Redeemed"), data: report.months.map((m) => m.redeemed) },
                { label: gettext("Expired"), data: report.months.map((m) => m.expired) },
              ],
            },
            options: { responsive: true, maintainAspectRatio: false },
          });
        }
      } catch (error) {
        PRM.state.error(q("[data-top]"), error, loadReport);
      }
      try {
        const runs = await PRM.api(root.dataset.runsUrl, { params: { page_size: 1 } });
        const run = runs.results[0];
        q('[data-kpi="run"]').textContent = run ? `${fmt.date(run.as_of)} · ${run.status_display}` : gettext("Never");
      } catch (error) {
        q('[data-kpi="run"]').textContent = "—";
      }
    }
    async function toggle(url, item, reload) {
      try {
        await PRM.api(`${url}${item.id}/`, { method: "PATCH", data: { active: !item.active } });
        reload();
      } catch (error) {
        PRM.flash.show(error.userMessage, "error");
      }
    }
    async function loadRules() {
      const box = q("[data-rules]");
      PRM.state.loading(box);
      try {
        const rules = await PRM.apiAll(root.dataset.rulesUrl);
        box.replaceChildren(table(
          [gettext("Rule"), gettext("Kind"), gettext("Earns"), gettext("Valid"), gettext("Caps"), gettext("Active")],
          rules.map((r) => h("tr", { "data-rule": r.id },
            h("td", {}, r.label), h("td", {}, r.kind_display),
            h("td", {}, PRM.format(gettext("%(points)s per %(amount)s"), { points: r.points, amount: fmt.money(r.per_amount) })),
            h("td", { class: "nowrap" }, `${r.valid_from ? fmt.date(r.valid_from) : "…"} – ${r.valid_to ? fmt.date(r.valid_to) : "…"}`),
            h("td", {}, [r.cap_per_sale ? PRM.format(gettext("%(n)s per sale"), { n: r.cap_per_sale }) : "", r.cap_per_partner ? PRM.format(gettext("%(n)s per partner"), { n: r.cap_per_partner }) : ""].filter(Boolean).join(", ")),
            h("td", {}, canManage
              ? h("button", { type: "button", class: "button button-small", onclick: () => toggle(root.dataset.rulesUrl, r, loadRules) }, r.active ? gettext("Deactivate") : gettext("Activate"))
              : (r.active ? gettext("Yes") : gettext("No")))))));
      } catch (error) {
        PRM.state.error(box, error, loadRules);
      }
    }
    async function loadLevels() {
      const box = q("[data-levels]");
      try {
        const levels = await PRM.api(root.dataset.levelsUrl);
        box.replaceChildren(table(
          [gettext("Tier"), gettext("Qualifying points"), gettext("Trained people"), gettext("Open compliance issues (at most)"), gettext("Active customers"), gettext("Earning multiplier")],
          levels.map((l) => h("tr", {}, h("td", {}, l.tier_display), h("td", { class: "numeric" }, fmt.number(l.min_points)),
            h("td", { class: "numeric" }, l.min_trained_people), h("td", { class: "numeric" }, l.max_open_compliance_issues === null ? "—" : l.max_open_compliance_issues),
            h("td", { class: "numeric" }, l.min_active_customers), h("td", { class: "numeric" }, `${l.earn_multiplier_pct} %`)))));
      } catch (error) {
        PRM.state.error(box, error, loadLevels);
      }
    }
    async function loadCatalogue() {
      const box = q("[data-catalogue]");
      try {
        const rewards = await PRM.apiAll(root.dataset.rewardsUrl);
        box.replaceChildren(table(
          [gettext("Reward"), gettext("Category"), gettext("Cost"), gettext("Stock"), gettext("Lowest tier"), gettext("Active")],
          rewards.map((r) => h("tr", { "data-reward": r.code }, h("td", {}, r.label), h("td", {}, r.category_display),
            h("td", { class: "numeric" }, fmt.number(r.cost_points)), h("td", { class: "numeric" }, r.stock === null ? "∞" : r.stock),
            h("td", {}, r.min_tier_display),
            h("td", {}, canManage
              ? h("button", { type: "button", class: "button button-small", onclick: () => toggle(root.dataset.rewardsUrl, r, loadCatalogue) }, r.active ? gettext("Deactivate") : gettext("Activate"))
              : (r.active ? gettext("Yes") : gettext("No")))))));
      } catch (error) {
        PRM.state.error(box, error, loadCatalogue);
      }
    }
    const ruleForm = q("[data-rule-form]");
    if (ruleForm) PRM.forms.bind(ruleForm, { url: root.dataset.rulesUrl, method: "POST", onSuccess: () => { ruleForm.reset(); PRM.flash.show(gettext("Rule added.")); loadRules(); } });
    const rewardForm = q("[data-reward-form]");
    if (rewardForm) PRM.forms.bind(rewardForm, { url: root.dataset.rewardsUrl, method: "POST", onSuccess: () => { rewardForm.reset(); PRM.flash.show(gettext("Reward added.")); loadCatalogue(); } });
    loadReport();
    loadRules();
    loadLevels();
    loadCatalogue();
  }

  const pages = {
    "loyalty-points": initPoints,
    "loyalty-rewards": initRewards,
    "loyalty-redemptions": initRedemptions,
    "loyalty-reviews": initReviews,
    "loyalty-programme": initProgramme,
  };
  Object.entries(pages).forEach(([id, init]) => {
    const root = document.getElementById(id);
    if (root) init(root);
  });
})();
