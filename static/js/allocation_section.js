/* The "Resource allocation" section of the partner detail page (staff): segment, the two scores
 * and the measures they are made of. */
(function () {
  "use strict";

  const PRM = window.PRM;
  if (!PRM) return;
  const { gettext, h } = PRM;
  document.querySelectorAll("[data-allocation-section]").forEach(async (root) => {
    const summary = root.querySelector("[data-allocation-summary]");
    try {
      const row = await PRM.api(root.dataset.detailUrl);
      summary.textContent = PRM.format(
        gettext("Segment %(segment)s: intrinsic attractiveness %(a)s, capability fit %(f)s (as of %(day)s)."),
        { segment: row.segment, a: row.attractiveness, f: row.fit, day: PRM.fmt.date(row.as_of) },
      );
      summary.classList.remove("muted");
      root.querySelector("[data-allocation-measures]").replaceChildren(
        h("ul", { class: "allocation-measures" }, row.measures.map((m) => h("li", { "data-measure": m.measure }, `${m.label}: ${m.score}`))),
      );
    } catch (error) {
      summary.textContent = error.status === 404
        ? gettext("Not placed yet: the nightly job places every partner that is not exited.")
        : error.userMessage || gettext("Could not load this part of the page.");
    }
  });
})();
