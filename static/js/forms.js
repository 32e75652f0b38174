/* Forms that post to the API: collect the fields, send JSON with the CSRF token, and show the
 * API's field errors beside the fields (and the rest at the top of the form). */
(function () {
  "use strict";

  const { gettext, h } = window.PRM;

  function fieldElements(form) {
    return Array.from(form.querySelectorAll("input[name], select[name], textarea[name]")).filter(
      (el) => el.type !== "hidden" && el.name !== "csrfmiddlewaretoken",
    );
  }

  /** The form's values as the API expects them.
   * `partial`: on edit, an empty required field is sent (so the API says what is wrong);
   * on create it is left out, and the API answers "This field is required." */
  function collect(form, { partial = false } = {}) {
    const data = {};
    const multi = new Set(Array.from(form.querySelectorAll("[data-multi]")).map((el) => el.dataset.multi));
    multi.forEach((name) => {
      data[name] = Array.from(form.querySelectorAll(`input[type=checkbox][name="${name}"]`))
        .filter((el) => el.checked)
        .map((el) => el.value);
    });
    fieldElements(form).forEach((el) => {
      if (multi.has(el.name)) return;
      if (el.type === "checkbox") {
        data[el.name] = el.checked;
        return;
      }
      const value = el.value.trim();
      if (value === "") {
        if (el.hasAttribute("data-nullable")) data[el.name] = null;
        else if (el.required && !partial) return;
        else if (el.type === "date" || el.type === "number" || el.tagName === "SELECT") data[el.name] = null;
        else data[el.name] = "";
        return;
      }
      data[el.name] = value;
    });
    return data;
  }

  /** Put API values into the form's fields. */
  function fill(form, values) {
    fieldElements(form).forEach((el) => {
      if (!(el.name in values)) return;
      const value = values[el.name];
      if (el.type === "checkbox") {
        el.checked = Array.isArray(value) ? value.map(String).includes(el.value) : Boolean(value);
      } else {
        el.value = value === null || value === undefined ? "" : String(value);
      }
    });
  }

  function messagesOf(value) {
    if (value === null || value === undefined) return [];
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(messagesOf);
    if (typeof value === "object") return Object.values(value).flatMap(messagesOf);
    return [String(value)];
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach((el) => {
      el.hidden = true;
      el.textContent = "";
    });
    form.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
    form.querySelectorAll("[aria-invalid]").forEach((el) => {
      el.removeAttribute("aria-invalid");
      const described = (el.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.endsWith("_error"));
      if (described.length) el.setAttribute("aria-describedby", described.join(" "));
      else el.removeAttribute("aria-describedby");
    });
    const alert = form.querySelector("[data-form-alert]");
    if (alert) {
      alert.hidden = true;
      alert.replaceChildren();
    }
  }

  function showAlert(form, lines) {
    const alert = form.querySelector("[data-form-alert]");
    if (!alert) return;
    alert.replaceChildren(
      h(
        "div",
        { class: "alert alert-error", role: "alert" },
        window.PRM.icon("alert"),
        h("div", {}, lines.map((line) => h("p", {}, line))),
      ),
    );
    alert.hidden = false;
  }

  /** Show a 400 answer: messages beside their fields, the rest at the top. Focus the first. */
  function showErrors(form, data) {
    clearErrors(form);
    const general = [];
    let first = null;
    Object.entries(data || {}).forEach(([name, value]) => {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      const lines = messagesOf(value);
      if (!slot || name === "non_field_errors" || name === "detail") {
        general.push(...lines);
        return;
      }
      slot.textContent = lines.join(" ");
      slot.hidden = false;
      if (!slot.id) slot.id = `error-${name}`;
      const wrapper = slot.closest(".field");
      if (wrapper) wrapper.classList.add("has-error");
      const inputs = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      inputs.forEach((input) => {
        input.setAttribute("aria-invalid", "true");
        const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        described.push(slot.id);
        input.setAttribute("aria-describedby", described.join(" "));
      });
      if (!first && inputs.length) first = inputs[0];
    });
    if (general.length || !first) {
      showAlert(form, general.length ? general : [gettext("Some of the values were not accepted. Correct them and try again.")]);
    }
    if (first) first.focus();
    else form.querySelector("[data-form-alert]")?.scrollIntoView({ block: "center" });
  }

  /** Bind a form to an API endpoint.
   * options: url, method, partial, transform(data) -> data, onSuccess(body) */
  function bind(form, options) {
    const submit = form.querySelector("[data-submit]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true" && submit.disabled) return;
      clearErrors(form);
      let data = collect(form, { partial: Boolean(options.partial) });
      if (options.transform) data = options.transform(data);
      submit.disabled = true;
      form.setAttribute("aria-busy", "true");
      const label = submit.textContent;
      submit.textContent = gettext("Saving…");
      try {
        const body = await window.PRM.api(options.url, { method: options.method, data });
        options.onSuccess(body);
      } catch (error) {
        if (error instanceof window.PRM.ApiError && error.status === 400) showErrors(form, error.data);
        else showAlert(form, [error.userMessage || gettext("Something went wrong. Try again.")]);
      } finally {
        submit.disabled = false;
        submit.textContent = label;
        form.removeAttribute("aria-busy");
      }
    });
  }

  /** Fill <select data-source="..."> and checkbox grids from reference rows ({code, label}). */
  function options(select, rows, { value = "code", label = (row) => row.label } = {}) {
    const keep = Array.from(select.querySelectorAll("option")).filter((o) => o.value === "");
    select.replaceChildren(...keep, ...rows.map((row) => h("option", { value: row[value] }, label(row))));
  }

  window.PRM.forms = { bind, collect, fill, showErrors, clearErrors, showAlert, options };
})();
