/* The partner page's "Support requests" section: the partner's latest tickets with their clocks. */
(function () {
  "use strict";

  function start() {
    const PRM = window.PRM;
    const { gettext, h } = PRM;
    const box = document.getElementById("support-section");
    if (!box || !PRM.support) return;
    const ds = box.dataset;
    PRM.state.loading(box);
    PRM.api(ds.apiUrl, { params: { partner: ds.partnerId, page_size: 10 } })
      .then((body) => {
        if (!body.results.length) {
          PRM.state.empty(box, gettext("No support requests yet."));
          return;
        }
        box.replaceChildren(
          h("table", { class: "table table-compact" },
            h("thead", {}, h("tr", {}, [gettext("No."), gettext("Subject"), gettext("Status"), gettext("Committed time"), gettext("Opened")].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, body.results.map((t) => {
              const clock = PRM.support.headlineClock(t.clocks);
              return h("tr", {},
                h("td", { class: "mono nowrap" }, t.reference),
                h("td", {}, h("a", { href: PRM.urlFor(ds.detailUrl, t.id) }, t.subject)),
                h("td", {}, h("span", { class: `badge badge-ticket-${t.status}` }, t.status_display)),
                h("td", { class: "small" }, clock ? `${clock.name}: ${PRM.support.clockText(clock)}` : "—"),
                h("td", { class: "nowrap small" }, PRM.fmt.datetime(t.opened_at)));
            }))),
          body.count > body.results.length ? h("p", { class: "table-note" }, h("a", { href: `${ds.listUrl}?q=${encodeURIComponent(ds.partnerCode)}` }, PRM.format(gettext("%(count)s requests in all"), { count: body.count }))) : null,
        );
        PRM.state.done(box);
      })
      .catch((error) => PRM.state.error(box, error));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
