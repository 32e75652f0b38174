/* The "Points and tier" section of the partner detail page (staff). */
(function () {
  "use strict";

  const PRM = window.PRM;
  if (!PRM) return;
  document.querySelectorAll("[data-loyalty-section]").forEach(async (root) => {
    const summary = root.querySelector("[data-loyalty-summary]");
    try {
      const b = await PRM.api(root.dataset.balanceUrl);
      const p = b.progress;
      summary.textContent = PRM.format(
        PRM.gettext("Balance %(balance)s points, %(qualifying)s qualifying points in 12 months; qualifies for %(tier)s."),
        { balance: PRM.fmt.number(b.points), qualifying: PRM.fmt.number(p.qualifying_points), tier: p.qualified_tier || "—" },
      );
      summary.classList.remove("muted");
    } catch (error) {
      summary.textContent = error.userMessage || PRM.gettext("Could not load this part of the page.");
    }
  });
})();
