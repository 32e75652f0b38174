/* The partner page's "Satisfaction index" section: the latest weighted index (0–100), the five
 * category scores and the month-end history, from /api/v1/survey-satisfaction/. */
(function () {
  "use strict";

  function start() {
    const PRM = window.PRM;
    const { gettext, h } = PRM;
    const box = document.getElementById("satisfaction-section");
    if (!box) return;
    const ds = box.dataset;
    const twoPlaces = new Intl.NumberFormat(PRM.lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    PRM.state.loading(box);
    Promise.all([
      PRM.api(ds.apiUrl, { params: { partner: ds.partnerId, ordering: "-as_of", page_size: 13 } }),
      PRM.api(ds.categoriesUrl).catch(() => []),
    ])
      .then(([body, categories]) => {
        const rows = body.results;
        if (!rows.length) {
          PRM.state.empty(box, gettext("No satisfaction index yet."), gettext("It is computed each night from the partner's survey answers of the last 365 days."));
          return;
        }
        const latest = rows[0];
        const labels = Object.fromEntries((Array.isArray(categories) ? categories : categories.results || []).map((c) => [c.code, c.label]));
        const order = Object.keys(labels).length ? Object.keys(labels) : Object.keys(latest.category_scores);
        box.replaceChildren(
          h(
            "div",
            { class: "ipa-index" },
            h("strong", { "data-satisfaction-index": true }, twoPlaces.format(Number(latest.index))),
            h("span", { class: "muted" }, PRM.format(gettext("of 100 · as of %(day)s · %(count)s responses"), { day: PRM.fmt.date(latest.as_of), count: latest.responses })),
          ),
          h(
            "ul",
            { class: "ipa-bars" },
            order
              .filter((code) => latest.category_scores[code] !== undefined)
              .map((code) => {
                const score = Number(latest.category_scores[code]);
                return h(
                  "li",
                  { class: "ipa-bar", "data-category": code },
                  h("span", {}, labels[code] || code),
                  h("span", { class: "ipa-track", role: "img", "aria-label": `${labels[code] || code}: ${twoPlaces.format(score)}` }, h("span", { class: "ipa-fill", style: `width:${Math.max(0, Math.min(100, score))}%` })),
                  h("span", { class: "numeric" }, twoPlaces.format(score)),
                );
              }),
          ),
          rows.length > 1
            ? h(
                "p",
                { class: "muted small", "data-satisfaction-history": true },
                gettext("Earlier:"),
                " ",
                rows.slice(1).map((r) => `${PRM.fmt.date(r.as_of)} ${twoPlaces.format(Number(r.index))}`).join(" · "),
              )
            : null,
        );
        PRM.state.done(box);
      })
      .catch((error) => PRM.state.error(box, error));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
