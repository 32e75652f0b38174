/* The notifications page: the signed-in user's own notifications from /api/v1/notifications/. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const root = document.getElementById("notifications");
  if (!root) return;
  const ds = root.dataset;
  const list = root.querySelector("[data-list]");
  const pagination = root.querySelector("[data-pagination]");
  const markAll = document.querySelector("[data-mark-all]");
  let page = 1;

  function onlyUnread() {
    return new URLSearchParams(window.location.search).get("unread") === "true";
  }

  async function markRead(ids) {
    const result = await PRM.api(ds.markUrl, { method: "POST", data: ids ? { ids } : {} });
    PRM.setUnread(result.unread);
    return result;
  }

  function renderItem(n) {
    const href = PRM.safeHref(n.url);
    const item = h(
      "li",
      { class: `notification${n.is_read ? "" : " is-unread"}`, "data-id": n.id },
      h("span", { class: "notification-dot", "aria-hidden": "true" }),
      h(
        "div",
        { class: "notification-body" },
        h("p", { class: "notification-title" }, href ? h("a", { href, "data-open": true }, n.title) : n.title, n.is_read ? null : h("span", { class: "visually-hidden" }, ` (${gettext("unread")})`)),
        n.body ? h("p", { class: "notification-text" }, n.body) : null,
        h("p", { class: "muted small" }, PRM.fmt.datetime(n.created_at)),
      ),
      n.is_read
        ? null
        : h("button", { type: "button", class: "button button-small button-quiet", "data-read": n.id }, PRM.icon("check"), gettext("Mark as read")),
    );
    return item;
  }

  function renderPagination(body) {
    pagination.hidden = body.pages <= 1;
    if (body.pages <= 1) return;
    pagination.replaceChildren(
      h("button", { type: "button", class: "page-button", disabled: body.page <= 1, onclick: () => load(body.page - 1) }, PRM.icon("chevron-left"), h("span", { class: "page-word" }, gettext("Previous"))),
      h("span", { class: "page-status" }, PRM.format(gettext("Page %(page)s of %(pages)s"), { page: PRM.fmt.number(body.page), pages: PRM.fmt.number(body.pages) })),
      h("button", { type: "button", class: "page-button", disabled: body.page >= body.pages, onclick: () => load(body.page + 1) }, h("span", { class: "page-word" }, gettext("Next")), PRM.icon("chevron-right")),
    );
  }

  async function load(n = page) {
    page = n;
    PRM.state.loading(list);
    try {
      const body = await PRM.api(ds.apiUrl, { params: { page, page_size: 20, unread: onlyUnread() ? "true" : "" } });
      if (!body.results.length) {
        PRM.state.empty(
          list,
          onlyUnread() ? gettext("You have read everything.") : gettext("No notifications yet."),
          gettext("PRM tells you here when something needs your attention."),
        );
        pagination.hidden = true;
        return;
      }
      PRM.state.done(list);
      list.replaceChildren(h("ul", { class: "notification-list" }, body.results.map(renderItem)));
      renderPagination(body);
    } catch (error) {
      PRM.state.error(list, error, () => load());
    }
  }

  list.addEventListener("click", async (event) => {
    const read = event.target.closest("[data-read]");
    if (read) {
      read.disabled = true;
      try {
        await markRead([Number(read.dataset.read)]);
        const item = read.closest(".notification");
        item.classList.remove("is-unread");
        item.querySelector(".notification-title .visually-hidden")?.remove();
        read.remove();
        if (onlyUnread()) load();
      } catch (error) {
        read.disabled = false;
        PRM.flash.show(error.userMessage, "error");
      }
      return;
    }
    const open = event.target.closest("[data-open]");
    if (open) {
      const item = open.closest(".notification");
      if (item.classList.contains("is-unread")) {
        event.preventDefault();
        try {
          await markRead([Number(item.dataset.id)]);
        } finally {
          window.location.assign(open.href);
        }
      }
    }
  });

  markAll.addEventListener("click", async () => {
    markAll.disabled = true;
    try {
      const result = await markRead(null);
      PRM.flash.show(PRM.format(gettext("%(count)s marked as read."), { count: PRM.fmt.number(result.marked) }));
      load(1);
    } catch (error) {
      PRM.flash.show(error.userMessage, "error");
    } finally {
      markAll.disabled = false;
    }
  });

  document.querySelectorAll("[data-show]").forEach((button) => {
    button.setAttribute("aria-pressed", String((button.dataset.show === "unread") === onlyUnread()));
    button.addEventListener("click", () => {
      window.history.pushState({}, "", button.dataset.show === "unread" ? "?unread=true" : window.location.pathname);
      document.querySelectorAll("[data-show]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      load(1);
    });
  });
  window.addEventListener("popstate", () => {
    document.querySelectorAll("[data-show]").forEach((b) => b.setAttribute("aria-pressed", String((b.dataset.show === "unread") === onlyUnread())));
    load(1);
  });

  load(1);
})();
