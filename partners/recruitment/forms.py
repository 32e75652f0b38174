"""The public application form: server-rendered, every field length-limited, with a honeypot."""
import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from partners.choices import CooperationModel
from partners.models import CityBranch, PartnerType, Product

from .models import COMPANY_MAX, CONTACT_NAME_MAX, EMAIL_MAX, MESSAGE_MAX, PHONE_MAX, PRODUCTS_MAX

PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{4,38}$", _("Enter a phone number: digits, spaces, brackets, dashes and a leading +.")
)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Strip control characters (NUL breaks PostgreSQL) and surrounding space."""
    return CONTROL_CHARS.sub("", value or "").strip()


class LabelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class LabelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class ApplicationForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=COMPANY_MAX)
    partner_type = LabelChoiceField(
        label=_("Partner type"), queryset=PartnerType.objects.filter(active=True), empty_label=_("Choose a type")
    )
    cooperation_model = forms.ChoiceField(
        label=_("Cooperation model"), choices=[("", _("Choose a model")), *CooperationModel.choices]
    )
    city = LabelChoiceField(label=_("City branch"), queryset=CityBranch.objects.all(), empty_label=_("Choose a city branch"))
    products = LabelMultipleChoiceField(
        label=_("Products of interest"), queryset=Product.objects.filter(active=True), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=CONTACT_NAME_MAX)
    contact_phone = forms.CharField(label=_("Phone"), max_length=PHONE_MAX, validators=[PHONE_VALIDATOR])
    contact_email = forms.EmailField(label=_("E-mail"), max_length=EMAIL_MAX)
    message = forms.CharField(
        label=_("About your company"), max_length=MESSAGE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Customers you serve, products you sell, people you employ (optional)."),
    )
    # The honeypot: hidden from people, filled in by bots. A filled one is silently dropped.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def clean_products(self):
        products = self.cleaned_data.get("products")
        if products is not None and len(products) > PRODUCTS_MAX:
            raise forms.ValidationError(_("Choose at most %(n)s products.") % {"n": PRODUCTS_MAX})
        return products

    def _clean_text(self, name):
        value = clean_text(self.cleaned_data.get(name, ""))
        field = self.fields[name]
        if field.required and not value:
            raise forms.ValidationError(field.error_messages["required"], code="required")
        return value

    def clean_company_name(self):
        return self._clean_text("company_name")

    def clean_contact_name(self):
        return self._clean_text("contact_name")

    def clean_message(self):
        return self._clean_text("message")

    def clean_contact_phone(self):
        return self._clean_text("contact_phone")

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        return data
