/* PRM portal core: API calls (session + CSRF), locale formatting, DOM helpers, page states,
 * flash messages and the layout's behaviour (menu, user menu, language switch, bell).
 * Every page script uses window.PRM; strings go through Django's JavaScript catalog. */
(function () {
  "use strict";

  const PRM = (window.PRM = window.PRM || {});
  const gettext = window.gettext || ((s) => s);
  const ngettext = window.ngettext || ((s, p, n) => (n === 1 ? s : p));
  const interpolate = window.interpolate || ((fmt) => fmt);
  const lang = document.documentElement.lang || "en";
  const timeZoneMeta = document.querySelector('meta[name="prm-time-zone"]');
  const timeZone = timeZoneMeta ? timeZoneMeta.content : "Asia/Shanghai";

  PRM.lang = lang;
  PRM.gettext = gettext;
  PRM.ngettext = ngettext;
  /** interpolate with named placeholders: PRM.format("%(n)s partners", {n: 3}). */
  PRM.format = (fmt, values) => interpolate(fmt, values, true);

  /* ---------------------------------------------------------------- API ------------------ */

  class ApiError extends Error {
    constructor(status, data) {
      super((data && data.detail) || `HTTP ${status}`);
      this.status = status;
      this.data = data || {};
    }

    /** A sentence for the user, whatever went wrong. */
    get userMessage() {
      if (this.status === 0) return gettext("The server could not be reached. Check your connection and try again.");
      if (this.data && typeof this.data.detail === "string") return this.data.detail;
      if (this.status === 400) return gettext("Some of the values were not accepted. Correct them and try again.");
      if (this.status === 404) return gettext("This record does not exist or is not yours to see.");
      if (this.status >= 500) return gettext("The server had a problem. Try again in a moment.");
      return gettext("Something went wrong. Try again.");
    }
  }
  PRM.ApiError = ApiError;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function withParams(url, params) {
    if (!params) return url;
    const search = params instanceof URLSearchParams ? params : new URLSearchParams();
    if (!(params instanceof URLSearchParams)) {
      Object.entries(params).forEach(([key, value]) => {
        if (value === undefined || value === null || value === "") return;
        (Array.isArray(value) ? value : [value]).forEach((v) => search.append(key, v));
      });
    }
    const query = search.toString();
    return query ? `${url}${url.includes("?") ? "&" : "?"}${query}` : url;
  }

  /** Call the API as the signed-in user. Resolves with the JSON body; rejects with ApiError. */
  PRM.api = async function api(url, { method = "GET", data, params, signal } = {}) {
    const headers = { Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin", signal };
    if (method !== "GET" && method !== "HEAD") {
      headers["X-CSRFToken"] = csrfToken();
      if (data !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(data);
      }
    }
    let response;
    try {
      response = await fetch(withParams(url, params), init);
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, {});
    }
    if (response.status === 204) return null;
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  };

  /** Every row of a paginated list (for short reference lists such as products). */
  PRM.apiAll = async function apiAll(url, params) {
    let page = await PRM.api(url, { params: Object.assign({ page_size: 200 }, params || {}) });
    if (Array.isArray(page)) return page;
    const rows = page.results.slice();
    while (page.next) {
      page = await PRM.api(page.next);
      rows.push(...page.results);
    }
    return rows;
  };

  /* ----------------------------------------------------------- formatting --------------- */

  const cache = {};
  function formatter(key, make) {
    if (!cache[key]) cache[key] = make();
    return cache[key];
  }

  PRM.fmt = {
    /** A date-only value ("2024-01-15"), shown as the calendar date it names. */
    date(value) {
      if (!value) return "";
      const date = new Date(`${value}T00:00:00Z`);
      if (Number.isNaN(date.getTime())) return String(value);
      return formatter("date", () => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" })).format(date);
    },
    /** A moment, shown in the business time zone. */
    datetime(value) {
      if (!value) return "";
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) return String(value);
      return formatter(
        "datetime",
        () => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone }),
      ).format(date);
    },
    number(value) {
      if (value === null || value === undefined || value === "") return "";
      return formatter("number", () => new Intl.NumberFormat(lang)).format(Number(value));
    },
    /** Money arrives as a decimal string in CNY. */
    money(value) {
      if (value === null || value === undefined || value === "") return "";
      return formatter(
        "money",
        () =>
          new Intl.NumberFormat(lang, {
            style: "currency",
            currency: "CNY",
            currencyDisplay: "narrowSymbol",
            minimumFractionDigits: 2,
          }),
      ).format(Number(value));
    },
    /** A ratio from 0 to 1 ("0.1500") as a percentage. */
    percent(value) {
      if (value === null || value === undefined || value === "") return "";
      return formatter("percent", () => new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 2 })).format(
        Number(value),
      );
    },
  };

  /* --------------------------------------------------------------- DOM ------------------ */

  /** h("a", {href: "/", class: "link"}, "text", child, [more]) -> element. */
  PRM.h = function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key === "dataset") Object.assign(el.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else if (value === true) el.setAttribute(key, "");
      else el.setAttribute(key, value);
    });
    const append = (child) => {
      if (child === null || child === undefined || child === false) return;
      if (Array.isArray(child)) child.forEach(append);
      else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    };
    children.forEach(append);
    return el;
  };
  const h = PRM.h;

  PRM.icon = function icon(name, extraClass) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", `icon${extraClass ? ` ${extraClass}` : ""}`);
    svg.setAttribute("aria-hidden", "true");
    const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
    use.setAttribute("href", `#icon-${name}`);
    svg.append(use);
    return svg;
  };

  /** A URL pattern rendered with a 0 id ("/partners/0/") filled with a real one. */
  PRM.urlFor = (pattern, id) => {
    const at = pattern.lastIndexOf("/0/");
    return at < 0 ? pattern : `${pattern.slice(0, at)}/${encodeURIComponent(id)}/${pattern.slice(at + 3)}`;
  };

  /** A link target from stored data: only same-site paths and http(s) URLs are followed. */
  PRM.safeHref = function safeHref(url) {
    if (!url) return null;
    if (url.startsWith("/") && !url.startsWith("//")) return url;
    return /^https?:\/\//i.test(url) ? url : null;
  };

  PRM.badge = function badge(kind, value, label) {
    return h("span", { class: `badge badge-${kind}-${value}` }, label);
  };

  PRM.debounce = function debounce(fn, wait) {
    let timer;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), wait);
    };
  };

  /* ---------------------------------------------------------- page states --------------- */

  PRM.state = {
    loading(container, text) {
      container.setAttribute("aria-busy", "true");
      container.replaceChildren(
        h("div", { class: "state state-loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), text || gettext("Loading…")),
      );
    },
    empty(container, title, text, action) {
      container.removeAttribute("aria-busy");
      container.replaceChildren(
        h("div", { class: "state state-empty" }, PRM.icon("inbox", "state-icon"), h("p", { class: "state-title" }, title), text ? h("p", { class: "muted" }, text) : null, action || null),
      );
    },
    error(container, error, retry) {
      container.removeAttribute("aria-busy");
      const message = error instanceof ApiError ? error.userMessage : gettext("Something went wrong. Try again.");
      container.replaceChildren(
        h(
          "div",
          { class: "state state-error", role: "alert" },
          PRM.icon("alert", "state-icon"),
          h("p", { class: "state-title" }, gettext("Could not load this part of the page.")),
          h("p", { class: "muted" }, message),
          retry ? h("button", { type: "button", class: "button button-small", onclick: retry }, PRM.icon("refresh"), gettext("Try again")) : null,
        ),
      );
    },
    done(container) {
      container.removeAttribute("aria-busy");
    },
  };

  /* ------------------------------------------------------------- messages --------------- */

  const FLASH_KEY = "prm.flash";
  const ICONS = { success: "check", error: "alert", warning: "alert", info: "info" };

  PRM.flash = {
    /** Show a message now, in the same place as the server's messages. */
    show(text, level = "success") {
      const region = document.getElementById("messages");
      if (!region) return;
      const message = h(
        "div",
        { class: `message message-${level}`, role: level === "error" ? "alert" : "status" },
        PRM.icon(ICONS[level] || "info"),
        h("span", { class: "message-text" }, text),
        h("button", { type: "button", class: "message-close", "aria-label": gettext("Dismiss"), "data-dismiss-message": true }, PRM.icon("close")),
      );
      region.append(message);
      if (level === "success" || level === "info") setTimeout(() => message.remove(), 8000);
    },
    /** Keep a message for the next page (after a redirect). */
    next(text, level = "success") {
      try {
        sessionStorage.setItem(FLASH_KEY, JSON.stringify({ text, level }));
      } catch (error) {
        /* storage unavailable: the message is lost, the action is not */
      }
    },
    showQueued() {
      let queued = null;
      try {
        queued = JSON.parse(sessionStorage.getItem(FLASH_KEY) || "null");
        sessionStorage.removeItem(FLASH_KEY);
      } catch (error) {
        queued = null;
      }
      if (queued && queued.text) PRM.flash.show(queued.text, queued.level);
    },
  };

  /* --------------------------------------------------------------- layout --------------- */

  PRM.setUnread = function setUnread(count) {
    document.querySelectorAll("[data-bell-count]").forEach((el) => {
      el.textContent = count > 99 ? "99+" : String(count);
      el.hidden = !count;
    });
    const bell = document.querySelector("[data-bell]");
    if (bell) {
      bell.setAttribute(
        "aria-label",
        PRM.format(ngettext("Notifications: %(count)s unread", "Notifications: %(count)s unread", count), { count }),
      );
    }
  };

  function setupLayout() {
    const toggle = document.querySelector("[data-nav-toggle]");
    const sidebar = document.querySelector("[data-sidebar]");
    const backdrop = document.querySelector("[data-nav-backdrop]");
    const setOpen = (open) => {
      if (!toggle || !sidebar) return;
      toggle.setAttribute("aria-expanded", String(open));
      document.body.classList.toggle("nav-open", open);
      if (backdrop) backdrop.hidden = !open;
      if (open) {
        const first = sidebar.querySelector("a");
        if (first) first.focus();
      }
    };
    if (toggle) toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
    if (backdrop) backdrop.addEventListener("click", () => setOpen(false));
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      if (document.body.classList.contains("nav-open")) {
        setOpen(false);
        if (toggle) toggle.focus();
      }
      document.querySelectorAll("details[data-close-outside][open]").forEach((d) => {
        d.open = false;
        const summary = d.querySelector("summary");
        if (summary) summary.focus();
      });
    });

    // Dropdowns built on <details> close when the user clicks elsewhere.
    document.addEventListener("click", (event) => {
      document.querySelectorAll("details[data-close-outside][open]").forEach((d) => {
        if (!d.contains(event.target)) d.open = false;
      });
    });

    // The language switch submits as soon as a language is chosen (a button without JS).
    document.querySelectorAll("form[data-auto-submit] select").forEach((select) => {
      select.addEventListener("change", () => select.form.submit());
    });

    document.addEventListener("click", (event) => {
      const close = event.target.closest("[data-dismiss-message]");
      if (close) close.closest(".message").remove();
      const back = event.target.closest("[data-history-back]");
      if (back) window.history.back();
    });

    PRM.flash.showQueued();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupLayout);
  else setupLayout();
})();
