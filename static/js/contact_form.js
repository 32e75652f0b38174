/* Create or edit a partner's contact through /api/v1/contacts/. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext } = PRM;
  const form = document.getElementById("contact-form");
  if (!form) return;
  const ds = form.dataset;
  const editing = ds.method === "PATCH";

  async function load() {
    const loading = form.querySelector("[data-form-loading]");
    try {
      PRM.forms.fill(form, await PRM.api(ds.apiUrl));
    } catch (error) {
      PRM.forms.showAlert(form, [error.userMessage]);
      form.querySelector("[data-submit]").disabled = true;
    } finally {
      loading.remove();
      form.removeAttribute("aria-busy");
    }
  }

  PRM.forms.bind(form, {
    url: ds.apiUrl,
    method: ds.method,
    partial: editing,
    transform(data) {
      return editing ? data : Object.assign({ partner: Number(ds.partnerId) }, data);
    },
    onSuccess(contact) {
      PRM.flash.next(
        editing
          ? PRM.format(gettext("Contact %(name)s saved."), { name: contact.name })
          : PRM.format(gettext("Contact %(name)s added."), { name: contact.name }),
      );
      window.location.assign(`${ds.backUrl}#contacts`);
    },
  });

  const remove = form.querySelector("[data-delete-contact]");
  if (remove) {
    remove.addEventListener("click", async () => {
      if (!window.confirm(gettext("Delete this contact? This cannot be undone."))) return;
      remove.disabled = true;
      try {
        await PRM.api(ds.apiUrl, { method: "DELETE" });
        PRM.flash.next(gettext("Contact deleted."));
        window.location.assign(`${ds.backUrl}#contacts`);
      } catch (error) {
        PRM.forms.showAlert(form, [error.userMessage]);
        remove.disabled = false;
      }
    });
  }

  if (editing) load();
})();
