/* Open a ticket: a multipart POST to /api/v1/support/tickets/ (files ride along); field errors
 * from the API appear beside their fields. Products and contacts are the partner's own. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext } = PRM;
  const form = document.getElementById("ticket-form");
  if (!form) return;
  const ds = form.dataset;
  const partnerSelect = form.querySelector('select[name="partner"]');
  const productSelect = form.querySelector('select[name="product"]');
  const contactSelect = form.querySelector('select[name="contact"]');

  function csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function currentPartner() {
    return ds.ownPartner || (partnerSelect ? partnerSelect.value : "");
  }

  async function loadPartnerChoices() {
    if (!partnerSelect) return;
    const params = { page_size: 200, ordering: "name", status: "active" };
    if (ds.channelManager) params.managed_by_me = "true";
    const rows = await PRM.apiAll(ds.partnersUrl, params);
    PRM.forms.options(partnerSelect, rows, { value: "id", label: (p) => `${p.code} ${p.name}` });
  }

  async function loadPartnerRefs() {
    const partnerId = currentPartner();
    const keepFirst = (select) => select.replaceChildren(select.querySelector('option[value=""]'));
    keepFirst(productSelect);
    keepFirst(contactSelect);
    if (!partnerId) return;
    const [partner, products, contacts] = await Promise.all([
      PRM.api(PRM.urlFor(ds.partnerDetailUrl, partnerId)),
      PRM.apiAll(ds.productsUrl, { active: "true" }),
      PRM.apiAll(ds.contactsUrl, { partner: partnerId }),
    ]);
    const authorised = new Set(partner.authorised_products || []);
    PRM.forms.options(productSelect, products.filter((p) => authorised.has(p.code)));
    PRM.forms.options(contactSelect, contacts, { value: "id", label: (c) => (c.title ? `${c.name} (${c.title})` : c.name) });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = form.querySelector("[data-submit]");
    PRM.forms.clearErrors(form);
    const data = new FormData();
    ["category", "priority", "subject", "description", "product", "contact"].forEach((name) => {
      const el = form.elements[name];
      if (el && el.value.trim() !== "") data.append(name, el.value.trim());
    });
    if (partnerSelect && partnerSelect.value) data.append("partner", partnerSelect.value);
    Array.from(form.elements.files.files).forEach((file) => data.append("files", file));
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(ds.apiUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
      });
      const body = await response.json().catch(() => ({}));
      if (response.status === 400) {
        PRM.forms.showErrors(form, body);
        return;
      }
      if (!response.ok) throw new PRM.ApiError(response.status, body);
      PRM.flash.next(PRM.format(gettext("Ticket %(ref)s opened."), { ref: body.reference }));
      window.location.assign(PRM.urlFor(ds.detailUrl, body.id));
    } catch (error) {
      PRM.forms.showAlert(form, [error.userMessage || gettext("Something went wrong. Try again.")]);
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });

  if (partnerSelect) partnerSelect.addEventListener("change", () => loadPartnerRefs().catch((e) => PRM.forms.showAlert(form, [e.userMessage])));
  loadPartnerChoices()
    .then(loadPartnerRefs)
    .catch((error) => PRM.forms.showAlert(form, [error.userMessage || gettext("Something went wrong. Try again.")]));
})();
