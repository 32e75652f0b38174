/* Support helpers shared by the support pages: clocks, badges, durations in working time. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;

  /** Working time as the calendar counts it: "2 h 05 min", "45 min". Negative means overdue. */
  function duration(seconds) {
    const total = Math.round(Math.abs(seconds) / 60);
    const hours = Math.floor(total / 60);
    const minutes = total % 60;
    if (hours === 0) return PRM.format(gettext("%(m)s min"), { m: minutes });
    return PRM.format(gettext("%(h)s h %(m)s min"), { h: hours, m: String(minutes).padStart(2, "0") });
  }

  const SLA_LABELS = {
    running: () => gettext("Running"),
    paused: () => gettext("Paused"),
    met: () => gettext("Met"),
    breached: () => gettext("Breached"),
  };

  /** One sentence for a clock: time left, overdue, paused or met. */
  function clockText(clock) {
    if (clock.status === "met") return gettext("Met in time");
    if (!clock.running) {
      if (clock.status === "breached") return gettext("Breached (clock stopped)");
      return PRM.format(gettext("Paused, %(left)s left"), { left: duration(clock.left_seconds) });
    }
    if (clock.left_seconds < 0) return PRM.format(gettext("Overdue by %(left)s"), { left: duration(clock.left_seconds) });
    return PRM.format(gettext("%(left)s left"), { left: duration(clock.left_seconds) });
  }

  function slaBadge(status) {
    return h("span", { class: `badge badge-sla-${status}` }, (SLA_LABELS[status] || (() => status))());
  }

  /** The clock that matters most in a list: the running one due first, else a breach, else any. */
  function headlineClock(clocks) {
    const running = clocks.filter((c) => c.running).sort((a, b) => a.left_seconds - b.left_seconds);
    return running[0] || clocks.find((c) => c.status === "breached") || clocks[0] || null;
  }

  function clockCard(clock) {
    return h(
      "div",
      { class: `clock clock-${clock.status}`, dataset: { clock: clock.code } },
      h("div", { class: "clock-name" }, clock.name, " ", slaBadge(clock.status)),
      h("div", { class: "clock-left", dataset: { left: clock.code } }, clockText(clock)),
      h(
        "div",
        { class: "clock-due" },
        clock.met_at
          ? PRM.format(gettext("Met at %(when)s"), { when: PRM.fmt.datetime(clock.met_at) })
          : clock.due_at
            ? PRM.format(gettext("Due %(when)s"), { when: PRM.fmt.datetime(clock.due_at) })
            : gettext("Waiting on you: the clock is stopped"),
      ),
    );
  }

  /** Read the page's URL into a plain object and write it back (filters kept in the address). */
  function readQuery() {
    return Object.fromEntries(new URLSearchParams(window.location.search).entries());
  }
  function writeQuery(values) {
    const params = new URLSearchParams();
    Object.entries(values).forEach(([k, v]) => {
      if (v !== "" && v !== null && v !== undefined && v !== false) params.set(k, v);
    });
    const query = params.toString();
    window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
  }

  PRM.support = { duration, clockText, slaBadge, headlineClock, clockCard, readQuery, writeQuery };
})();
