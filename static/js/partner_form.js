/* Create or edit a partner through /api/v1/partners/. Reference lists come from the API too. */
(function () {
  "use strict";

  const PRM = window.PRM;
  const { gettext, h } = PRM;
  const form = document.getElementById("partner-form");
  if (!form) return;
  const ds = form.dataset;
  const editing = ds.method === "PATCH";
  const selfService = ds.selfService === "true";

  function renderProducts(products, selected) {
    const grid = form.querySelector('[data-multi="authorised_products"]');
    if (!grid) return;
    if (!products.length) {
      grid.replaceChildren(h("p", { class: "muted" }, gettext("No products are set up yet.")));
      return;
    }
    grid.replaceChildren(
      ...products.map((product) =>
        h(
          "label",
          { class: "check check-card" },
          h("input", { type: "checkbox", name: "authorised_products", value: product.code, checked: selected.includes(product.code) }),
          h("span", {}, h("span", { class: "check-title" }, product.label), h("span", { class: "muted small" }, `${product.code} · ${product.product_type_display}`)),
        ),
      ),
    );
  }

  function showRatio() {
    const input = form.querySelector('[name="revenue_share"]');
    if (!input) return;
    const help = form.querySelector("#id_revenue_share_help");
    const base = help.dataset.base || help.textContent;
    help.dataset.base = base;
    const value = Number(input.value);
    help.textContent =
      input.value !== "" && Number.isFinite(value) && value >= 0 && value <= 1
        ? `${base} (${PRM.format(gettext("now %(percent)s"), { percent: PRM.fmt.percent(value) })})`
        : base;
  }

  async function load() {
    const loading = form.querySelector("[data-form-loading]");
    try {
      const [types, cities, products, partner] = await Promise.all([
        selfService ? [] : PRM.api(ds.typesUrl),
        selfService ? [] : PRM.api(ds.citiesUrl),
        selfService ? [] : PRM.apiAll(ds.productsUrl),
        editing ? PRM.api(ds.apiUrl) : null,
      ]);
      if (!selfService) {
        const typeSelect = form.querySelector('[name="partner_type"]');
        const current = partner ? partner.partner_type : null;
        PRM.forms.options(typeSelect, types.filter((t) => t.active || t.code === current));
        PRM.forms.options(form.querySelector('[name="city"]'), cities);
        const activeProducts = products.filter((p) => p.active || (partner && partner.authorised_products.includes(p.code)));
        renderProducts(activeProducts, partner ? partner.authorised_products : []);
      }
      if (partner) {
        PRM.forms.fill(form, partner);
        const manager = form.querySelector('[name="channel_manager"]');
        if (manager && partner.channel_manager && !manager.querySelector(`option[value="${partner.channel_manager}"]`)) {
          // An inactive manager still owns the partner: keep them selectable.
          manager.append(h("option", { value: partner.channel_manager }, partner.channel_manager_name));
          manager.value = String(partner.channel_manager);
        }
      } else if (ds.defaultChannelManager) {
        const manager = form.querySelector('[name="channel_manager"]');
        if (manager) manager.value = ds.defaultChannelManager;
      }
      showRatio();
      loading.remove();
      form.removeAttribute("aria-busy");
    } catch (error) {
      loading.remove();
      form.removeAttribute("aria-busy");
      PRM.forms.showAlert(form, [error.userMessage || gettext("Something went wrong. Try again.")]);
      form.querySelector("[data-submit]").disabled = true;
    }
  }

  const ratio = form.querySelector('[name="revenue_share"]');
  if (ratio) ratio.addEventListener("input", showRatio);

  PRM.forms.bind(form, {
    url: ds.apiUrl,
    method: ds.method,
    partial: editing,
    onSuccess(partner) {
      PRM.flash.next(
        editing
          ? gettext("Changes saved.")
          : PRM.format(gettext("Partner %(code)s created."), { code: partner.code }),
      );
      window.location.assign(selfService ? ds.detailUrl : PRM.urlFor(ds.detailUrl, partner.id));
    },
  });

  load();
})();
